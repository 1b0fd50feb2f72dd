"""docker-compose.yml and Dockerfile, checked without Docker.

The compose file is validated against the official Compose Specification JSON schema
(schema/compose-spec.json of github.com/compose-spec/compose-go/v2, fetched by
`tests/peers/fetch.sh compose-schema`, pinned version and sha256), then its structure is checked:
Kafka, kinesis-mock, three connectd workers built from ./Dockerfile forming one Connect cluster,
the one-shot setup service. The worker properties are produced by running the image's real entry
point (docker/connectd-entrypoint.sh print-config) with each worker's environment.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from harness.peers import REPO_ROOT, peers_dir

COMPOSE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENTRYPOINT = REPO_ROOT / "docker" / "connectd-entrypoint.sh"
WORKERS = ["connectd-1", "connectd-2", "connectd-3"]
RUNTIME_LIBS = ["librdkafka1", "libmicrohttpd12", "libjansson4", "libcurl4", "libavro23", "libssl3"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def schema() -> dict:
    path = peers_dir() / "compose-schema" / "compose-spec.json"
    if not path.is_file():
        pytest.fail(f"{path} missing: run tests/peers/fetch.sh compose-schema")
    return json.loads(path.read_text())


def test_compose_file_matches_the_compose_specification(compose: dict, schema: dict) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_schema_rejects_a_broken_compose_file(compose: dict, schema: dict) -> None:
    """The validation has teeth: a misspelt key or a wrong type is caught."""
    validator = jsonschema.Draft202012Validator(schema)
    broken = json.loads(json.dumps(compose))
    broken["services"]["kafka"]["helthcheck"] = broken["services"]["kafka"].pop("healthcheck")
    assert list(validator.iter_errors(broken))
    broken = json.loads(json.dumps(compose))
    broken["services"]["connectd-1"]["ports"] = "8083:8083"
    assert list(validator.iter_errors(broken))


def worker_properties(env: dict, tmp_path: Path) -> dict:
    out = subprocess.run(["sh", str(ENTRYPOINT), "print-config"],
                         env={"PATH": "/usr/bin:/bin",
                              "CONNECTD_WORKER_PROPERTIES": str(tmp_path / "w.properties"),
                              **{k: str(v) for k, v in env.items()}},
                         capture_output=True, text=True, timeout=30, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if line)


def test_services_form_the_demo(compose: dict, tmp_path: Path) -> None:
    services = compose["services"]
    assert {"kafka", "kinesis", "setup", *WORKERS} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert "broker,controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    assert "kinesis-local@" in " ".join(services["kinesis"]["command"]) or \
        services["kinesis"]["image"].startswith("ghcr.io/etspaceman/kinesis-mock")

    props = {}
    for name in WORKERS:
        svc = services[name]
        assert svc["build"]["dockerfile"] == "Dockerfile" and svc["build"]["context"] == "."
        assert svc["depends_on"]["kafka"]["condition"] == "service_healthy"
        props[name] = worker_properties(svc["environment"], tmp_path)
        assert props[name]["rest.advertised.host.name"] == name
        assert props[name]["bootstrap.servers"] == "kafka:9092"
    for key in ("group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic"):
        values = {p[key] for p in props.values()}
        assert len(values) == 1, f"{key} differs between the workers: {values}"
    # The kafka healthcheck listener is the one the workers use.
    assert "localhost:9092" in " ".join(services["kafka"]["healthcheck"]["test"])

    setup = services["setup"]
    assert setup["depends_on"]["kinesis"]["condition"] == "service_healthy"
    assert setup["depends_on"]["connectd-1"]["condition"] == "service_healthy"
    command = " ".join(setup["command"])
    assert "scripts/demo.py setup" in command and "http://connectd-1:8083" in command
    for volume in setup["volumes"]:
        source = volume.split(":")[0]
        assert (REPO_ROOT / source).is_dir(), volume


def stages(dockerfile: str) -> dict:
    """{stage name: its instructions} (line continuations joined)."""
    text = re.sub(r"\\\n", " ", dockerfile)
    out: dict = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"FROM\s+(\S+)\s+AS\s+(\S+)", line, re.I)
        if m:
            current = m.group(2)
            out[current] = [line]
        elif current and line and not line.startswith("#"):
            out[current].append(line)
    return out


def test_dockerfile_builds_on_debian_12_with_the_runtime_libraries() -> None:
    assert DOCKERFILE.is_file() and ENTRYPOINT.is_file()
    st = stages(DOCKERFILE.read_text())
    assert set(st) == {"build", "runtime"}
    assert st["build"][0].split()[1].startswith("debian:12")
    assert st["runtime"][0].split()[1].startswith("debian:12")
    build = " ".join(st["build"])
    for pkg in ("cmake", "librdkafka-dev", "libmicrohttpd-dev", "libjansson-dev",
                "libcurl4-openssl-dev", "libavro-dev", "libssl-dev"):
        assert pkg in build.split(), pkg
    assert "--target connectd" in build
    runtime = " ".join(st["runtime"])
    for pkg in RUNTIME_LIBS:
        assert pkg in runtime.split(), pkg
    assert "COPY --from=build /build/connectd" in runtime
    assert "connectd-entrypoint.sh" in runtime


def test_runtime_libraries_are_the_ones_connectd_links(build_dir: Path) -> None:
    """Every library the built binary links directly (ELF NEEDED) comes from a package the
    runtime stage installs (or libc6/libgcc-s1, in every Debian image)."""
    binary = build_dir / "connectd"
    if not binary.is_file():
        pytest.fail(f"connectd not built at {binary}")
    dyn = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True,
                         check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dyn)
    assert "librdkafka.so.1" in needed, needed
    owners = subprocess.run(["dpkg", "-S", *needed], capture_output=True, text=True).stdout
    owners_of: dict = {}
    for line in owners.splitlines():
        pkgs, path = line.split(": ", 1)
        if Path(path).name in needed:
            for pkg in pkgs.split(", "):
                owners_of.setdefault(Path(path).name, set()).add(pkg.split(":")[0])
    missing = [lib for lib in needed if lib not in owners_of]
    assert not missing, f"no Debian package owns {missing}"
    allowed = set(RUNTIME_LIBS) | {"libc6", "libgcc-s1"}
    lacking = {lib: owners for lib, owners in owners_of.items() if not owners & allowed}
    assert not lacking, f"the runtime stage lacks the packages of {lacking}"

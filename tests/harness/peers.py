"""Real test peers on 127.0.0.1: a Kafka KRaft broker, the Java Connect reference
worker, kinesis-mock and Apicurio Registry.

Nothing here is a mock: every peer is the real program, fetched by
tests/peers/fetch.sh (see /work/shared/reference/test-peers.md) and started as a
child process with its output in a per-run log file.

Typical use (pytest code should use the fixtures in tests/integration/conftest.py)::

    with KafkaBroker.start(work_dir) as kafka, \
         JavaConnectWorker.start(work_dir, kafka.bootstrap, group_id="ref") as worker:
        ...  # kafka.bootstrap, worker.url; both stopped (SIGTERM, then SIGKILL) on exit

Environment: CONNECTD_PEERS_DIR (default <repo>/.peers), KAFKA_VERSION (default 4.3.1),
KAFKA_BOOTSTRAP (use a running broker, see KafkaBroker.from_environment),
APICURIO_JAVA_HOME (a Java 21+ for Apicurio 3.3 when `java` is 17).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
PEERS_CONFIG_DIR = REPO_ROOT / "tests" / "peers"
FETCH_SCRIPT = PEERS_CONFIG_DIR / "fetch.sh"

DEFAULT_KAFKA_VERSION = "4.3.1"
LOOPBACK = "127.0.0.1"


class PeerMissing(RuntimeError):
    """The peer's files are not on disk: the test run must fail and say how to fetch them."""


class PeerStartError(RuntimeError):
    """A peer did not become ready; the message carries the tail of its log."""


# --------------------------------------------------------------------------- locations


def peers_dir() -> Path:
    return Path(os.environ.get("CONNECTD_PEERS_DIR", REPO_ROOT / ".peers"))


def kafka_version() -> str:
    return os.environ.get("KAFKA_VERSION", DEFAULT_KAFKA_VERSION)


def _require(path: Path, peer: str, fetch_args: str) -> Path:
    if not path.exists():
        env = f"KAFKA_VERSION={kafka_version()} " if fetch_args == "kafka" else ""
        raise PeerMissing(
            f"{peer} not found at {path}. Fetch the test peers first:\n"
            f"    {env}{FETCH_SCRIPT.relative_to(REPO_ROOT)} {fetch_args}\n"
            f"(CONNECTD_PEERS_DIR={peers_dir()})"
        )
    return path


def kafka_lib_dir(version: Optional[str] = None) -> Path:
    version = version or kafka_version()
    lib = peers_dir() / f"kafka-{version}" / "lib"
    _require(lib / f"kafka_2.13-{version}.jar", f"Kafka {version} jars", "kafka")
    return lib


def apicurio_run_jar() -> Path:
    return _require(
        peers_dir() / "apicurio" / "quarkus-app" / "quarkus-run.jar", "Apicurio Registry", "apicurio"
    )


def kinesis_mock_dir() -> Path:
    package = peers_dir() / "kinesis" / "node_modules" / "kinesis-local"
    _require(package / "main.js", "kinesis-local (kinesis-mock)", "kinesis")
    return package


def _java_home_major(java_home: Path) -> Optional[int]:
    """Feature version (17, 21, 25...) of the JDK/JRE at java_home, from its `release` file."""
    try:
        release = (java_home / "release").read_text()
    except OSError:
        return None
    for line in release.splitlines():
        if line.startswith("JAVA_VERSION="):
            version = line.split("=", 1)[1].strip().strip('"')
            head = version.split(".")[0]
            return int(version.split(".")[1]) if head == "1" else int(head)
    return None


def _class_file_java_major(jar: Path) -> int:
    """Java feature version needed by the first class in `jar` (class file major - 44)."""
    import zipfile

    with zipfile.ZipFile(jar) as archive:
        for entry in archive.namelist():
            if entry.endswith(".class") and not entry.endswith("module-info.class"):
                header = archive.read(entry)[:8]
                return int.from_bytes(header[6:8], "big") - 44
    return 8


def find_java(min_major: int, env_var: str) -> Path:
    """A `java` executable of at least `min_major`: $<env_var>, $JAVA_HOME, PATH, /usr/lib/jvm/*."""
    homes: list[Path] = []
    for var in (env_var, "JAVA_HOME"):
        if os.environ.get(var):
            homes.append(Path(os.environ[var]))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(os.path.realpath(on_path)).parent.parent)
    homes.extend(sorted(Path("/usr/lib/jvm").glob("*/"), reverse=True))
    seen = []
    for home in homes:
        major = _java_home_major(home)
        seen.append(f"{home} ({major or '?'})")
        if major is not None and major >= min_major and (home / "bin" / "java").exists():
            return home / "bin" / "java"
    raise PeerMissing(f"needs Java {min_major}+, none found; set {env_var}=<jdk dir>. "
                      f"Checked: {', '.join(seen) or 'nothing'}")


def java_logging_options(version: str) -> list[str]:
    """Console logging: log4j2 for Kafka 4.x, reload4j (log4j 1.2) for 3.9."""
    if version.startswith("3."):
        return [f"-Dlog4j.configuration=file:{PEERS_CONFIG_DIR / 'log4j.properties'}"]
    return [f"-Dlog4j2.configurationFile={PEERS_CONFIG_DIR / 'log4j2.properties'}"]


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def make_work_dir(prefix: str = "connectd-peers-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def read_log_tail(path: Path, lines: int = 60) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - 64 * 1024))
            text = log.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class PeerProcess:
    """One child process with stdout+stderr in `log_path`, in its own process group."""

    name: str
    argv: Sequence[str]
    log_path: Path
    popen: subprocess.Popen

    @classmethod
    def spawn(
        cls,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        cwd: Optional[Path] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> "PeerProcess":
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = dict(os.environ)
        full_env.update(env or {})
        with open(log_path, "ab") as log:
            log.write(f"### {name}: {' '.join(map(str, argv))}\n".encode())
            log.flush()
            popen = subprocess.Popen(
                [str(a) for a in argv],
                cwd=cwd,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(name, list(argv), log_path, popen)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 60) -> str:
        return read_log_tail(self.log_path, lines)

    def stop(self, grace_seconds: float = 15.0) -> Optional[int]:
        """SIGTERM the process, wait up to `grace_seconds`, then SIGKILL. Returns its exit code."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        return self.popen.returncode


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    timeout: float,
    process: Optional[PeerProcess] = None,
    interval: float = 0.2,
) -> float:
    """Poll `ready()` until it returns true; fail at the deadline or when `process` exits.

    Returns the seconds waited. Exceptions raised by `ready()` count as "not yet".
    """
    start = time.monotonic()
    deadline = start + timeout
    last_error: Optional[BaseException] = None
    while True:
        try:
            if ready():
                return time.monotonic() - start
        except Exception as exc:  # noqa: BLE001 - "not ready yet" in any form
            last_error = exc
        if process is not None and not process.alive():
            raise PeerStartError(
                f"{what}: {process.name} exited with code {process.popen.returncode} before it was "
                f"ready.\n--- {process.log_path} (tail) ---\n{process.log_tail()}"
            )
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            log = f"\n--- {process.log_path} (tail) ---\n{process.log_tail()}" if process else ""
            raise PeerStartError(f"{what}: not ready after {timeout:.0f} s{detail}{log}")
        time.sleep(interval)


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """GET without proxies (the peers are on loopback). Returns (status, body)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def http_json(method: str, url: str, body: object = None, timeout: float = 5.0) -> tuple[int, object]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with opener.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    return status, (json.loads(raw) if raw.strip() else None)


def write_properties(path: Path, props: Mapping[str, object]) -> Path:
    """Java .properties, one key per line (Java has no end-of-line comments)."""
    path.write_text("".join(f"{key}={value}\n" for key, value in props.items()))
    return path


# --------------------------------------------------------------------------- peers


@dataclass
class Peer:
    """A started peer: its process (None when external) plus what it took to start."""

    name: str
    process: Optional[PeerProcess]
    work_dir: Path
    startup_seconds: float = 0.0

    @property
    def log_path(self) -> Optional[Path]:
        return self.process.log_path if self.process else None

    def log_tail(self, lines: int = 60) -> str:
        return self.process.log_tail(lines) if self.process else f"({self.name}: external, no log)"

    def describe_log(self, lines: int = 60) -> str:
        where = self.log_path or "external"
        return f"===== {self.name} log tail ({where}) =====\n{self.log_tail(lines)}"

    def stop(self) -> Optional[int]:
        return self.process.stop() if self.process else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def tcp_port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_kafka_metadata(bootstrap: str, node_id: Optional[int], *, timeout: float,
                            process: Optional[PeerProcess] = None) -> None:
    """Ready = the listener accepts and a Metadata request lists the broker (node_id if given)."""
    from confluent_kafka.admin import AdminClient  # PyPI wheel with its own librdkafka

    host, port = bootstrap.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    # First the TCP listener (cheap, and keeps librdkafka from logging refused connects).
    wait_until(lambda: tcp_port_open(host, int(port)), what=f"kafka listener {bootstrap}",
               timeout=timeout, process=process)
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 2000})

    def metadata_lists_broker() -> bool:
        brokers = admin.list_topics(timeout=2).brokers
        return bool(brokers) and (node_id is None or node_id in brokers)

    wait_until(metadata_lists_broker, what=f"kafka metadata from {bootstrap}",
               timeout=max(1.0, deadline - time.monotonic()), process=process)


def kafka_cluster_id() -> str:
    """A fresh Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars).

    Like Kafka's Uuid.randomUuid(), ids starting with '-' are drawn again: the storage tool's
    argument parser would read one as an option (1 draw in 64)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


@dataclass
class KafkaBroker(Peer):
    """Single-node KRaft broker+controller (static voters) from the Maven Central jars."""

    bootstrap: str = ""
    node_id: int = 1
    version: str = ""
    external: bool = False
    controller_port: int = 0
    argv: list = field(default_factory=list)
    # With start(sasl=True): a SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256) beside the
    # PLAINTEXT one, and the users it accepts ({name: password}, the same for both mechanisms).
    sasl_bootstrap: str = ""
    sasl_users: dict = field(default_factory=dict)

    def restart(self, timeout: float = 90.0) -> None:
        """Stops the broker (SIGTERM) and starts it again on the same ports and data."""
        if self.external or not self.process:
            raise PeerStartError("cannot restart an external broker")
        log_path = self.process.log_path
        self.process.stop()
        self.process = PeerProcess.spawn("kafka", self.argv, log_path)
        wait_for_kafka_metadata(self.bootstrap, self.node_id, timeout=timeout,
                                process=self.process)

    @classmethod
    def from_environment(cls) -> Optional["KafkaBroker"]:
        """KAFKA_BOOTSTRAP=host:port selects an already running broker."""
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
        if not bootstrap:
            return None
        wait_for_kafka_metadata(bootstrap, None, timeout=30)
        return cls(name="kafka (external)", process=None, work_dir=Path("."), bootstrap=bootstrap,
                   node_id=-1, version=os.environ.get("KAFKA_VERSION", ""), external=True)

    @classmethod
    def start(
        cls,
        work_dir: Optional[Path] = None,
        *,
        version: Optional[str] = None,
        node_id: int = 1,
        extra_properties: Optional[Mapping[str, object]] = None,
        timeout: float = 90.0,
        sasl: bool = False,
        sasl_users: Optional[Mapping[str, str]] = None,
    ) -> "KafkaBroker":
        """sasl=True adds a SASL_PLAINTEXT listener (`sasl_bootstrap`) that accepts PLAIN and
        SCRAM-SHA-256 for `sasl_users` (default alice/alice-secret); the PLAINTEXT listener
        (`bootstrap`, inter-broker) stays as it is. SCRAM credentials are written into the
        metadata at format time (StorageTool --add-scram)."""
        version = version or kafka_version()
        lib = kafka_lib_dir(version)
        work_dir = Path(work_dir or make_work_dir()) / "kafka"
        data_dir = work_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        port, controller_port = free_port(), free_port()
        bootstrap = f"{LOOPBACK}:{port}"

        props: dict[str, object] = {
            "process.roles": "broker,controller",
            "node.id": node_id,
            "controller.quorum.voters": f"{node_id}@{LOOPBACK}:{controller_port}",
            "listeners": f"PLAINTEXT://{bootstrap},CONTROLLER://{LOOPBACK}:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://{bootstrap}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": data_dir,
            "num.partitions": 1,
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 3,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "transaction.state.log.num.partitions": 3,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
            "log.segment.bytes": 16777216,
            "log.cleaner.backoff.ms": 1000,
        }
        users = dict(sasl_users or {"alice": "alice-secret"}) if sasl else {}
        sasl_bootstrap = ""
        scram_args: list[str] = []
        if sasl:
            sasl_bootstrap = f"{LOOPBACK}:{free_port()}"
            props["listeners"] += f",SASL_PLAINTEXT://{sasl_bootstrap}"
            props["advertised.listeners"] += f",SASL_PLAINTEXT://{sasl_bootstrap}"
            props["listener.security.protocol.map"] += ",SASL_PLAINTEXT:SASL_PLAINTEXT"
            props["sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-256"
            plain_users = " ".join(f'user_{u}="{pw}"' for u, pw in users.items())
            props["listener.name.sasl_plaintext.plain.sasl.jaas.config"] = (
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                f"{plain_users};")
            props["listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config"] = (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;")
            for u, pw in users.items():
                scram_args += ["--add-scram", f"SCRAM-SHA-256=[name={u},password={pw}]"]
        props.update(extra_properties or {})
        server_properties = write_properties(work_dir / "server.properties", props)

        classpath = f"{lib}/*"
        java = ["java", "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", f"-Dkafka.logs.dir={work_dir / 'logs'}",
                *java_logging_options(version), "-cp", classpath]
        log_path = work_dir / "kafka.log"
        started = time.monotonic()
        cluster_id = kafka_cluster_id()
        fmt = subprocess.run(
            [*java, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", server_properties,
             "--ignore-formatted", *scram_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
        )
        with open(log_path, "ab") as log:
            log.write(b"### StorageTool format\n" + fmt.stdout)
        if fmt.returncode != 0:
            raise PeerStartError(f"kafka StorageTool format failed ({fmt.returncode}):\n"
                                 f"{fmt.stdout.decode(errors='replace')[-4000:]}")

        argv = [*java, "kafka.Kafka", server_properties]
        process = PeerProcess.spawn("kafka", argv, log_path)
        broker = cls(name=f"kafka {version}", process=process, work_dir=work_dir, bootstrap=bootstrap,
                     node_id=node_id, version=version, controller_port=controller_port,
                     argv=[str(a) for a in argv], sasl_bootstrap=sasl_bootstrap, sasl_users=users)
        try:
            wait_for_kafka_metadata(bootstrap, node_id, timeout=timeout, process=process)
        except BaseException:
            process.stop()
            raise
        broker.startup_seconds = time.monotonic() - started
        return broker


def distributed_worker_properties(bootstrap: str, port: int, group_id: str, prefix: str,
                                  extra_properties: Optional[Mapping[str, object]]) -> dict:
    """The worker.properties of one distributed worker (Java or connectd: same keys)."""
    props: dict[str, object] = {
        "bootstrap.servers": bootstrap,
        "group.id": group_id,
        "listeners": f"http://{LOOPBACK}:{port}",
        "rest.advertised.host.name": LOOPBACK,
        "rest.advertised.port": port,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "true",
        "value.converter.schemas.enable": "true",
        "config.storage.topic": f"{prefix}-configs",
        "offset.storage.topic": f"{prefix}-offsets",
        "status.storage.topic": f"{prefix}-status",
        "config.storage.replication.factor": 1,
        "offset.storage.replication.factor": 1,
        "status.storage.replication.factor": 1,
        "offset.storage.partitions": 5,
        "status.storage.partitions": 1,
        "offset.flush.interval.ms": 1000,
        "scheduled.rebalance.max.delay.ms": 2000,
        "session.timeout.ms": 10000,
        "heartbeat.interval.ms": 1000,
        "plugin.discovery": "service_load",
    }
    props.update(extra_properties or {})
    return props


@dataclass
class DistributedWorker(Peer):
    """A Connect worker in distributed mode. Workers started with the same group_id and
    topic_prefix form one Connect cluster, whatever their kind (java / connectd)."""

    url: str = ""
    port: int = 0
    group_id: str = ""
    properties: dict = field(default_factory=dict)
    argv: list = field(default_factory=list)
    log_file: Optional[Path] = None
    ready_timeout: float = 120.0
    kind: str = "distributed"

    def ready(self) -> bool:
        """Ready = `GET /` answers and the plugins list FileStreamSourceConnector."""
        status, _ = http_get(self.url + "/")
        if status != 200:
            return False
        status, body = http_get(self.url + "/connector-plugins")
        plugins = json.loads(body) if status == 200 else []
        return any(p.get("class", "").endswith("FileStreamSourceConnector") for p in plugins)

    def launch(self) -> None:
        started = time.monotonic()
        self.process = PeerProcess.spawn(self.name, self.argv, self.log_file)
        try:
            wait_until(self.ready, what=f"{self.name} {self.url}", timeout=self.ready_timeout,
                       process=self.process, interval=0.05)
        except BaseException:
            self.process.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def kill(self) -> None:
        """kill -9: no LeaveGroup, no flush."""
        if self.process and self.process.alive():
            self.process.popen.send_signal(signal.SIGKILL)
            self.process.popen.wait(timeout=30)

    @property
    def worker_id(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @classmethod
    def _prepare(cls, work_dir: Optional[Path], bootstrap: str, group_id: str,
                 topic_prefix: Optional[str], extra_properties: Optional[Mapping[str, object]],
                 name: Optional[str], default_name: str):
        port = free_port()
        prefix = topic_prefix or group_id
        name = name or f"{default_name}-{group_id}-{port}"
        work_dir = Path(work_dir or make_work_dir()) / name
        work_dir.mkdir(parents=True, exist_ok=True)
        props = distributed_worker_properties(bootstrap, port, group_id, prefix, extra_properties)
        worker_properties = write_properties(work_dir / "connect-distributed.properties", props)
        return port, name, work_dir, props, worker_properties


@dataclass
class JavaConnectWorker(DistributedWorker):
    """The Java Kafka Connect distributed worker (ConnectDistributed), the reference."""

    kind: str = "java"

    @classmethod
    def start(
        cls,
        work_dir: Optional[Path],
        bootstrap: str,
        *,
        group_id: str = "ref-connect",
        topic_prefix: Optional[str] = None,
        extra_properties: Optional[Mapping[str, object]] = None,
        version: Optional[str] = None,
        name: Optional[str] = None,
        timeout: float = 120.0,
    ) -> "JavaConnectWorker":
        version = version or kafka_version()
        lib = kafka_lib_dir(version)
        port, name, work_dir, props, worker_properties = cls._prepare(
            work_dir, bootstrap, group_id, topic_prefix, extra_properties, name, "java-connect")
        argv = ["java", "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", *java_logging_options(version),
                "-cp", f"{lib}/*", "org.apache.kafka.connect.cli.ConnectDistributed", worker_properties]
        worker = cls(name=name, process=None, work_dir=work_dir, url=f"http://{LOOPBACK}:{port}",
                     port=port, group_id=group_id, properties=props,
                     argv=[str(a) for a in argv], log_file=work_dir / "connect.log",
                     ready_timeout=timeout)
        worker.launch()
        return worker


@dataclass
class ConnectdDistributedWorker(DistributedWorker):
    """connectd in distributed mode: `<build_dir>/connectd distributed worker.properties`."""

    kind: str = "connectd"

    @classmethod
    def start(
        cls,
        work_dir: Optional[Path],
        bootstrap: str,
        *,
        build_dir: Path,
        group_id: str = "connectd-cluster",
        topic_prefix: Optional[str] = None,
        extra_properties: Optional[Mapping[str, object]] = None,
        name: Optional[str] = None,
        timeout: float = 60.0,
        wait_ready: bool = True,
    ) -> "ConnectdDistributedWorker":
        binary = connectd_binary(build_dir)
        port, name, work_dir, props, worker_properties = cls._prepare(
            work_dir, bootstrap, group_id, topic_prefix, extra_properties, name,
            "connectd-distributed")
        worker = cls(name=name, process=None, work_dir=work_dir, url=f"http://{LOOPBACK}:{port}",
                     port=port, group_id=group_id, properties=props,
                     argv=[str(binary), "distributed", str(worker_properties)],
                     log_file=work_dir / "connectd.log", ready_timeout=timeout)
        if wait_ready:
            worker.launch()
        else:
            worker.process = PeerProcess.spawn(worker.name, worker.argv, worker.log_file)
        return worker


@dataclass
class KinesisMock(Peer):
    """kinesis-mock (npm kinesis-local): plain HTTP endpoint; TLS port also opened (0.0.0.0)."""

    endpoint: str = ""
    tls_port: int = 0

    @classmethod
    def start(
        cls,
        work_dir: Optional[Path] = None,
        *,
        extra_env: Optional[Mapping[str, str]] = None,
        timeout: float = 60.0,
    ) -> "KinesisMock":
        package = kinesis_mock_dir()
        node = shutil.which("node")
        if node is None:
            raise PeerMissing("node (Node.js) is not on PATH; kinesis-mock needs it")
        work_dir = Path(work_dir or make_work_dir()) / "kinesis"
        work_dir.mkdir(parents=True, exist_ok=True)
        plain_port, tls_port = free_port(), free_port()
        env = {
            # Both ports are always opened and bound to 0.0.0.0 (hard-coded upstream).
            "KINESIS_MOCK_PLAIN_PORT": str(plain_port),
            "KINESIS_MOCK_TLS_PORT": str(tls_port),
            "KINESIS_MOCK_CERT_PATH": str(package / "server.json"),
            "SHARD_LIMIT": "200",
            "CREATE_STREAM_DURATION": "50ms",
            "DELETE_STREAM_DURATION": "50ms",
            "SHOULD_PERSIST_DATA": "false",
            "LOG_LEVEL": "WARN",
        }
        env.update(extra_env or {})
        started = time.monotonic()
        process = PeerProcess.spawn("kinesis-mock", [node, package / "main.js"],
                                    work_dir / "kinesis.log", cwd=package, env=env)
        endpoint = f"http://{LOOPBACK}:{plain_port}"
        mock = cls(name="kinesis-mock", process=process, work_dir=work_dir, endpoint=endpoint,
                   tls_port=tls_port)
        try:
            wait_until(lambda: http_get(endpoint + "/healthcheck")[0] == 200,
                       what=f"kinesis-mock {endpoint}", timeout=timeout, process=process)
        except BaseException:
            process.stop()
            raise
        mock.startup_seconds = time.monotonic() - started
        return mock


@dataclass
class Apicurio(Peer):
    """Apicurio Registry 3.x (in-memory H2), Confluent-compatible API under /apis/ccompat/v7."""

    url: str = ""

    @property
    def ccompat_url(self) -> str:
        return self.url + "/apis/ccompat/v7"

    @classmethod
    def start(
        cls,
        work_dir: Optional[Path] = None,
        *,
        compatibility: str = "BACKWARD",
        extra_system_properties: Optional[Mapping[str, object]] = None,
        timeout: float = 120.0,
    ) -> "Apicurio":
        jar = apicurio_run_jar()
        app_jars = sorted((jar.parent / "app").glob("*.jar"))
        needed = _class_file_java_major(app_jars[0]) if app_jars else 17
        java = find_java(needed, "APICURIO_JAVA_HOME")  # Apicurio 3.3 is built for Java 21
        work_dir = Path(work_dir or make_work_dir()) / "apicurio"
        work_dir.mkdir(parents=True, exist_ok=True)
        port, management_port = free_port(), free_port()
        system_properties: dict[str, object] = {
            "quarkus.http.host": LOOPBACK,
            "quarkus.http.port": port,
            # the management interface (health/metrics) defaults to 0.0.0.0:9000
            "quarkus.management.host": LOOPBACK,
            "quarkus.management.port": management_port,
            "apicurio.ccompat.use-canonical-hash": "true",
            "apicurio.rules.global.compatibility": compatibility,
            "java.io.tmpdir": work_dir,
        }
        system_properties.update(extra_system_properties or {})
        argv = [java, "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                *(f"-D{k}={v}" for k, v in system_properties.items()), "-jar", jar]
        started = time.monotonic()
        process = PeerProcess.spawn("apicurio", argv, work_dir / "apicurio.log", cwd=work_dir)
        url = f"http://{LOOPBACK}:{port}"
        registry = cls(name="apicurio", process=process, work_dir=work_dir, url=url)

        def ready() -> bool:
            status, body = http_get(url + "/apis/ccompat/v7/subjects")
            return status == 200 and json.loads(body) == []

        try:
            wait_until(ready, what=f"apicurio {url}", timeout=timeout, process=process, interval=0.5)
        except BaseException:
            process.stop()
            raise
        registry.startup_seconds = time.monotonic() - started
        return registry


# --------------------------------------------------------------------------- standalone workers


class PeerUnsupported(RuntimeError):
    """The peer exists but cannot do what was asked yet (e.g. connectd without standalone mode)."""


def write_connector_file(path: Path, config: Mapping[str, object]) -> Path:
    """A connector file for `connect-standalone`: .json ({"name":..,"config":{..}}) or .properties."""
    if path.suffix == ".json":
        config = dict(config)
        path.write_text(json.dumps({"name": config["name"], "config":
                                    {k: str(v) for k, v in config.items()}}))
        return path
    return write_properties(path, config)


def standalone_worker_properties(bootstrap: str, port: int, offsets_file: Path,
                                 extra: Optional[Mapping[str, object]] = None) -> dict:
    """worker.properties shared by the Java standalone worker and connectd (same file for both)."""
    props: dict[str, object] = {
        "bootstrap.servers": bootstrap,
        "listeners": f"http://{LOOPBACK}:{port}",
        "rest.advertised.host.name": LOOPBACK,
        "rest.advertised.port": port,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "offset.storage.file.filename": offsets_file,
        "offset.flush.interval.ms": 1000,
        "plugin.discovery": "service_load",
    }
    props.update(extra or {})
    return props


@dataclass
class StandaloneWorker(Peer):
    """A Connect worker in standalone mode: one worker.properties, connector files, an offsets file.

    `restart()` runs the same command again (same files, same offsets file, same port).
    """

    url: str = ""
    port: int = 0
    properties: dict = field(default_factory=dict)
    worker_properties: Optional[Path] = None
    connector_files: list = field(default_factory=list)
    offsets_file: Optional[Path] = None
    argv: list = field(default_factory=list)
    log_file: Optional[Path] = None
    ready_timeout: float = 120.0
    kind: str = "standalone"

    @staticmethod
    def _prepare(work_dir: Optional[Path], name: str, bootstrap: str,
                 connectors: Sequence[object], extra_properties: Optional[Mapping[str, object]]):
        work_dir = Path(work_dir or make_work_dir()) / name
        work_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        offsets_file = work_dir / "connect.offsets"
        props = standalone_worker_properties(bootstrap, port, offsets_file, extra_properties)
        worker_properties = write_properties(work_dir / "worker.properties", props)
        files: list[Path] = []
        for index, connector in enumerate(connectors):
            if isinstance(connector, (str, Path)):
                files.append(Path(connector))
            else:
                files.append(write_connector_file(work_dir / f"connector-{index}.properties",
                                                  connector))
        return work_dir, port, props, worker_properties, files, offsets_file

    def ready(self) -> bool:
        """Readiness: `GET /` answers 200 with a JSON object."""
        status, body = http_get(self.url + "/")
        return status == 200 and isinstance(json.loads(body), dict)

    def _launch(self) -> None:
        started = time.monotonic()
        self.process = PeerProcess.spawn(self.name, self.argv, self.log_file)
        try:
            wait_until(self.ready, what=f"{self.name} {self.url}", timeout=self.ready_timeout,
                       process=self.process, interval=0.005)
        except BaseException:
            self.process.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def restart(self, grace_seconds: float = 15.0) -> Optional[int]:
        """SIGTERM (then SIGKILL), start again with the same files; returns the old exit code."""
        code = self.stop_graceful(grace_seconds)
        self._launch()
        return code

    def stop_graceful(self, grace_seconds: float = 15.0) -> Optional[int]:
        return self.process.stop(grace_seconds) if self.process else None

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None


@dataclass
class JavaStandaloneWorker(StandaloneWorker):
    """Apache Kafka's ConnectStandalone (the reference for connectd's standalone mode)."""

    kind: str = "java"

    @classmethod
    def start(cls, work_dir: Optional[Path], bootstrap: str, *, connectors: Sequence[object] = (),
              extra_properties: Optional[Mapping[str, object]] = None,
              version: Optional[str] = None, name: Optional[str] = None,
              heap: str = "512m", jvm_options: Optional[Sequence[str]] = None,
              timeout: float = 120.0) -> "JavaStandaloneWorker":
        """jvm_options replaces the test JVM flags (small heap, C1 only) - e.g. for benchmarks."""
        version = version or kafka_version()
        lib = kafka_lib_dir(version)
        name = name or f"java-standalone-{uuid.uuid4().hex[:6]}"
        work_dir, port, props, worker_properties, files, offsets = cls._prepare(
            work_dir, name, bootstrap, connectors, extra_properties)
        flags = list(jvm_options) if jvm_options is not None else [
            "-Xms128m", f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1"]
        argv = ["java", *flags, "-Djava.awt.headless=true", *java_logging_options(version),
                "-cp", f"{lib}/*", "org.apache.kafka.connect.cli.ConnectStandalone",
                worker_properties, *files]
        worker = cls(name=name, process=None, work_dir=work_dir, url=f"http://{LOOPBACK}:{port}",
                     port=port, properties=props, worker_properties=worker_properties,
                     connector_files=files, offsets_file=offsets, argv=[str(a) for a in argv],
                     log_file=work_dir / "connect.log", ready_timeout=timeout)
        worker._launch()
        return worker


def connectd_binary(build_dir: Path) -> Path:
    binary = Path(build_dir) / "connectd"
    if not binary.is_file():
        raise PeerMissing(f"connectd not built at {binary}: run `cmake -S . -B {build_dir} && "
                          f"cmake --build {build_dir} --target connectd` (or set CONNECTD_BUILD_DIR)")
    return binary


_STANDALONE_SUPPORT: dict = {}


def connectd_standalone_unsupported(build_dir: Path) -> Optional[str]:
    """None when `connectd standalone` is implemented, else the binary's "not implemented" text.

    Probe: `connectd standalone <missing file>`; an implementation fails on the file (or runs, and
    is killed after 5 s), the placeholder prints "... mode is not implemented yet".
    """
    binary = connectd_binary(build_dir)
    key = (str(binary), binary.stat().st_mtime)
    if key not in _STANDALONE_SUPPORT:
        try:
            probe = subprocess.run([str(binary), "standalone", "/nonexistent/worker.properties"],
                                   capture_output=True, text=True, timeout=5)
            output = (probe.stdout + probe.stderr).strip()
        except subprocess.TimeoutExpired:
            output = ""
        _STANDALONE_SUPPORT[key] = output if "not implemented" in output else None
    return _STANDALONE_SUPPORT[key]


@dataclass
class ConnectdWorker(StandaloneWorker):
    """connectd in standalone mode: `<build_dir>/connectd standalone worker.properties files...`."""

    kind: str = "connectd"

    @classmethod
    def start(cls, work_dir: Optional[Path], bootstrap: str, *, build_dir: Path,
              connectors: Sequence[object] = (),
              extra_properties: Optional[Mapping[str, object]] = None,
              name: Optional[str] = None, timeout: float = 60.0) -> "ConnectdWorker":
        binary = connectd_binary(build_dir)
        unsupported = connectd_standalone_unsupported(build_dir)
        if unsupported:
            raise PeerUnsupported(f"{binary}: {unsupported}")
        name = name or f"connectd-standalone-{uuid.uuid4().hex[:6]}"
        work_dir, port, props, worker_properties, files, offsets = cls._prepare(
            work_dir, name, bootstrap, connectors, extra_properties)
        argv = [binary, "standalone", worker_properties, *files]
        worker = cls(name=name, process=None, work_dir=work_dir, url=f"http://{LOOPBACK}:{port}",
                     port=port, properties=props, worker_properties=worker_properties,
                     connector_files=files, offsets_file=offsets, argv=[str(a) for a in argv],
                     log_file=work_dir / "connectd.log", ready_timeout=timeout)
        worker._launch()
        return worker

"""pytest fixtures for integration tests against real peers (no mocks).

Fixtures:
  kafka          session: a single-node KRaft broker (or the one at KAFKA_BOOTSTRAP)
  java_connect   function: factory starting Java Connect reference workers on `kafka`
  kinesis_mock   module: kinesis-mock (npm kinesis-local)
  kinesis_proxy  function: a fault-injecting proxy in front of kinesis_mock (harness/kinesis_proxy.py)
  apicurio       module: Apicurio Registry (Confluent-compatible API)
  registry_proxy function: a fault-injecting proxy in front of apicurio (harness/registry_proxy.py)
  build_dir      session: CONNECTD_BUILD_DIR or <repo>/build
  standalone     function: factory standalone(kind="java"|"connectd", connectors=[...]) starting
                 JavaStandaloneWorker / ConnectdWorker on `kafka` (connectd without standalone
                 mode: the test fails with the binary's own text)
  worker_kind    parametrised "java" / "connectd" (for tests that run against both workers)
  unique_name    function: a topic/group name unique to the test

Peers must be fetched first (tests/peers/fetch.sh); a missing peer fails the test with
that instruction instead of skipping. When a test fails, the tail of the log of every
peer it used is attached to the failure report ("peer logs" section).
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from harness.peers import (  # noqa: E402
    REPO_ROOT,
    Apicurio,
    ConnectdWorker,
    ConnectdDistributedWorker,
    JavaConnectWorker,
    JavaStandaloneWorker,
    KafkaBroker,
    KinesisMock,
    Peer,
    PeerMissing,
    PeerStartError,
    PeerUnsupported,
)
from harness.kinesis_proxy import KinesisProxy  # noqa: E402
from harness.registry_proxy import RegistryProxy  # noqa: E402

PEER_MARKERS = {
    "peer_kafka": "needs the real Kafka broker (session fixture `kafka`)",
    "peer_java_connect": "starts the Java Connect reference worker",
    "peer_kinesis": "starts kinesis-mock (npm kinesis-local)",
    "peer_apicurio": "starts Apicurio Registry",
    "peer_standalone": "starts standalone workers (Java ConnectStandalone and/or connectd)",
}

LOG_TAIL_LINES = int(os.environ.get("CONNECTD_PEER_LOG_LINES", "60"))

# --------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    for name, description in PEER_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


REPORTS_KEY = pytest.StashKey[dict]()


def _peers_used_by(item: pytest.Item) -> list[Peer]:
    """Peers among the test's fixture values, including those made by peer factories."""
    peers: list[Peer] = []
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, Peer):
            peers.append(value)
        elif isinstance(value, PeerFactory):
            peers.extend(value.peers)
    return peers


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    item.stash.setdefault(REPORTS_KEY, {})[report.when] = report
    if report.failed and report.when in ("setup", "call"):
        for peer in _peers_used_by(item):
            report.sections.append((f"peer log: {peer.name}", peer.describe_log(LOG_TAIL_LINES)))


def request_failed(request: pytest.FixtureRequest) -> bool:
    """For fixture teardown: did the requesting test fail in setup or call?"""
    reports = request.node.stash.get(REPORTS_KEY, {})
    return any(r.failed for r in reports.values())


# --------------------------------------------------------------------------- helpers


def _start_or_fail(start, *args, **kwargs):
    """Starts a peer; a missing peer or a failed start fails the test with the reason."""
    try:
        return start(*args, **kwargs)
    except (PeerMissing, PeerStartError) as error:
        reason = str(error)
    pytest.fail(reason, pytrace=False)  # outside `except`: no chained-exception noise


class PeerFactory:
    """Starts peers on demand for one test and stops them all at teardown."""

    def __init__(self, start, **defaults):
        self._start = start
        self._defaults = defaults
        self.peers: list[Peer] = []

    def __call__(self, **kwargs) -> Peer:
        start = kwargs.pop("_start", self._start)
        peer = _start_or_fail(start, **{**self._defaults, **kwargs})
        self.peers.append(peer)
        return peer

    def stop_all(self, print_logs: bool) -> None:
        for peer in reversed(self.peers):
            peer.stop()
            if print_logs:
                print(peer.describe_log(LOG_TAIL_LINES))
        self.peers.clear()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def peers_work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Per-run directory for peer configs, data and logs (pytest keeps the last few runs)."""
    return tmp_path_factory.mktemp("peers")


@pytest.fixture(scope="session")
def build_dir() -> Path:
    return Path(os.environ.get("CONNECTD_BUILD_DIR", REPO_ROOT / "build")).resolve()


@pytest.fixture(scope="session")
def kafka(peers_work_dir: Path) -> Iterator[KafkaBroker]:
    external = _start_or_fail(KafkaBroker.from_environment)
    if external is not None:
        yield external
        return
    broker = _start_or_fail(KafkaBroker.start, peers_work_dir)
    print(f"\nkafka {broker.version} ready on {broker.bootstrap} in {broker.startup_seconds:.1f} s "
          f"(log {broker.log_path})")
    yield broker
    code = broker.stop()
    if code not in (0, 143, -15):
        print(f"kafka exited with {code}\n{broker.describe_log(LOG_TAIL_LINES)}")


@pytest.fixture
def java_connect(request: pytest.FixtureRequest, kafka: KafkaBroker,
                 peers_work_dir: Path) -> Iterator[PeerFactory]:
    """java_connect(group_id=..., topic_prefix=..., extra_properties={...}) -> JavaConnectWorker.

    Workers started with the same group_id and topic_prefix form one Connect cluster.
    """
    factory = PeerFactory(JavaConnectWorker.start, work_dir=peers_work_dir,
                          bootstrap=kafka.bootstrap)
    yield factory
    factory.stop_all(print_logs=request_failed(request))


def start_distributed(kind: str, **kwargs) -> Peer:
    """Starts one distributed worker of `kind` ("java" or "connectd")."""
    build_dir = kwargs.pop("build_dir")
    if kind == "java":
        return JavaConnectWorker.start(**kwargs)
    if kind == "connectd":
        return ConnectdDistributedWorker.start(build_dir=build_dir, **kwargs)
    raise ValueError(f"unknown worker kind {kind!r}")


@pytest.fixture
def connect_worker(request: pytest.FixtureRequest, kafka: KafkaBroker, peers_work_dir: Path,
                   build_dir: Path) -> Iterator[PeerFactory]:
    """connect_worker(kind="java"|"connectd", group_id=..., topic_prefix=...,
    extra_properties={...}) -> DistributedWorker. Same group_id + topic_prefix = one cluster,
    whatever the kinds. Every worker started is stopped (SIGTERM) at teardown; logs are shown
    when the test failed."""
    factory = PeerFactory(start_distributed, work_dir=peers_work_dir, bootstrap=kafka.bootstrap,
                          build_dir=build_dir)
    yield factory
    factory.stop_all(print_logs=request_failed(request))


@pytest.fixture(scope="module")
def kinesis_mock(peers_work_dir: Path) -> Iterator[KinesisMock]:
    mock = _start_or_fail(KinesisMock.start, peers_work_dir)
    yield mock
    mock.stop()


@pytest.fixture
def kinesis_proxy(kinesis_mock: KinesisMock) -> Iterator[KinesisProxy]:
    """A fault-injecting, call-recording HTTP proxy in front of kinesis-mock; point the
    connector's kinesis.base.url at kinesis_proxy.url."""
    with KinesisProxy(kinesis_mock.endpoint) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def apicurio(peers_work_dir: Path) -> Iterator[Apicurio]:
    registry = _start_or_fail(Apicurio.start, peers_work_dir)
    yield registry
    registry.stop()


@pytest.fixture
def registry_proxy(apicurio: Apicurio) -> Iterator[RegistryProxy]:
    """A fault-injecting (401, slow, 503, refused), call-recording proxy in front of apicurio;
    point the converter's schema.registry.url at registry_proxy.ccompat_url."""
    with RegistryProxy(apicurio.url) as proxy:
        yield proxy


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A Kafka-legal name unique to this test run, e.g. for topics and groups."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", request.node.name).strip("-")[:80]
    return f"{base}-{uuid.uuid4().hex[:8]}"


WORKER_KINDS = ("java", "connectd")


def start_standalone(kind: str, **kwargs) -> Peer:
    """Starts one standalone worker of `kind`; connectd without standalone mode skips the test."""
    build_dir = kwargs.pop("build_dir")
    if kind == "java":
        return JavaStandaloneWorker.start(**kwargs)
    if kind == "connectd":
        try:
            return ConnectdWorker.start(build_dir=build_dir, **kwargs)
        except PeerUnsupported as error:
            reason = str(error)
        pytest.fail(f"connectd standalone mode does not run: {reason}", pytrace=False)
    raise ValueError(f"unknown worker kind {kind!r}")


@pytest.fixture
def standalone(request: pytest.FixtureRequest, kafka: KafkaBroker, peers_work_dir: Path,
               build_dir: Path) -> Iterator[PeerFactory]:
    """standalone(kind="java"|"connectd", connectors=[{...}|path], extra_properties={...})."""
    factory = PeerFactory(start_standalone, work_dir=peers_work_dir, bootstrap=kafka.bootstrap,
                          build_dir=build_dir)
    yield factory
    factory.stop_all(print_logs=request_failed(request))


@pytest.fixture(params=WORKER_KINDS)
def worker_kind(request: pytest.FixtureRequest) -> str:
    return request.param

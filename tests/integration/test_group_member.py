"""distributed/group_member.c against the real broker: tests/tools/group_probe joins a
"connect"-type group through our own Kafka protocol client (FindCoordinator, JoinGroup,
SyncGroup, Heartbeat, LeaveGroup) and prints its events as JSON lines.

Checked: three probes reach one generation with one leader and every member gets the
leader's assignment; a SIGTERM'd member leaves (LeaveGroup) and the others rebalance well
before the session timeout; a kill -9'd member is evicted after the session timeout; a member
offering only a protocol the group doesn't support gets INCONSISTENT_GROUP_PROTOCOL (fatal).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Optional

import pytest

pytestmark = pytest.mark.peer_kafka

SESSION_MS = 6000  # the broker's group.min.session.timeout.ms default


@pytest.fixture(scope="module")
def group_probe(build_dir: Path) -> Path:
    for candidate in (build_dir / "group_probe", build_dir / "tests" / "tools" / "group_probe"):
        if candidate.exists():
            return candidate
    pytest.fail(f"group_probe not built in {build_dir}: cmake --build {build_dir} --target group_probe")


class Probe:
    def __init__(self, tool: Path, bootstrap: str, group: str, protocols=("default:probe",),
                 extra=()):
        args = [str(tool), "-w", f"bootstrap.servers={bootstrap}", "-w", f"group.id={group}",
                "-w", f"session.timeout.ms={SESSION_MS}", "-w", "heartbeat.interval.ms=1000",
                "-w", "rebalance.timeout.ms=20000", "-w", "retry.backoff.ms=200"]
        for p in protocols:
            args += ["-p", p]
        for kv in extra:
            args += ["-w", kv]
        self.events: list[dict] = []
        self.stderr: list[str] = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read_out(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line:
                with self.lock:
                    self.events.append(json.loads(line))

    def _read_err(self):
        for line in self.proc.stderr:
            with self.lock:
                self.stderr.append(line.rstrip())

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.events)

    def last_assigned(self) -> Optional[dict]:
        for e in reversed(self.snapshot()):
            if e["event"] == "assigned":
                return e
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)

    def describe(self) -> str:
        with self.lock:
            return (f"events={json.dumps(self.events)}\nstderr (tail)=\n"
                    + "\n".join(self.stderr[-30:]))


def wait_until(cond: Callable[[], bool], timeout: float, what: str, probes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    details = "\n".join(p.describe() for p in probes)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{details}")


def converged(probes: list[Probe]) -> bool:
    """Every probe's last assignment is for one generation naming exactly these members."""
    last = [p.last_assigned() for p in probes]
    if any(a is None for a in last):
        return False
    gens = {a["generation"] for a in last}
    if len(gens) != 1:
        return False
    ids = sorted(a["member_id"] for a in last)
    for a in last:
        asg = a["assignment"]
        if not isinstance(asg, dict) or sorted(asg["members"]) != ids:
            return False
    return len({a["assignment"]["leader"] for a in last}) == 1


@pytest.fixture
def probes(group_probe):
    started: list[Probe] = []

    def start(bootstrap, group, **kw) -> Probe:
        p = Probe(group_probe, bootstrap, group, **kw)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()


def test_three_members_one_generation(kafka, probes):
    group = f"gm-{uuid.uuid4().hex[:8]}"
    ps = [probes(kafka.bootstrap, group) for _ in range(3)]
    wait_until(lambda: converged(ps), 60, "3 members in one generation", ps)
    last = [p.last_assigned() for p in ps]
    leader = last[0]["assignment"]["leader"]
    assert leader in [a["member_id"] for a in last]
    assert all(a["protocol"] == "default" for a in last)
    # exactly one member acted as leader for that generation
    gen = last[0]["generation"]
    leaders = [p for p in ps if p.last_assigned()["member_id"] == leader]
    assert len(leaders) == 1
    leader_events = [e for e in leaders[0].snapshot() if e["event"] == "leader"]
    assert leader_events and leader_events[-1]["member_count"] == 3
    assert leader_events[-1]["metadata"] == ["probe"] * 3
    assert gen >= 1
    # stays stable (heartbeats keep the session alive) for longer than the session timeout
    time.sleep(SESSION_MS / 1000 + 2)
    assert all(p.last_assigned()["generation"] == gen for p in ps), \
        "\n".join(p.describe() for p in ps)
    assert all(p.proc.poll() is None for p in ps)
    with ps[0].lock:
        versions = [line for line in ps[0].stderr if "Coordinator API versions" in line]
    assert versions, ps[0].describe()
    print(f"\nkafka {kafka.version}: {versions[0]}")


def test_sigterm_leaves_quickly_and_kill_waits_for_session_timeout(kafka, probes):
    group = f"gm-{uuid.uuid4().hex[:8]}"
    ps = [probes(kafka.bootstrap, group) for _ in range(3)]
    wait_until(lambda: converged(ps), 60, "3 members in one generation", ps)

    # SIGTERM: LeaveGroup → the others rebalance well before the session timeout
    gone = ps.pop()
    t0 = time.monotonic()
    gone.proc.send_signal(signal.SIGTERM)
    assert gone.proc.wait(timeout=15) == 0, gone.describe()
    assert gone.snapshot()[-1]["event"] == "left"
    wait_until(lambda: converged(ps) and len(ps[0].last_assigned()["assignment"]["members"]) == 2,
               SESSION_MS / 1000, "rebalance after LeaveGroup", ps)
    after_leave = time.monotonic() - t0
    # heartbeats run every 1 s: the survivors learn of the rebalance within a couple of them
    assert after_leave < SESSION_MS / 1000 - 1, f"rebalance took {after_leave:.1f}s"

    # kill -9: no LeaveGroup; the broker evicts the member after session.timeout.ms
    killed = ps.pop()
    t0 = time.monotonic()
    killed.proc.send_signal(signal.SIGKILL)
    killed.proc.wait(timeout=10)
    wait_until(lambda: converged(ps) and len(ps[0].last_assigned()["assignment"]["members"]) == 1,
               SESSION_MS / 1000 + 25, "rebalance after the session timeout", ps)
    after_kill = time.monotonic() - t0
    assert after_kill >= SESSION_MS / 1000 - 1.5, f"rebalanced after {after_kill:.1f}s only"
    print(f"\nrebalance after SIGTERM: {after_leave:.2f}s, after kill -9: {after_kill:.2f}s")


def test_inconsistent_protocol_is_fatal(kafka, probes):
    group = f"gm-{uuid.uuid4().hex[:8]}"
    a = probes(kafka.bootstrap, group, protocols=("sessioned:s", "default:d"))
    wait_until(lambda: a.last_assigned() is not None, 60, "first member joined", [a])
    assert a.last_assigned()["protocol"] == "sessioned"
    b = probes(kafka.bootstrap, group, protocols=("other:x",))
    try:
        b.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the inconsistent member did not exit\n" + b.describe())
    assert b.proc.returncode == 1, b.describe()
    fatal = b.snapshot()[-1]
    assert fatal["event"] == "fatal"
    assert fatal["error"].startswith("The group member's supported protocols are incompatible"), fatal
    # the first member is unaffected
    assert a.proc.poll() is None


def test_protocol_downgrade_by_vote(kafka, probes):
    """A member offering only `default` makes the group pick `default` (trap 8)."""
    group = f"gm-{uuid.uuid4().hex[:8]}"
    a = probes(kafka.bootstrap, group, protocols=("sessioned:s", "compatible:c", "default:d"))
    b = probes(kafka.bootstrap, group, protocols=("default:d",))
    wait_until(lambda: converged([a, b]), 60, "2 members in one generation", [a, b])
    assert a.last_assigned()["protocol"] == "default"
    assert b.last_assigned()["protocol"] == "default"

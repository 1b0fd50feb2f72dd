"""KIP-875 sink connector offsets (worker/connector_offsets.c) against the real broker.

tests/tools/offsets_tool drives cd_connector_offsets_get/_modify for a sink connector
(FileStreamSinkConnector) whose consumer group is connect-<name>; what it reports and
changes is compared with what Python confluent-kafka's AdminClient sees for the group.
Messages are Java 4.3's (Worker.modifySinkConnectorOffsets, SinkUtils).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.peer_kafka

ZOMBIE = ("haven't stopped completely yet or the connector was resumed before the request to "
          "{op} its offsets could be successfully completed. If the connector is in a stopped "
          "state, this operation can be safely retried. If it doesn't eventually succeed, the "
          "Connect cluster may need to be restarted to get rid of the zombie sink tasks.")


@pytest.fixture(scope="module")
def offsets_tool(build_dir: Path) -> Path:
    for candidate in (build_dir / "offsets_tool", build_dir / "tests" / "tools" / "offsets_tool"):
        if candidate.exists():
            return candidate
    pytest.fail(f"offsets_tool not built in {build_dir}: cmake --build {build_dir} --target offsets_tool")


def run_tool(tool: Path, bootstrap: str, cmd: str, connector: str, body=None, *extra: str):
    args = [str(tool), cmd, "-c", connector, "-w", f"bootstrap.servers={bootstrap}", *extra]
    if body is not None:
        args += ["-d", body if isinstance(body, str) else json.dumps(body)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    status, _, text = proc.stdout.rstrip("\n").partition(" ")
    if status == "200":
        return 200, json.loads(text)
    return int(status), text


def group_offsets(admin: AdminClient, group: str) -> dict:
    fut = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group]
    res = fut.result(timeout=30)
    return {(tp.topic, tp.partition): tp.offset for tp in res.topic_partitions if tp.offset >= 0}


def as_map(answer: dict) -> dict:
    out = {}
    for e in answer["offsets"]:
        assert list(e["offset"]) == ["kafka_offset"]
        out[(e["partition"]["kafka_topic"], e["partition"]["kafka_partition"])] = e["offset"]["kafka_offset"]
    return out


@pytest.fixture
def sink_setup(kafka, unique_name):
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    topic = f"{unique_name}-t"
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])[topic].result(timeout=30)
    connector = unique_name
    group = f"connect-{connector}"
    admin.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(
        group, [TopicPartition(topic, 0, 7), TopicPartition(topic, 1, 11), TopicPartition(topic, 2, 3)])]
    )[group].result(timeout=30)
    yield admin, topic, connector, group


def wait_for(cond, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_get_matches_admin_client(kafka, offsets_tool, sink_setup):
    admin, topic, connector, group = sink_setup
    status, answer = run_tool(offsets_tool, kafka.bootstrap, "get", connector)
    assert status == 200
    assert as_map(answer) == group_offsets(admin, group) == {(topic, 0): 7, (topic, 1): 11, (topic, 2): 3}
    # Jackson writes the partition HashMap with kafka_partition before kafka_topic.
    assert list(answer["offsets"][0]["partition"]) == ["kafka_partition", "kafka_topic"]


def test_get_unknown_group_is_empty(kafka, offsets_tool, unique_name):
    assert run_tool(offsets_tool, kafka.bootstrap, "get", unique_name) == (200, {"offsets": []})


def test_group_id_override(kafka, offsets_tool, sink_setup):
    admin, topic, connector, group = sink_setup
    status, answer = run_tool(offsets_tool, kafka.bootstrap, "get", "other-name", None,
                              "-C", f"consumer.override.group.id={group}")
    assert status == 200 and as_map(answer) == {(topic, 0): 7, (topic, 1): 11, (topic, 2): 3}


def test_alter_and_delete_partitions(kafka, offsets_tool, sink_setup):
    admin, topic, connector, group = sink_setup
    body = {"offsets": [
        {"partition": {"kafka_topic": topic, "kafka_partition": 0}, "offset": {"kafka_offset": "42"}},
        {"partition": {"kafka_topic": topic, "kafka_partition": "2"}, "offset": {"kafka_offset": 5}},
        {"partition": {"kafka_topic": topic, "kafka_partition": 1}, "offset": None},
    ]}
    status, answer = run_tool(offsets_tool, kafka.bootstrap, "alter", connector, body)
    assert (status, answer) == (200, {"message": "The offsets for this connector have been altered successfully"})
    assert group_offsets(admin, group) == {(topic, 0): 42, (topic, 2): 5}
    status, answer = run_tool(offsets_tool, kafka.bootstrap, "get", connector)
    assert as_map(answer) == {(topic, 0): 42, (topic, 2): 5}


@pytest.mark.parametrize("body,message", [
    ({"offsets": []}, "Partitions / offsets need to be provided for an alter offsets request"),
    ({}, "Partitions / offsets need to be provided for an alter offsets request"),
    ({"offsets": [{"offset": {"kafka_offset": 1}}]},
     "The partition for a sink connector offset cannot be null or missing"),
    ({"offsets": [{"partition": {"kafka_topic": "t"}, "offset": {"kafka_offset": 1}}]},
     "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"),
    ({"offsets": [{"partition": {"kafka_topic": None, "kafka_partition": 1}, "offset": None}]},
     "Kafka topic names must be valid strings and may not be null"),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": None}, "offset": None}]},
     "Kafka partitions must be valid numbers and may not be null"),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 1.0}, "offset": None}]},
     "Failed to parse the following Kafka partition value in the provided offsets: '1.0'. "
     "Partition values for sink connectors need to be integers."),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": "x"}, "offset": None}]},
     "Failed to parse the following Kafka partition value in the provided offsets: 'x'. "
     "Partition values for sink connectors need to be integers."),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"x": 1}}]},
     "The offset for a sink connector should either be null or contain the key 'kafka_offset'"),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": None}}]},
     "Failed to parse the following Kafka offset value in the provided offsets: 'null'. "
     "Offset values for sink connectors need to be integers."),
    ({"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0},
                   "offset": {"kafka_offset": "99999999999999999999"}}]},
     "Failed to parse the following Kafka offset value in the provided offsets: '99999999999999999999'. "
     "Offset values for sink connectors need to be integers."),
])
def test_bad_requests(kafka, offsets_tool, unique_name, body, message):
    assert run_tool(offsets_tool, kafka.bootstrap, "alter", unique_name, body) == (400, message)


def test_reset_deletes_group_and_is_idempotent(kafka, offsets_tool, sink_setup):
    admin, topic, connector, group = sink_setup
    status, answer = run_tool(offsets_tool, kafka.bootstrap, "reset", connector)
    assert (status, answer) == (200, {"message": "The offsets for this connector have been reset successfully"})
    assert group_offsets(admin, group) == {}
    groups = admin.list_consumer_groups().result(timeout=30)
    assert group not in {g.group_id for g in groups.valid}
    # A second reset finds no group (GroupIdNotFoundException) and still succeeds.
    assert run_tool(offsets_tool, kafka.bootstrap, "reset", connector)[0] == 200


def test_active_group_is_refused(kafka, offsets_tool, sink_setup):
    admin, topic, connector, group = sink_setup
    consumer = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": group,
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        consumer.subscribe([topic])
        assert wait_for(lambda: consumer.poll(0.2) is None and len(consumer.assignment()) == 3)
        body = {"offsets": [{"partition": {"kafka_topic": topic, "kafka_partition": 0},
                             "offset": {"kafka_offset": 1}}]}
        status, text = run_tool(offsets_tool, kafka.bootstrap, "alter", connector, body)
        assert (status, text) == (500, f"Failed to alter consumer group offsets for connector {connector} "
                                       "either because its tasks " + ZOMBIE.format(op="alter"))
        status, text = run_tool(offsets_tool, kafka.bootstrap, "reset", connector)
        assert (status, text) == (500, f"Failed to reset consumer group offsets for connector {connector} "
                                       "either because its tasks " + ZOMBIE.format(op="reset"))
    finally:
        consumer.close()
    assert group_offsets(admin, group) == {(topic, 0): 7, (topic, 1): 11, (topic, 2): 3}

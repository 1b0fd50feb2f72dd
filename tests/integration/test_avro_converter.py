"""connectd's io.confluent.connect.avro.AvroConverter against Apicurio Registry's
Confluent-compatible API (ccompat v7), end to end with real peers.

Data comes from the test plugin tests/plugins/avro_zoo_plugin.c (built into
build/test-plugins/avro-zoo, loaded through plugin.path):

* AvroZooSourceConnector emits `zoo.count` records whose values depend on the index only
  (`zoo.schema` = all_types | v1 | v2 | v3_incompatible | primitive_string), key "k-<i>";
* AvroZooSinkConnector writes every record it receives as one JSON line
  {"topic","partition","offset","key","value_schema","value"}, schema and payload rendered by
  connectd's JsonConverter (schemas.enable=true), so the Connect schema (names, versions,
  parameters, optional, defaults) and value can be compared exactly.

The other side of every exchange is independent: Python confluent-kafka's AvroSerializer /
AvroDeserializer with the same registry, and the registry's own REST answers (urllib). Registry
faults (401, slow, down) come from tests/harness/registry_proxy.py in front of Apicurio.

The tests that need the converter skip, saying so, only while its source is not in the tree
(converters/*.c naming io.confluent.connect.avro.AvroConverter); once it is, they must run.
CONNECTD_AVRO_TESTS=1 runs them regardless.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

import pytest

from dist_util import connector_status, rest, wait_running
from harness.peers import REPO_ROOT, http_get, http_json, wait_until

pytestmark = [pytest.mark.peer_kafka, pytest.mark.peer_apicurio]

AVRO = "io.confluent.connect.avro.AvroConverter"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"
STRING = "org.apache.kafka.connect.storage.StringConverter"
SOURCE = "org.connectd.test.AvroZooSourceConnector"
SINK = "org.connectd.test.AvroZooSinkConnector"
TOPIC_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
RECORD_STRATEGY = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
TOPIC_RECORD_STRATEGY = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"

FAST_WORKER = {
    "scheduled.rebalance.max.delay.ms": 2000,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 1000,
    "offset.flush.interval.ms": 500,
}
EPOCH = dt.date(1970, 1, 1)


def _converter_in_tree() -> bool:
    return any(AVRO in p.read_text(errors="replace")
               for p in (REPO_ROOT / "converters").glob("*.c"))


needs_avro = pytest.mark.skipif(not _converter_in_tree() and not os.environ.get("CONNECTD_AVRO_TESTS"),
                                reason=f"{AVRO} is not in this tree yet (converters/*.c)")


# --------------------------------------------------------------------------- expected data


def _unscaled(v: int) -> bytes:
    """BigInteger.toByteArray(): minimal two's-complement big-endian."""
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    return v.to_bytes(n, "big", signed=True)


def all_types_fields(i: int) -> dict:
    """The all_types record i, one entry per field, in Python terms (as fastavro decodes)."""
    odd = i % 2 == 1
    return {
        "i8": i % 100 - 50,
        "i16": i * 300 - 1000,
        "i32": i * 100000 - 7,
        "i64": i * 10000000000 - 3,
        "f32": i + 0.5,
        "f64": i * 1.25 - 0.125,
        "flag": not odd,
        "text": f"text-{i}-\u00fc\u20ac",
        "blob": bytes([i & 0xFF, 0, 255, (i + 1) & 0xFF]),
        "tags": [f"t{t}" for t in range(i % 3 + 1)],
        "counts": {"a": i, "b": i + 1},
        "names": [(i, f"n{i}"), (i + 1, f"n{i + 1}")],
        "inner": {"id": i, "label": None if odd else f"L{i}"},
        "opt_inner": None if odd else {"id": i + 100, "label": f"L{i + 100}"},
        "anon": {"x": i * 2},
        "opt_int": None if odd else i,
        "opt_str": f"o{i}" if odd else None,
        "with_default": i + 7,
        "amount": Decimal(i * 1234 - 5000).scaleb(-2),
        "day": EPOCH + dt.timedelta(days=19000 + i),
        "tod_ms": (i * 1000 + 123) % 86400000,
        "ts_ms": 1700000000000 + i * 1000,
    }


def all_types_avro(i: int) -> dict:
    """What AvroDeserializer (fastavro) returns for record i of all_types."""
    f = all_types_fields(i)
    out = {k: v for k, v in f.items() if k not in ("names", "tod_ms", "ts_ms")}
    out["names"] = [{"key": k, "value": v} for k, v in f["names"]]
    out["tod"] = (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=f["tod_ms"])).time()
    out["ts"] = dt.datetime.fromtimestamp(f["ts_ms"] / 1000, tz=dt.timezone.utc)
    return out


def all_types_payload(i: int) -> dict:
    """The JsonConverter payload of record i of all_types (schemas.enable=true)."""
    f = all_types_fields(i)
    return {
        **{k: f[k] for k in ("i8", "i16", "i32", "i64", "f32", "f64", "flag", "text", "tags",
                             "counts", "inner", "opt_inner", "anon", "opt_int", "opt_str",
                             "with_default")},
        "blob": base64.b64encode(f["blob"]).decode(),
        "names": [[k, v] for k, v in f["names"]],
        "amount": base64.b64encode(_unscaled(i * 1234 - 5000)).decode(),
        "day": 19000 + i,
        "tod": f["tod_ms"],
        "ts": f["ts_ms"],
    }


def animal_payload(which: str, i: int) -> dict:
    p = {"id": i, "name": f"animal-{i}", "weight": i * 1.5}
    if which == "v2":
        p["color"] = None if i % 2 else f"c{i}"
    return p


def animal_avro_schema(which: str) -> dict:
    """The Avro schema Confluent's AvroData makes of the Animal Connect schema."""
    fields = [{"name": "id", "type": "int"}, {"name": "name", "type": "string"},
              {"name": "weight", "type": "string" if which == "v3_incompatible" else "double"}]
    if which == "v2":
        # an optional field with a default: [T, "null"], and AvroData also puts the Connect
        # default on the type as connect.default
        fields.append({"name": "color", "type": [{"type": "string", "connect.default": "unknown"},
                                                 "null"], "default": "unknown"})
    return {"type": "record", "name": "Animal", "namespace": "org.connectd.test",
            "fields": fields, "connect.name": "org.connectd.test.Animal"}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def zoo_plugin_path(build_dir: Path) -> str:
    path = build_dir / "test-plugins" / "avro-zoo"
    if not any(path.glob("*.so")):
        pytest.fail(f"the test plugin is not built in {path}: cmake --build {build_dir} "
                    f"--target cd_avro_zoo_plugin", pytrace=False)
    return str(path)


@pytest.fixture
def worker(connect_worker, unique_name, zoo_plugin_path):
    """One connectd distributed worker with the zoo plugin (converters set per connector)."""
    return connect_worker(kind="connectd", group_id=unique_name, topic_prefix=unique_name,
                          extra_properties={**FAST_WORKER, "plugin.path": zoo_plugin_path})


def avro(prefix: str, url: str, **extra) -> dict:
    """`<prefix>.converter` = AvroConverter with its settings."""
    conf = {f"{prefix}.converter": AVRO, f"{prefix}.converter.schema.registry.url": url}
    conf.update({f"{prefix}.converter.{k}": str(v) for k, v in extra.items()})
    return conf


def source(topic: str, which: str, count: int, **extra) -> dict:
    conf = {"connector.class": SOURCE, "tasks.max": "1", "topic": topic, "zoo.schema": which,
            "zoo.count": str(count), "key.converter": STRING}
    conf.update({k: str(v) for k, v in extra.items()})
    return conf


def sink(topic: str, path: Path, **extra) -> dict:
    conf = {"connector.class": SINK, "tasks.max": "1", "topics": topic, "file": str(path),
            "key.converter": STRING}
    conf.update({k: str(v) for k, v in extra.items()})
    return conf


def create(worker, name: str, config: dict) -> None:
    status, body = rest("POST", f"{worker.url}/connectors", {"name": name, "config": config},
                        ok=(201, 400, 500))
    assert status == 201, f"POST /connectors {name}: {status} {body}"


def put_config(worker, name: str, config: dict) -> None:
    status, body = rest("PUT", f"{worker.url}/connectors/{name}/config", config,
                        ok=(200, 201, 400, 500))
    assert status in (200, 201), f"PUT {name}: {status} {body}"


def create_topic(bootstrap: str, topic: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(30)


def task_failure(worker, name: str, timeout: float = 30.0) -> str:
    """Waits for task 0 to be FAILED; returns its trace."""
    found: list = []

    def failed() -> bool:
        s = connector_status(worker, name)
        if s and s["tasks"] and s["tasks"][0]["state"] == "FAILED":
            found.append(s["tasks"][0].get("trace", ""))
            return True
        return False

    wait_until(failed, what=f"{name} task 0 FAILED", timeout=timeout)
    return found[-1]


def restart_task(worker, name: str) -> None:
    status, body = rest("POST", f"{worker.url}/connectors/{name}/tasks/0/restart", ok=(204, 200))
    assert status in (200, 204), body


def sink_lines(path: Path, count: int, timeout: float = 45.0) -> list[dict]:
    """The sink file's JSON lines once there are at least `count`."""
    def enough() -> bool:
        return path.exists() and len(path.read_text().splitlines()) >= count

    wait_until(enough, what=f"{count} lines in {path}", timeout=timeout)
    return [json.loads(line) for line in path.read_text().splitlines()]


def healthy(worker) -> None:
    assert worker.process.alive(), f"{worker.name} died"
    assert http_get(worker.url + "/")[0] == 200


def registry_get(base: str, path: str):
    status, body = http_json("GET", base + path, timeout=10)
    assert status == 200, (path, status, body)
    return body


def consume(bootstrap: str, topic: str, count: int, timeout: float = 45.0) -> list:
    """The first `count` records of `topic` as (key bytes, value bytes, offset)."""
    import uuid

    from confluent_kafka import Consumer

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"avro-{uuid.uuid4().hex[:8]}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    out: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < count and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append((msg.key(), msg.value(), msg.offset()))
    finally:
        c.close()
    assert len(out) >= count, f"{topic}: {len(out)} of {count} records within {timeout}s"
    return out


def serialize_failure(topic: str) -> str:
    return f"Failed to serialize Avro data from topic {topic}"


def network_failure(topic: str) -> str:
    """Confluent's NetworkException text when the registry cannot be reached."""
    return f"Network connection error while serializing Avro data for topic {topic}"


def registry_client(url: str):
    from confluent_kafka.schema_registry import SchemaRegistryClient

    return SchemaRegistryClient({"url": url, "timeout": 20, "max.retries": 1})


def python_deserialize(url: str, topic: str, values: list) -> list:
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    from confluent_kafka.schema_registry import topic_subject_name_strategy

    # confluent-kafka 2.16 defaults to AssociatedNameStrategy, which asks the registry for
    # "associations" (a Confluent-only endpoint Apicurio never answers): use the topic strategy,
    # which is what Confluent's Java deserializer and connectd use, and bound every request.
    des = AvroDeserializer(registry_client(url),
                           conf={"subject.name.strategy": topic_subject_name_strategy})
    ctx = SerializationContext(topic, MessageField.VALUE)
    return [des(v, ctx) for v in values]


# --------------------------------------------------------------------------- harness checks
# These run without the converter: the plugin and the proxy themselves.


def test_zoo_plugin_json_round_trip(worker, kafka, unique_name, tmp_path):
    """zoo source (all_types) -> JsonConverter -> zoo sink: the plugin emits exactly the values
    the Python model computes, with the schema's name/version/doc/parameters."""
    topic = f"{unique_name}-json"
    create_topic(kafka.bootstrap, topic)
    json_conv = {"value.converter": JSON_CONVERTER, "value.converter.schemas.enable": "true"}
    create(worker, "src", source(topic, "all_types", 6, **json_conv))
    out = tmp_path / "sink.jsonl"
    create(worker, "snk", sink(topic, out, **json_conv))
    lines = sink_lines(out, 6)
    assert [line["key"] for line in lines] == [f"k-{i}" for i in range(6)]
    assert [line["offset"] for line in lines] == list(range(6))
    for i, line in enumerate(lines):
        assert line["value"] == all_types_payload(i), i
    schema = lines[0]["value_schema"]
    assert (schema["name"], schema["version"], schema["doc"], schema["parameters"]) == \
        ("org.connectd.test.AllTypes", 3, "every Connect type",
         {"zoo": "all_types", "owner": "connectd"})
    fields = {f["field"]: f for f in schema["fields"]}
    assert fields["i8"]["type"] == "int8" and fields["i16"]["type"] == "int16"
    assert fields["amount"]["name"] == "org.apache.kafka.connect.data.Decimal"
    assert fields["amount"]["parameters"] == {"scale": "2"}
    assert fields["with_default"]["default"] == 42
    assert fields["opt_int"]["optional"] is True and fields["i32"]["optional"] is False
    assert fields["anon"].get("name") is None and fields["inner"]["name"] == "org.connectd.test.Inner"
    assert fields["names"]["keys"]["type"] == "int32"
    # The source emitted its count and stays idle (RUNNING, no more records).
    wait_running([worker], "src")
    assert len(out.read_text().splitlines()) == 6
    healthy(worker)


def test_registry_proxy_auth_delay_and_refusal(registry_proxy, apicurio):
    """The proxy forwards to Apicurio, answers 401 Confluent-style, delays and refuses."""
    status, subjects = http_json("GET", registry_proxy.ccompat_url + "/subjects")
    assert status == 200 and isinstance(subjects, list)

    registry_proxy.require_auth("zoo", "s3cret")
    status, body = http_json("GET", registry_proxy.ccompat_url + "/subjects")
    assert (status, body) == (401, {"error_code": 401, "message": "Unauthorized"})
    import urllib.request
    req = urllib.request.Request(registry_proxy.ccompat_url + "/subjects")
    req.add_header("Authorization", "Basic " + base64.b64encode(b"zoo:s3cret").decode())
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=5) as r:
        assert r.status == 200
    assert registry_proxy.calls()[-1].auth == "zoo:s3cret"

    registry_proxy.normal()
    registry_proxy.delay(1.0)
    started = time.monotonic()
    with pytest.raises(OSError):
        http_json("GET", registry_proxy.ccompat_url + "/subjects", timeout=0.3)
    assert time.monotonic() - started < 1.0

    registry_proxy.normal()
    registry_proxy.fail(503)
    assert http_json("GET", registry_proxy.ccompat_url + "/subjects")[0] == 503

    registry_proxy.normal()
    registry_proxy.refuse()
    with pytest.raises(OSError):
        http_json("GET", registry_proxy.ccompat_url + "/subjects", timeout=2)
    registry_proxy.resume()
    assert http_json("GET", registry_proxy.ccompat_url + "/subjects")[0] == 200


def test_python_clients_and_registry_rules(kafka, apicurio, unique_name):
    """The independent side on its own: Python's AvroSerializer/AvroDeserializer round trip
    through Apicurio, and Apicurio's BACKWARD rule on the Animal schemas the tests expect
    AvroData to make (v1, v2 accepted; v3_incompatible refused with 409)."""
    url, topic, n = apicurio.ccompat_url, f"{unique_name}-py", 3
    create_topic(kafka.bootstrap, topic)
    python_produce(kafka.bootstrap, url, topic, PAYMENT_SCHEMA, [payment(i) for i in range(n)])
    records = consume(kafka.bootstrap, topic, n)
    assert python_deserialize(url, topic, [v for _, v, _ in records]) == \
        [payment(i) for i in range(n)]

    subject = f"{unique_name}-animal-value"
    for which in ("v1", "v2"):
        status, body = http_json("POST", f"{url}/subjects/{subject}/versions",
                                 {"schema": json.dumps(animal_avro_schema(which))}, timeout=10)
        assert status == 200 and isinstance(body["id"], int), (which, status, body)
    assert registry_get(url, f"/subjects/{subject}/versions") == [1, 2]
    status, body = http_json("POST", f"{url}/subjects/{subject}/versions",
                             {"schema": json.dumps(animal_avro_schema("v3_incompatible"))},
                             timeout=10)
    assert status == 409 and body["error_code"] == 409 and body["message"], (status, body)


# --------------------------------------------------------------------------- a. every type


@needs_avro
def test_every_connect_type_round_trips(worker, kafka, apicurio, unique_name, tmp_path):
    url = apicurio.ccompat_url
    topic, ref_topic = f"{unique_name}-avro", f"{unique_name}-ref"
    n = 6
    for t in (topic, ref_topic):
        create_topic(kafka.bootstrap, t)
    create(worker, "src", source(topic, "all_types", n, **avro("value", url)))

    # Python's AvroDeserializer decodes every record to the expected values.
    records = consume(kafka.bootstrap, topic, n)
    assert [k.decode() for k, _, _ in records] == [f"k-{i}" for i in range(n)]
    assert all(v[0] == 0 for _, v, _ in records), "magic byte"
    decoded = python_deserialize(url, topic, [v for _, v, _ in records])
    for i, value in enumerate(decoded):
        assert value == all_types_avro(i), i

    # The registered schema carries Confluent's AvroData mapping.
    latest = registry_get(url, f"/subjects/{topic}-value/versions/latest")
    schema = json.loads(latest["schema"])
    assert (schema["type"], schema["name"], schema.get("namespace")) == \
        ("record", "AllTypes", "org.connectd.test")
    # AvroData writes the Connect doc as connect.doc; a record "doc" comes only from the
    # io.confluent.connect.avro.record.doc parameter
    assert schema.get("connect.doc") == "every Connect type" and "doc" not in schema
    assert schema["connect.version"] == 3 and schema["connect.name"] == "org.connectd.test.AllTypes"
    assert schema["connect.parameters"] == {"zoo": "all_types", "owner": "connectd"}
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["i8"]["type"] == {"type": "int", "connect.type": "int8"}
    assert fields["i16"]["type"] == {"type": "int", "connect.type": "int16"}
    assert fields["f32"]["type"] == "float" and fields["i64"]["type"] == "long"
    assert fields["counts"]["type"] == {"type": "map", "values": "int"}
    names = fields["names"]["type"]
    assert names["type"] == "array" and names["items"]["name"] == "MapEntry"
    assert names["items"]["namespace"] == "io.confluent.connect.avro"
    assert [f["name"] for f in names["items"]["fields"]] == ["key", "value"]
    assert fields["anon"]["type"]["name"] == "ConnectDefault"
    assert fields["anon"]["type"]["namespace"] == "io.confluent.connect.avro"
    assert fields["inner"]["type"]["name"] == "Inner"
    assert fields["opt_int"]["type"] == ["null", "int"] and fields["opt_int"]["default"] is None
    assert fields["opt_inner"]["type"][0] == "null"
    assert fields["with_default"]["default"] == 42
    amount = fields["amount"]["type"]
    assert (amount["type"], amount["logicalType"], amount["precision"], amount["scale"]) == \
        ("bytes", "decimal", 64, 2)
    assert fields["day"]["type"]["logicalType"] == "date"
    assert fields["tod"]["type"]["logicalType"] == "time-millis"
    assert fields["ts"]["type"]["logicalType"] == "timestamp-millis"

    # Round trip: the Avro sink sees exactly what a JSON round trip of the same source gives.
    json_conv = {"value.converter": JSON_CONVERTER, "value.converter.schemas.enable": "true"}
    create(worker, "ref-src", source(ref_topic, "all_types", n, **json_conv))
    ref_out, out = tmp_path / "ref.jsonl", tmp_path / "avro.jsonl"
    create(worker, "ref-snk", sink(ref_topic, ref_out, **json_conv))
    create(worker, "snk", sink(topic, out, **avro("value", url)))
    reference, lines = sink_lines(ref_out, n), sink_lines(out, n)
    for ref, got in zip(reference, lines):
        assert got["key"] == ref["key"]
        assert got["value"] == ref["value"]
        assert got["value_schema"] == ref["value_schema"]
    healthy(worker)


# --------------------------------------------------------------------------- b. Python -> sink

PAYMENT_SCHEMA = {
    "type": "record", "name": "Payment", "namespace": "com.example.py",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10,
                                    "scale": 2}},
        {"name": "currency", "type": {"type": "enum", "name": "Currency",
                                      "symbols": ["EUR", "USD", "GBP"]}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "paid_on", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
            {"name": "name", "type": "string"}, {"name": "vip", "type": "boolean"}]}},
        {"name": "items", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "int"}},
        {"name": "ratio", "type": "float"},
        {"name": "score", "type": "double"},
        {"name": "raw", "type": "bytes"},
    ],
}


def payment(i: int) -> dict:
    return {"id": 1000 + i, "amount": Decimal(i * 101 + 5).scaleb(-2),
            "currency": ["EUR", "USD", "GBP"][i % 3], "note": None if i % 2 else f"note {i}",
            "paid_on": EPOCH + dt.timedelta(days=20000 + i),
            "at": dt.datetime.fromtimestamp(1700000000 + i, tz=dt.timezone.utc),
            "customer": {"name": f"cust-{i}", "vip": i % 2 == 0},
            "items": [f"item{j}" for j in range(i % 3)], "attrs": {"n": i},
            "ratio": 0.25 * i, "score": i / 8, "raw": bytes([i, 1, 2])}


def payment_connect(i: int, version: int) -> tuple[dict, dict]:
    """The Connect schema (JsonConverter form) and payload Confluent's AvroData gives."""
    enum_params = {"io.confluent.connect.avro.Enum": "com.example.py.Currency",
                   **{f"io.confluent.connect.avro.Enum.{s}": s for s in ("EUR", "USD", "GBP")}}
    schema = {
        "type": "struct", "optional": False, "name": "com.example.py.Payment",
        "version": version,
        "fields": [
            {"field": "id", "type": "int64", "optional": False},
            {"field": "amount", "type": "bytes", "optional": False,
             "name": "org.apache.kafka.connect.data.Decimal", "version": 1,
             "parameters": {"scale": "2", "connect.decimal.precision": "10"}},
            {"field": "currency", "type": "string", "optional": False,
             "name": "com.example.py.Currency", "parameters": enum_params},
            {"field": "note", "type": "string", "optional": True},
            {"field": "paid_on", "type": "int32", "optional": False,
             "name": "org.apache.kafka.connect.data.Date", "version": 1},
            {"field": "at", "type": "int64", "optional": False,
             "name": "org.apache.kafka.connect.data.Timestamp", "version": 1},
            {"field": "customer", "type": "struct", "optional": False,
             "name": "com.example.py.Customer",
             "fields": [{"field": "name", "type": "string", "optional": False},
                        {"field": "vip", "type": "boolean", "optional": False}]},
            {"field": "items", "type": "array", "optional": False,
             "items": {"type": "string", "optional": False}},
            {"field": "attrs", "type": "map", "optional": False,
             "keys": {"type": "string", "optional": False},
             "values": {"type": "int32", "optional": False}},
            {"field": "ratio", "type": "float", "optional": False},
            {"field": "score", "type": "double", "optional": False},
            {"field": "raw", "type": "bytes", "optional": False},
        ],
    }
    p = payment(i)
    payload = {
        "id": p["id"], "amount": base64.b64encode(_unscaled(i * 101 + 5)).decode(),
        "currency": p["currency"], "note": p["note"], "paid_on": 20000 + i,
        "at": (1700000000 + i) * 1000, "customer": p["customer"], "items": p["items"],
        "attrs": p["attrs"], "ratio": p["ratio"], "score": p["score"],
        "raw": base64.b64encode(p["raw"]).decode(),
    }
    return schema, payload


def python_produce(bootstrap: str, url: str, topic: str, schema: dict, values: list) -> None:
    from confluent_kafka import Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    ser = AvroSerializer(registry_client(url), json.dumps(schema))
    producer = Producer({"bootstrap.servers": bootstrap})
    for i, value in enumerate(values):
        producer.produce(topic, key=f"k-{i}".encode(),
                         value=ser(value, SerializationContext(topic, MessageField.VALUE)))
    assert producer.flush(30) == 0


@needs_avro
def test_python_serializer_records_read_by_sink(worker, kafka, apicurio, unique_name, tmp_path):
    url, topic, n = apicurio.ccompat_url, f"{unique_name}-py", 5
    create_topic(kafka.bootstrap, topic)
    python_produce(kafka.bootstrap, url, topic, PAYMENT_SCHEMA, [payment(i) for i in range(n)])
    version = registry_get(url, f"/subjects/{topic}-value/versions/latest")["version"]
    out = tmp_path / "sink.jsonl"
    create(worker, "snk", sink(topic, out, **avro("value", url)))
    lines = sink_lines(out, n)
    for i, line in enumerate(lines):
        schema, payload = payment_connect(i, version)
        assert line["key"] == f"k-{i}"
        assert line["value_schema"] == schema
        assert line["value"] == payload, i


# --------------------------------------------------------------------------- c. evolution


@needs_avro
def test_backward_evolution_and_incompatible_schema(worker, kafka, apicurio, unique_name,
                                                    tmp_path):
    url, topic, n = apicurio.ccompat_url, f"{unique_name}-ev", 4
    create_topic(kafka.bootstrap, topic)
    conf = avro("value", url)
    create(worker, "src", source(topic, "v1", n, **conf))
    consume(kafka.bootstrap, topic, n)
    put_config(worker, "src", source(topic, "v2", n, **conf))
    consume(kafka.bootstrap, topic, 2 * n)
    assert registry_get(url, f"/subjects/{topic}-value/versions") == [1, 2]
    assert registry_get(url, "/config")["compatibilityLevel"] == "BACKWARD"
    v2 = json.loads(registry_get(url, f"/subjects/{topic}-value/versions/2")["schema"])
    assert v2["fields"][3] == animal_avro_schema("v2")["fields"][3]

    out = tmp_path / "sink.jsonl"
    create(worker, "snk", sink(topic, out, **conf))
    lines = sink_lines(out, 2 * n)
    for i, line in enumerate(lines[:n]):
        assert line["value"] == animal_payload("v1", i)
        assert line["value_schema"]["version"] == 1
    for i, line in enumerate(lines[n:]):
        # Struct.get gives the field's default for a null, so AvroData writes "unknown"
        # (ignore.default.for.nullables=false, Confluent's default)
        expected = animal_payload("v2", i)
        expected["color"] = expected["color"] or "unknown"
        assert line["value"] == expected
        assert line["value_schema"]["version"] == 2
        color = line["value_schema"]["fields"][3]
        assert (color["optional"], color["default"]) == (True, "unknown")

    # What Apicurio itself says about the incompatible schema.
    status, refusal = http_json("POST", f"{url}/subjects/{topic}-value/versions",
                                {"schema": json.dumps(animal_avro_schema("v3_incompatible"))},
                                timeout=10)
    assert status == 409, (status, refusal)
    put_config(worker, "src", source(topic, "v3_incompatible", n, **conf))
    trace = task_failure(worker, "src")
    assert f"Failed to serialize Avro data from topic {topic}" in trace, trace
    assert refusal["message"] in trace, (refusal, trace)
    assert registry_get(url, f"/subjects/{topic}-value/versions") == [1, 2]
    healthy(worker)


# --------------------------------------------------------------------------- d. bad input


def _bad_records(url: str, bootstrap: str, topic: str) -> dict:
    """Writes good, wrong magic, good, unknown id, good, truncated, good, garbage, good.
    Returns {offset: kind}."""
    from confluent_kafka import Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    schema = {"type": "record", "name": "Row", "namespace": "com.example.bad",
              "fields": [{"name": "id", "type": "long"}, {"name": "text", "type": "string"}]}
    ser = AvroSerializer(registry_client(url), json.dumps(schema))
    ctx = SerializationContext(topic, MessageField.VALUE)
    good = [ser({"id": i, "text": f"row {i} " + "x" * 20}, ctx) for i in range(5)]
    header = good[0][:5]
    values = [good[0], b"\x01" + good[1][1:], good[1], b"\x00" + (999999).to_bytes(4, "big") +
              good[2][5:], good[2], good[3][:9], good[3], header + b"\x02\x01\xff\xff", good[4]]
    kinds = {1: "magic", 3: "unknown id", 5: "truncated", 7: "garbage"}
    producer = Producer({"bootstrap.servers": bootstrap})
    for i, v in enumerate(values):
        producer.produce(topic, key=f"k-{i}".encode(), value=v)
    assert producer.flush(30) == 0
    return kinds


@needs_avro
def test_bad_input_fails_the_task_naming_the_record(worker, kafka, apicurio, unique_name,
                                                    tmp_path):
    url, topic = apicurio.ccompat_url, f"{unique_name}-bad"
    create_topic(kafka.bootstrap, topic)
    _bad_records(url, kafka.bootstrap, topic)

    # errors.tolerance=none: the first bad record (offset 1, wrong magic byte) fails the task.
    create(worker, "strict", sink(topic, tmp_path / "strict.jsonl", **avro("value", url)))
    trace = task_failure(worker, "strict")
    assert f"Failed to deserialize data for topic {topic} to Avro" in trace, trace
    assert "Unknown magic byte!" in trace
    assert f"{{topic='{topic}', partition=0, offset=1" in trace
    assert "Tolerance exceeded in error handler" in trace

    # errors.tolerance=all: every good record arrives, every bad one is skipped.
    out = tmp_path / "tolerant.jsonl"
    create(worker, "tolerant", sink(topic, out, **avro("value", url),
                                    **{"errors.tolerance": "all", "errors.log.enable": "true"}))
    lines = sink_lines(out, 5)
    assert [line["offset"] for line in lines] == [0, 2, 4, 6, 8]
    assert [line["value"]["id"] for line in lines] == [0, 1, 2, 3, 4]
    wait_running([worker], "tolerant")
    healthy(worker)


@needs_avro
@pytest.mark.parametrize("kind,offset,needle", [
    ("unknown id", 3, ["Error retrieving Avro value schema for id 999999",
                       "Schema 999999 not found"]),
    ("truncated", 5, None),
    ("garbage", 7, None),
])
def test_each_bad_record_kind_is_named(worker, kafka, apicurio, unique_name, tmp_path, kind,
                                       offset, needle):
    """Each kind alone (the good records before it are delivered first)."""
    url, topic = apicurio.ccompat_url, f"{unique_name}-one"
    create_topic(kafka.bootstrap, topic)
    from confluent_kafka import Producer

    src = f"{unique_name}-all"
    create_topic(kafka.bootstrap, src)
    _bad_records(url, kafka.bootstrap, src)
    values = [v for _, v, _ in consume(kafka.bootstrap, src, 9)]
    producer = Producer({"bootstrap.servers": kafka.bootstrap})
    # good (0), then the bad record, then a good one.
    for v in (values[0], values[offset], values[8]):
        producer.produce(topic, value=v)
    assert producer.flush(30) == 0
    out = tmp_path / "sink.jsonl"
    create(worker, "snk", sink(topic, out, **avro("value", url)))
    trace = task_failure(worker, "snk")
    assert f"Failed to deserialize data for topic {topic} to Avro" in trace, trace
    for text in needle or []:
        assert text in trace, trace
    assert f"{{topic='{topic}', partition=0, offset=1" in trace, trace
    # Nothing past the bad record reached the sink (offset 0 may or may not, by batch).
    delivered = out.read_text().splitlines() if out.exists() else []
    assert all(json.loads(line)["offset"] < 1 for line in delivered), delivered
    healthy(worker)


# --------------------------------------------------------------------------- e. registry faults


@needs_avro
def test_registry_401_then_basic_auth(worker, kafka, registry_proxy, unique_name, tmp_path):
    topic, n = f"{unique_name}-auth", 3
    create_topic(kafka.bootstrap, topic)
    registry_proxy.require_auth("zoo", "s3cret")
    create(worker, "anon", source(topic, "v1", n, **avro("value", registry_proxy.ccompat_url)))
    trace = task_failure(worker, "anon")
    assert f"Failed to serialize Avro data from topic {topic}" in trace, trace
    assert "Unauthorized" in trace and "401" in trace, trace

    creds = avro("value", registry_proxy.ccompat_url, **{
        "basic.auth.credentials.source": "USER_INFO", "basic.auth.user.info": "zoo:s3cret"})
    create(worker, "authed", source(f"{topic}-ok", "v1", n, **creds))
    records = consume(kafka.bootstrap, f"{topic}-ok", n)
    decoded = python_deserialize(registry_proxy.upstream_ccompat_url, f"{topic}-ok",
                                 [v for _, v, _ in records])
    assert decoded == [animal_payload("v1", i) for i in range(n)]
    assert all(c.auth == "zoo:s3cret" for c in registry_proxy.calls()
               if c.status == 200), "every accepted call carried the credentials"
    assert len(records) == n
    healthy(worker)


def _keys(bootstrap: str, topic: str, n: int) -> list[str]:
    return sorted(k.decode() for k, _, _ in consume(bootstrap, topic, n))


@needs_avro
def test_slow_registry_fails_in_bounded_time_then_resumes(worker, kafka, registry_proxy,
                                                          unique_name):
    topic, n = f"{unique_name}-slow", 5
    create_topic(kafka.bootstrap, topic)
    registry_proxy.delay(4.0)
    conf = avro("value", registry_proxy.ccompat_url, **{"http.read.timeout.ms": 1000,
                                                         "max.retries": 0})
    started = time.monotonic()
    create(worker, "src", source(topic, "v1", n, **conf))
    trace = task_failure(worker, "src", timeout=30)
    assert time.monotonic() - started < 25
    assert serialize_failure(topic) in trace or network_failure(topic) in trace, trace
    registry_proxy.normal()
    restart_task(worker, "src")
    assert _keys(kafka.bootstrap, topic, n) == sorted(f"k-{i}" for i in range(n))
    healthy(worker)


@needs_avro
def test_registry_down_fails_then_restart_delivers_everything(worker, kafka, registry_proxy,
                                                              unique_name):
    topic, n = f"{unique_name}-down", 5
    create_topic(kafka.bootstrap, topic)
    registry_proxy.refuse()
    conf = avro("value", registry_proxy.ccompat_url, **{"max.retries": 1, "retries.wait.ms": 100})
    create(worker, "src", source(topic, "v1", n, **conf))
    trace = task_failure(worker, "src")
    assert serialize_failure(topic) in trace or network_failure(topic) in trace, trace
    registry_proxy.resume()
    restart_task(worker, "src")
    assert _keys(kafka.bootstrap, topic, n) == sorted(f"k-{i}" for i in range(n))
    healthy(worker)


# --------------------------------------------------------------------------- f. standalone


@needs_avro
def test_standalone_worker_level_converter(standalone, kafka, apicurio, unique_name, tmp_path,
                                           zoo_plugin_path):
    topic, n = f"{unique_name}-sa", 4
    create_topic(kafka.bootstrap, topic)
    out = tmp_path / "sink.jsonl"
    props = {"plugin.path": zoo_plugin_path, "key.converter": STRING,
             **avro("value", apicurio.ccompat_url)}
    src = {"name": f"{unique_name}-src", **source(topic, "all_types", n)}
    snk = {"name": f"{unique_name}-snk", **sink(topic, out)}
    for c in (src, snk):
        c.pop("key.converter")
    standalone(kind="connectd", connectors=[src, snk], extra_properties=props)
    lines = sink_lines(out, n)
    for i, line in enumerate(lines):
        assert line["key"] == f"k-{i}"
        assert line["value"] == all_types_payload(i), i
        assert line["value_schema"]["name"] == "org.connectd.test.AllTypes"
    assert registry_get(apicurio.ccompat_url, f"/subjects/{topic}-value/versions") == [1]


# --------------------------------------------------------------------------- g. subject names


@needs_avro
def test_subject_name_strategies(worker, kafka, apicurio, unique_name):
    url, n = apicurio.ccompat_url, 2
    cases = [("topic", TOPIC_STRATEGY, "{t}-value"),
             ("record", RECORD_STRATEGY, "org.connectd.test.Animal"),
             ("topicrecord", TOPIC_RECORD_STRATEGY, "{t}-org.connectd.test.Animal")]
    for label, strategy, _ in cases:
        topic = f"{unique_name}-{label}"
        create_topic(kafka.bootstrap, topic)
        create(worker, label, source(topic, "v1", n, **avro(
            "value", url, **{"value.subject.name.strategy": strategy})))
    for label, _, subject in cases:
        topic = f"{unique_name}-{label}"
        consume(kafka.bootstrap, topic, n)
        expected = subject.format(t=topic)
        subjects = registry_get(url, "/subjects")
        assert expected in subjects, (expected, subjects)
        quoted = urllib.parse.quote(expected, safe="")
        schema = json.loads(registry_get(url, f"/subjects/{quoted}/versions/latest")["schema"])
        assert schema == animal_avro_schema("v1")
    assert f"{unique_name}-record-value" not in registry_get(url, "/subjects")
    assert f"{unique_name}-topicrecord-value" not in registry_get(url, "/subjects")

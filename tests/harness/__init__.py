"""Test harness for connectd: real peers (Kafka, Java Connect, kinesis-mock, Apicurio) on loopback."""

from .peers import (
    Apicurio,
    JavaConnectWorker,
    KafkaBroker,
    KinesisMock,
    Peer,
    PeerMissing,
    PeerProcess,
    PeerStartError,
    free_port,
    http_get,
    http_json,
    kafka_lib_dir,
    kafka_version,
    make_work_dir,
    peers_dir,
    wait_until,
)

__all__ = [
    "Apicurio",
    "JavaConnectWorker",
    "KafkaBroker",
    "KinesisMock",
    "Peer",
    "PeerMissing",
    "PeerProcess",
    "PeerStartError",
    "free_port",
    "http_get",
    "http_json",
    "kafka_lib_dir",
    "kafka_version",
    "make_work_dir",
    "peers_dir",
    "wait_until",
]

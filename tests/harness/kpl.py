"""KPL aggregated records in pure Python, for integration tests and benchmarks.

Builds the Kinesis Producer Library aggregate format
`[magic F3 89 9A C2][protobuf AggregatedRecord][MD5 of the protobuf]` by hand (no protobuf
package): partition keys and explicit hash keys are interned into their tables in order of
first use and fields are written in field-number order, as the KPL and the official Python
library aws-kinesis-agg do, so the bytes are identical to theirs (checked: the golden vector in
tests/unit/test_kinesis_kpl.c, made with aws-kinesis-agg 1.2.3, is reproduced byte for byte,
and the C de-aggregator decodes the vector this module produced there).
`deaggregate` is a small reader for tests that want to look inside a blob.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Sequence, Union

MAGIC = b"\xf3\x89\x9a\xc2"

UserRecord = Union[tuple[str, bytes], tuple[str, bytes, Optional[str]]]


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field_bytes(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _field_varint(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def aggregate(records: Iterable[UserRecord]) -> bytes:
    """Aggregate [(partition_key, data)] or [(partition_key, data, explicit_hash_key)]."""
    pk_index: dict[str, int] = {}
    ehk_index: dict[str, int] = {}
    body_records = bytearray()
    for rec in records:
        pk, data = rec[0], rec[1]
        ehk = rec[2] if len(rec) > 2 else None
        if pk not in pk_index:
            pk_index[pk] = len(pk_index)
        inner = _field_varint(1, pk_index[pk])
        if ehk is not None:
            if ehk not in ehk_index:
                ehk_index[ehk] = len(ehk_index)
            inner += _field_varint(2, ehk_index[ehk])
        inner += _field_bytes(3, bytes(data))
        body_records += _field_bytes(3, inner)
    body = bytearray()
    for pk in pk_index:  # dicts keep insertion order = order of first use
        body += _field_bytes(1, pk.encode("utf-8"))
    for ehk in ehk_index:
        body += _field_bytes(2, ehk.encode("utf-8"))
    body += body_records
    return MAGIC + bytes(body) + hashlib.md5(bytes(body)).digest()


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def _fields(buf: bytes):
    pos = 0
    while pos < len(buf):
        tag, pos = _read_varint(buf, pos)
        field, wt = tag >> 3, tag & 7
        if wt == 0:
            value, pos = _read_varint(buf, pos)
        elif wt == 2:
            n, pos = _read_varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("truncated")
            value, pos = buf[pos:pos + n], pos + n
        elif wt == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wt == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        yield field, wt, value


def deaggregate(blob: bytes) -> Optional[list[tuple[str, bytes, Optional[str]]]]:
    """User records of an aggregate, or None when blob is not a valid one (pass-through)."""
    if len(blob) <= len(MAGIC) + 16 or not blob.startswith(MAGIC):
        return None
    body, digest = blob[4:-16], blob[-16:]
    if hashlib.md5(body).digest() != digest:
        return None
    try:
        pks, ehks, raw = [], [], []
        for field, wt, value in _fields(body):
            if wt != 2:
                continue  # unknown or mistyped fields are skipped, as protobuf does
            if field == 1:
                pks.append(value.decode("utf-8"))
            elif field == 2:
                ehks.append(value.decode("utf-8"))
            elif field == 3:
                raw.append({(f, w): v for f, w, v in _fields(value)})
        out = []
        for r in raw:
            if (1, 0) not in r or (3, 2) not in r:
                return None  # required field missing
            ehk = ehks[r[(2, 0)]] if (2, 0) in r else None
            out.append((pks[r[(1, 0)]], bytes(r[(3, 2)]), ehk))
        return out
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def hex_lines(blob: bytes, width: int = 88) -> Sequence[str]:
    """The blob as hex in C string-literal-sized lines (for committing vectors)."""
    h = blob.hex()
    return [h[i:i + width] for i in range(0, len(h), width)]

"""The committed golden files are still what Java produces.

The C unit tests compare connectd's output with golden files that test-only Java programs
produced on Apache Kafka's jars and the JDK. These tests run those programs again, into a copy of
tests/golden, and require the fresh output to equal the committed files — so a golden file can
neither rot nor be edited by hand to make a C test pass."""
import filecmp
import os
import pathlib
import shutil
import subprocess

import pytest

from harness.peers import kafka_lib_dir

REPO = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"


def regenerate(tmp_path: pathlib.Path, script: str, env: dict) -> pathlib.Path:
    copy = tmp_path / "tests" / "golden"
    shutil.copytree(GOLDEN, copy)
    run = subprocess.run(["sh", str(copy / script)], env={**os.environ, **env},
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert run.returncode == 0, run.stdout.decode(errors="replace")[-4000:]
    return copy


def assert_same_files(fresh: pathlib.Path, committed: pathlib.Path, pattern: str) -> None:
    names = sorted(p.name for p in committed.glob(pattern))
    assert names, f"no committed golden files {pattern} in {committed}"
    match, mismatch, errors = filecmp.cmpfiles(committed, fresh, names, shallow=False)
    assert not mismatch and not errors, (
        f"golden files differ from what Java produces now: {mismatch + errors}; "
        f"regenerate them with the script in tests/golden and review the diff")
    assert len(match) == len(names)


def test_properties_golden_files_match_the_jdk(tmp_path):
    fresh = regenerate(tmp_path, "regen-properties.sh", {})
    assert_same_files(fresh / "properties", GOLDEN / "properties", "*.expected")


def test_values_golden_files_match_kafka(tmp_path):
    lib = kafka_lib_dir()
    fresh = regenerate(tmp_path, "regen-values.sh", {"KAFKA_LIB": str(lib)})
    assert_same_files(fresh / "values", GOLDEN / "values", "*_expected.txt")

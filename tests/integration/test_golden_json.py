"""The committed JsonConverter golden results are still what Apache Kafka's own
JsonConverter produces.

tests/golden/JsonConverterGolden.java is re-run (Java 17 single-file launch, with the
Kafka jars fetched by tests/peers/fetch.sh) into a temporary file, which must equal
tests/golden/json/expected.json byte for byte. The C side is checked against that same
file by the unit test tests/unit/test_json_converter.c. The case list itself,
cases.json, must also be what tests/golden/json/make_cases.py generates.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.peers import PeerMissing, kafka_lib_dir

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
CASES_DIR = GOLDEN / "json"


def _lib_dir() -> Path:
    if shutil.which("java") is None:
        pytest.skip("SKIPPED LOUDLY: no `java` on PATH, cannot re-run JsonConverterGolden.java")
    try:
        return kafka_lib_dir()
    except PeerMissing as e:
        pytest.skip(f"SKIPPED LOUDLY: Kafka jars missing ({e}); run tests/peers/fetch.sh kafka")


def test_cases_file_is_generated_from_make_cases(tmp_path: Path) -> None:
    script = CASES_DIR / "make_cases.py"
    copy = tmp_path / "make_cases.py"
    shutil.copy(script, copy)
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    assert (tmp_path / "cases.json").read_bytes() == (CASES_DIR / "cases.json").read_bytes(), (
        "tests/golden/json/cases.json is stale: run tests/golden/regen-json.sh"
    )


def test_expected_results_match_java(tmp_path: Path) -> None:
    lib = _lib_dir()
    out = tmp_path / "expected.json"
    proc = subprocess.run(
        ["java", "-cp", f"{lib}/*", str(GOLDEN / "JsonConverterGolden.java"), str(CASES_DIR),
         str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"JsonConverterGolden failed:\n{proc.stdout}\n{proc.stderr}"
    fresh = out.read_text(encoding="utf-8")
    committed = (CASES_DIR / "expected.json").read_text(encoding="utf-8")
    if fresh != committed:
        diff = "\n".join(difflib.unified_diff(committed.splitlines(), fresh.splitlines(),
                                              "committed", "java", lineterm="", n=0))
        pytest.fail("expected.json differs from what Java produces now "
                    "(run tests/golden/regen-json.sh and review):\n" + diff[:20000])
    results = json.loads(fresh)["results"]
    cases = json.loads((CASES_DIR / "cases.json").read_text(encoding="utf-8"))["cases"]
    assert [r["name"] for r in results] == [c["name"] for c in cases]
    assert len(results) >= 60

"""The committed single message transform golden results are still what Apache
Kafka's own transformations produce.

tests/golden/TransformsGolden.java (Java 17 single-file launch, with the Kafka jars
fetched by tests/peers/fetch.sh) is re-run over tests/golden/transforms/cases into a
temporary directory; every file it writes must equal the committed
tests/golden/transforms/expected/<file>.json byte for byte, and there must be one
expected file per case file. The C side is checked against those same files by the
unit test tests/unit/test_transforms_golden.c.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.peers import PeerMissing, kafka_lib_dir

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
DIR = GOLDEN / "transforms"


def _lib_dir() -> Path:
    if shutil.which("java") is None:
        pytest.skip("SKIPPED LOUDLY: no `java` on PATH, cannot re-run TransformsGolden.java")
    try:
        return kafka_lib_dir()
    except PeerMissing as e:
        pytest.skip(f"SKIPPED LOUDLY: Kafka jars missing ({e}); run tests/peers/fetch.sh kafka")


def test_expected_results_match_java(tmp_path: Path) -> None:
    lib = _lib_dir()
    proc = subprocess.run(
        ["java", "-cp", f"{lib}/*", str(GOLDEN / "TransformsGolden.java"), str(DIR),
         str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"TransformsGolden failed:\n{proc.stdout}\n{proc.stderr}"
    case_files = sorted(p.name for p in (DIR / "cases").glob("*.json"))
    assert case_files, "no case files in tests/golden/transforms/cases"
    assert sorted(p.name for p in tmp_path.glob("*.json")) == case_files
    assert sorted(p.name for p in (DIR / "expected").glob("*.json")) == case_files, (
        "tests/golden/transforms/expected does not hold one file per case file "
        "(run tests/golden/regen-transforms.sh)"
    )
    failures = []
    total = 0
    for name in case_files:
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        committed = (DIR / "expected" / name).read_text(encoding="utf-8")
        if fresh != committed:
            diff = "\n".join(difflib.unified_diff(committed.splitlines(), fresh.splitlines(),
                                                  "committed", "java", lineterm="", n=0))
            failures.append(f"{name}:\n{diff[:8000]}")
        cases = json.loads((DIR / "cases" / name).read_text(encoding="utf-8"))
        results = json.loads(fresh)
        assert [c["name"] for c in cases] == [r["name"] for r in results]
        assert len({c["name"] for c in cases}) == len(cases), f"{name}: duplicate case names"
        total += len(cases)
    if failures:
        pytest.fail("expected files differ from what Java produces now "
                    "(run tests/golden/regen-transforms.sh and review):\n" + "\n".join(failures))
    assert total >= len(case_files)

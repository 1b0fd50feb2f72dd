"""Sums every JUnit XML file of a test run and prints the one closing line CI reads:
"connectd: N passed, N failed, N skipped". Exits 1 when anything failed or nothing ran."""
import pathlib
import sys
import xml.etree.ElementTree as ET

results = pathlib.Path(sys.argv[1])
passed = failed = skipped = 0
failures = []
for path in sorted(results.glob("*.xml")):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        failed += 1
        failures.append(f"{path.name}: unreadable results ({exc})")
        continue
    for case in root.iter("testcase"):
        name = f"{path.stem}::{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            failures.append(name)
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            skipped += 1
        else:
            passed += 1
for name in failures:
    print(f"FAILED {name}")
print(f"connectd: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)

"""Writes a one-test JUnit XML file for a check that is not itself a test runner."""
import sys
from xml.sax.saxutils import escape, quoteattr

path, name, status = sys.argv[1:4]
message = sys.argv[4] if len(sys.argv) > 4 else ""
failure = f"<failure message={quoteattr(message)}>{escape(message)}</failure>" if status != "pass" else ""
with open(path, "w", encoding="utf-8") as out:
    out.write(f'<testsuite name="checks" tests="1" failures="{0 if status == "pass" else 1}">'
              f'<testcase classname="checks" name={quoteattr(name)}>{failure}</testcase></testsuite>\n')

"""JUnit XML: one test case per policy x resource evaluated (and phase)."""

import xml.etree.ElementTree as ET

from ..report import NON_COMPLIANT, NOT_APPLICABLE, NOT_VERIFIABLE, UNKNOWN_AT_PREVIEW, WAIVED


def _unanswered(row) -> bool:
    """A live check nobody could answer: a JUnit error (no result), never a skip that reads as fine."""
    return row.status == NOT_APPLICABLE and row.message.startswith(NOT_VERIFIABLE)


def render(report) -> str:
    suites = ET.Element("testsuites", name=f"perimeter {report.command} {report.project}/{report.stack}")
    by_policy = {}
    for row in report.evaluations:
        by_policy.setdefault(row.policy, []).append(row)
    blocking = {(f.policy, f.urn) for f in report.blocking}
    for policy, rows in sorted(by_policy.items()):
        failures = sum(1 for r in rows if r.status == NON_COMPLIANT and (policy, r.urn) in blocking)
        errors = sum(1 for r in rows if _unanswered(r))
        skipped = sum(1 for r in rows if r.status in (WAIVED, NOT_APPLICABLE, UNKNOWN_AT_PREVIEW)) - errors
        suite = ET.SubElement(suites, "testsuite", name=policy, tests=str(len(rows)), failures=str(failures),
                              skipped=str(skipped), errors=str(errors))
        for row in rows:
            case = ET.SubElement(suite, "testcase", classname=policy, name=f"{row.urn} [{row.phase}]")
            if row.status == NON_COMPLIANT:
                tag = "failure" if (policy, row.urn) in blocking else "system-out"
                element = ET.SubElement(case, tag, **({"message": row.message.splitlines()[0]} if tag == "failure" else {}))
                element.text = row.message
            elif _unanswered(row):
                ET.SubElement(case, "error", message=row.message).text = row.message
            elif row.status != "COMPLIANT":
                ET.SubElement(case, "skipped", message=f"{row.status}: {(row.waiver or {}).get('reason') or row.message}")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"

"""Every renderer's output parses, whatever characters the program put in names and messages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perimeter.render import FORMATS, REPLACEMENT, UNPRINTABLE, render
from perimeter.report import COMPLIANT, NON_COMPLIANT, Control, Evaluation, Finding, Report, Resource

EVERY_CONTROL_CHARACTER = "".join(map(chr, [*range(0x00, 0x20), *range(0x7f, 0xa0)])) + "\ud800\ufffe\uffff"


def hostile_report(text: str) -> Report:
    urn = f"urn:pulumi:test::probe::aws:s3/bucket:Bucket::name{text}"
    control = Control(name="s3-public-access-blocked", description=f"description{text}", severity="high",
                      enforcement_level="mandatory", remediation=f"fix{text}")
    return Report(
        command="preview", project=f"probe{text}", stack="test", pack_name="perimeter", pack_version="0.1.0",
        controls=[control], resources=[Resource(urn, "aws:s3/bucket:Bucket", f"name{text}")],
        findings=[Finding(control.name, "mandatory", "high", urn, f"message{text}\nsecond line", "preview"),
                  Finding(control.name, "waived", "high", urn, f"waived{text}", "update",
                          waiver={"reason": f"reason{text}", "approver": "a@example.com", "expires": "2027-01-01"})],
        evaluations=[Evaluation(control.name, urn, "aws:s3/bucket:Bucket", "preview", NON_COMPLIANT, f"message{text}"),
                     Evaluation(control.name, urn + "2", "aws:s3/bucket:Bucket", "update", COMPLIANT)],
        diagnostics=[{"message": f"diagnostic{text}", "urn": urn}],
    )


def parse(format_name: str, output: str):
    if format_name == "junit":
        return ET.fromstring(output.encode("utf-8"))
    if format_name in ("json", "sarif"):
        return json.loads(output)
    output.encode("utf-8")  # text and markdown must at least be writable to a UTF-8 terminal or file
    return output


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_control_character_in_names_still_parses(format_name):
    output = render(hostile_report(EVERY_CONTROL_CHARACTER), format_name)
    parsed = parse(format_name, output)
    assert not UNPRINTABLE.search(output)
    if format_name == "junit":
        failure = parsed.find(".//failure")
        assert failure is not None and failure.get("message").startswith("message")
    if format_name == "sarif":
        assert parsed["runs"][0]["results"][0]["message"]["text"].startswith("message\x00\x01")  # escaped, intact
    if format_name in ("text", "markdown"):
        assert REPLACEMENT in output  # shown as replaced, not silently dropped


@pytest.mark.parametrize("format_name", FORMATS)
@settings(max_examples=25, deadline=None)
@given(text=st.text(max_size=30))
def test_any_text_in_names_still_parses(format_name, text):
    parse(format_name, render(hostile_report(text), format_name))

"""A run without a verdict never renders as a pass, in any format."""

import json
import xml.etree.ElementTree as ET

from perimeter.render import render
from perimeter.report import COMPLIANT, NOT_APPLICABLE, NOT_VERIFIABLE, Evaluation, Report

URN = "arn:aws:kms:eu-west-1:111122223333:key/1"


def blind(no_verdict: str) -> Report:
    return Report(command="verify", project="perimeter", stack="prod", pack_name="perimeter", pack_version="0",
                  controls=[], resources=[], no_verdict=no_verdict, evaluations=[
                      Evaluation("kms-key-rotation-enabled", URN, "aws:kms/key:Key", "live", NOT_APPLICABLE,
                                 f"{NOT_VERIFIABLE}kms:GetKeyRotationStatus: access denied"),
                      Evaluation("cmk-encryption-at-rest", URN, "aws:kms/key:Key", "live", COMPLIANT)])


def test_every_format_says_there_is_no_verdict():
    report = blind("1 mandatory check(s) not verifiable (kms-key-rotation-enabled)")
    assert render(report, "markdown").startswith("### Perimeter verify: ⚠️ no verdict (1 mandatory check(s)")
    assert "No verdict: 1 mandatory check(s) not verifiable" in render(report, "text")
    suites = ET.fromstring(render(report, "junit").encode())
    rotation = suites.find("testsuite[@name='kms-key-rotation-enabled']")
    assert (rotation.get("errors"), rotation.get("skipped")) == ("1", "0")
    assert rotation.find("testcase/error").get("message").startswith("not verifiable: ")
    invocation = json.loads(render(report, "sarif"))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("no verdict: 1 mandatory")


def test_a_run_with_a_verdict_renders_as_before():
    report = blind("")
    assert "no verdict" not in render(report, "markdown") and "No verdict" not in render(report, "text")
    assert json.loads(render(report, "sarif"))["runs"][0]["invocations"] == [{"executionSuccessful": True}]

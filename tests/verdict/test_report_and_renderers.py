"""The verdict: exit codes, the summary's counts and what each renderer prints from one Report.

The report below holds one finding at every level (two mandatory), a deferred
check and a plain not-applicable entry, so a count that takes one level for
another, or a renderer that prints a different figure, changes a literal here.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from perimeter.render import render
from perimeter.report import (
    COMPLIANT,
    EXIT_CLEAN,
    EXIT_NO_VERDICT,
    EXIT_VIOLATIONS,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    UNKNOWN_AT_PREVIEW,
    WAIVED,
    Control,
    Evaluation,
    Finding,
    Report,
    Resource,
)

URN = "urn:pulumi:dev::app::aws:s3/bucket:Bucket::"
WAIVER = {"reason": "Legacy export, deleted in Q1 (SEC-12)", "approver": "ciso@example.com", "expires": "2027-01-31"}
CONTROLS = [
    Control("enc", "Buckets are encrypted", "high", "mandatory", ("3.5.1",), ("CC6.1",), "Add SSE-KMS", "https://x/enc",
            ("aws:s3/bucket:Bucket",)),
    Control("pab", "Buckets block public access", "critical", "mandatory", ("1.4.2",), ("CC6.6",)),
    Control("logs", "Logs expire", "low", "advisory"),
]


def finding(policy, level, name, phase="preview", waiver=None, severity="high"):
    return Finding(policy, level, severity, URN + name, f"{policy} on {name}\nsecond line", phase,
                   ("PCI DSS 4.0.1 3.5.1",), waiver)


def report(findings, *, not_applicable=(), evaluations=(), no_verdict=""):
    return Report(command="preview", project="app", stack="dev", pack_name="perimeter", pack_version="1.2.3",
                  controls=CONTROLS, resources=[Resource(URN + n, "aws:s3/bucket:Bucket", n) for n in ("a", "b", "c")],
                  findings=list(findings), not_applicable=list(not_applicable), evaluations=list(evaluations),
                  no_verdict=no_verdict)


MIXED = [finding("enc", "mandatory", "a"), finding("pab", "mandatory", "b"), finding("enc", "remediate", "c"),
         finding("logs", "advisory", "a"), finding("logs", "advisory", "b"), finding("pab", "waived", "c", waiver=WAIVER)]
DEFERRED = [{"policy": "enc", "urn": URN + "c", "reason": "unknown at preview: kmsMasterKeyId is unknown", "phase": "preview"},
            {"policy": "enc", "urn": URN + "a", "reason": "out of scope: not a bucket", "phase": "preview"}]


@pytest.mark.parametrize("levels, expected_exit", [
    ((), EXIT_CLEAN), (("advisory", "waived"), EXIT_CLEAN), (("mandatory",), EXIT_VIOLATIONS),
    (("remediate",), EXIT_VIOLATIONS), (("advisory", "mandatory", "waived"), EXIT_VIOLATIONS),
])
def test_exit_code_is_1_exactly_when_a_finding_blocks(levels, expected_exit):
    assert (EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_NO_VERDICT) == (0, 1, 2)
    assert report([finding("enc", level, f"r{i}") for i, level in enumerate(levels)]).exit_code == expected_exit


@pytest.mark.parametrize("findings", [[], MIXED])
def test_no_verdict_is_exit_2_whatever_was_found(findings):
    assert report(findings, no_verdict="AWS unreachable").exit_code == EXIT_NO_VERDICT


def test_summary_counts_each_level_once():
    mixed = report(MIXED)
    assert mixed.summary() == {"resources": 3, "mandatory": 3, "advisory": 2, "waived": 1}
    assert [f.urn[-1] for f in mixed.blocking] == ["a", "b", "c"]
    assert (mixed.count("mandatory"), mixed.count("remediate"), mixed.count("advisory"), mixed.count("waived")) == (2, 1, 2, 1)


def test_control_lookup_and_scope():
    mixed = report(MIXED)
    assert mixed.control("pab") is CONTROLS[1] and mixed.control("nope") is None
    assert CONTROLS[0].evaluates("aws:s3/bucket:Bucket") and not CONTROLS[0].evaluates("aws:s3/bucketV2:BucketV2")
    assert CONTROLS[2].evaluates("aws:anything/at:All"), "a control that declares no scope evaluates everything"
    prefixed = Control("regions", "Approved regions", "critical", "mandatory", resource_type_prefixes=("aws:",))
    assert prefixed.evaluates("aws:kms/key:Key") and not prefixed.evaluates("random:index/id:Id")


def test_json_carries_the_findings_and_the_summary():
    data = json.loads(render(report(MIXED, not_applicable=DEFERRED), "json"))
    assert data["summary"] == {"resources": 3, "mandatory": 3, "advisory": 2, "waived": 1}
    assert [v["enforcementLevel"] for v in data["violations"]] == ["mandatory", "mandatory", "remediate", "advisory",
                                                                    "advisory", "waived"]
    assert data["violations"][5]["waiver"] == WAIVER and "waiver" not in data["violations"][0]
    assert data["violations"][0] == {"policy": "enc", "enforcementLevel": "mandatory", "severity": "high",
                                     "urn": URN + "a", "message": "enc on a\nsecond line", "phase": "preview",
                                     "frameworks": ["PCI DSS 4.0.1 3.5.1"]}
    assert data["policyPack"] == {"name": "perimeter", "version": "1.2.3"} and data["notApplicable"] == DEFERRED
    assert data["resources"][0] == {"urn": URN + "a", "type": "aws:s3/bucket:Bucket", "name": "a"}


def test_json_extra_fields_are_merged_at_the_top():
    verified = report([])
    verified.extra = {"accountId": "123456789012"}
    assert json.loads(render(verified, "json"))["accountId"] == "123456789012"


def test_text_summary_line_counts_levels_and_deferred_checks():
    text = render(report(MIXED, not_applicable=DEFERRED), "text")
    assert text.splitlines()[-1] == "Resources: 3   mandatory: 3   advisory: 2   waived: 1   deferred to update: 1"
    marks = re.findall(r"^        - \[(\w+)\]  (\S+)  \((\S+), (\w+)\)$", text, re.M)
    assert [(level, policy, urn[-1]) for level, policy, urn, _ in marks] == [
        ("mandatory", "enc", "a"), ("mandatory", "pab", "b"), ("remediate", "enc", "c"), ("advisory", "logs", "a"),
        ("advisory", "logs", "b"), ("waived", "pab", "c")]
    assert "          waived: Legacy export, deleted in Q1 (SEC-12) (approved by ciso@example.com, expires 2027-01-31)" in text
    assert "          second line" in text
    assert text.startswith("Policies (preview of app/dev):\n    perimeter@v1.2.3 (3 policies)\n")


def test_text_without_findings_says_so():
    text = render(report([]), "text")
    assert "    perimeter@v1.2.3 (3 policies): no violations" in text
    assert text.splitlines()[-1] == "Resources: 3   mandatory: 0   advisory: 0   waived: 0   deferred to update: 0"


def test_text_lists_diagnostics_with_their_resource_or_the_stack():
    diagnosed = report([])
    diagnosed.diagnostics = [{"message": "can't run policy x", "urn": URN + "a"}, {"message": "waiver #1 expired"}]
    text = render(diagnosed, "text")
    assert f"    warning: can't run policy x ({URN}a)" in text and "    warning: waiver #1 expired (stack)" in text


@pytest.mark.parametrize("findings, verdict, counts", [
    (MIXED, "❌ blocked", "3 resources · 3 mandatory · 2 advisory · 1 waived"),
    (MIXED[3:], "✅ passed", "3 resources · 0 mandatory · 2 advisory · 1 waived"),
])
def test_markdown_leads_with_the_verdict_and_the_counts(findings, verdict, counts):
    markdown = render(report(findings), "markdown")
    lines = markdown.splitlines()
    assert lines[0] == f"### Perimeter preview: {verdict}"
    assert lines[2] == f"`app/dev` · pack `perimeter@1.2.3` · {counts}"
    rows = [line.split(" | ")[0] for line in lines if line.startswith("| ") and "`" in line]
    assert rows == ["| mandatory"] * sum(f.enforcement_level == "mandatory" for f in findings) + [
        f"| {f.enforcement_level}" for f in sorted(findings, key=lambda f: f.policy) if f.enforcement_level != "mandatory"]


def test_markdown_escapes_cells_and_lists_diagnostics():
    piped = report([Finding("enc", "mandatory", "high", URN + "a|b", "bad | worse\nnext", "preview")])
    piped.diagnostics = [{"message": "can't run | now"}]
    markdown = render(piped, "markdown")
    assert "| mandatory | `enc` | `a\\|b` | bad \\| worse<br>next |  |" in markdown
    assert "<details><summary>Diagnostics</summary>" in markdown and "- can't run \\| now" in markdown


def test_markdown_without_findings_has_no_table():
    assert "| level |" not in render(report([]), "markdown")


ROWS = [Evaluation("enc", URN + "a", "aws:s3/bucket:Bucket", "preview", NON_COMPLIANT, "enc on a\nmore"),
        Evaluation("enc", URN + "b", "aws:s3/bucket:Bucket", "preview", COMPLIANT),
        Evaluation("enc", URN + "c", "aws:s3/bucket:Bucket", "preview", UNKNOWN_AT_PREVIEW, "kms unknown"),
        Evaluation("logs", URN + "a", "aws:s3/bucket:Bucket", "preview", NON_COMPLIANT, "logs on a"),
        Evaluation("logs", URN + "b", "aws:s3/bucket:Bucket", "update", NOT_APPLICABLE, "not a log bucket"),
        Evaluation("pab", URN + "c", "aws:s3/bucket:Bucket", "preview", WAIVED, "pab on c", WAIVER)]


def test_junit_fails_only_blocking_rows_and_skips_the_undecided():
    suites = ET.fromstring(render(report(MIXED, evaluations=ROWS), "junit").split("?>", 1)[1])
    assert suites.tag == "testsuites" and suites.get("name") == "perimeter preview app/dev"
    counts = {s.get("name"): (s.get("tests"), s.get("failures"), s.get("skipped"), s.get("errors")) for s in suites}
    assert counts == {"enc": ("3", "1", "1", "0"), "logs": ("2", "0", "1", "0"), "pab": ("1", "0", "1", "0")}
    enc = {c.get("name"): c for c in suites.find("testsuite[@name='enc']")}
    failure = enc[f"{URN}a [preview]"].find("failure")
    assert failure.get("message") == "enc on a" and failure.text == "enc on a\nmore"
    assert list(enc[f"{URN}b [preview]"]) == []
    assert enc[f"{URN}c [preview]"].find("skipped").get("message") == "UNKNOWN_AT_PREVIEW: kms unknown"
    advisory = suites.find("testsuite[@name='logs']/testcase")
    assert advisory.find("failure") is None and advisory.find("system-out").text == "logs on a"
    assert advisory.find("system-out").attrib == {}
    waived = suites.find("testsuite[@name='pab']/testcase/skipped")
    assert waived.get("message") == "WAIVED: Legacy export, deleted in Q1 (SEC-12)"


def test_sarif_levels_suppressions_and_rule_metadata():
    sarif = json.loads(render(report(MIXED), "sarif"))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["enc", "pab", "logs"]
    assert [r["properties"]["security-severity"] for r in rules] == ["8.0", "9.5", "3.0"]
    assert rules[0]["helpUri"] == "https://x/enc" and "helpUri" not in rules[1]
    assert rules[0]["help"]["text"] == "Add SSE-KMS" and rules[1]["help"]["text"] == "Buckets block public access"
    assert [(r["ruleId"], r["level"], r["ruleIndex"]) for r in run["results"]] == [
        ("enc", "error", 0), ("pab", "error", 1), ("enc", "error", 0), ("logs", "warning", 2), ("logs", "warning", 2),
        ("pab", "note", 1)]
    assert "suppressions" not in run["results"][0]
    assert run["results"][5]["suppressions"] == [{"kind": "external", "status": "accepted", "justification":
        "Legacy export, deleted in Q1 (SEC-12) (approver ciso@example.com, expires 2027-01-31)"}]
    assert run["results"][0]["partialFingerprints"] == {"perimeterFinding/v1": f"enc|{URN}a"}
    assert run["properties"] == {"project": "app", "stack": "dev", "command": "preview"}


def small_report(**changes):
    small = report([finding("logs", "advisory", "b"), finding("pab", "waived", "c", waiver=WAIVER),
                    finding("enc", "mandatory", "a")], not_applicable=DEFERRED)
    small.diagnostics = [{"message": "can't run policy logs", "urn": URN + "b"}]
    for name, value in changes.items():
        setattr(small, name, value)
    return small


def test_text_output_in_full():
    assert render(small_report(), "text") == (
        "Policies (preview of app/dev):\n"
        "    perimeter@v1.2.3 (3 policies)\n"
        f"        - [mandatory]  enc  ({URN}a, preview)\n          enc on a\n          second line\n"
        f"        - [advisory]  logs  ({URN}b, preview)\n          logs on b\n          second line\n"
        f"        - [waived]  pab  ({URN}c, preview)\n          pab on c\n          second line\n"
        "          waived: Legacy export, deleted in Q1 (SEC-12) (approved by ciso@example.com, expires 2027-01-31)\n"
        f"    warning: can't run policy logs ({URN}b)\n"
        "\n"
        "Resources: 3   mandatory: 1   advisory: 1   waived: 1   deferred to update: 1\n")


def test_text_counts_controls_for_a_live_check():
    assert "    perimeter@v1.2.3 (3 controls): no violations\n" in render(small_report(command="verify", findings=[]), "text")


def test_markdown_output_in_full():
    assert render(small_report(), "markdown") == (
        "### Perimeter preview: ❌ blocked\n\n"
        "`app/dev` · pack `perimeter@1.2.3` · 3 resources · 1 mandatory · 1 advisory · 1 waived\n\n"
        "| level | policy | resource | message | frameworks |\n|---|---|---|---|---|\n"
        "| mandatory | `enc` | `a` | enc on a<br>second line | PCI DSS 4.0.1 3.5.1 |\n"
        "| advisory | `logs` | `b` | logs on b<br>second line | PCI DSS 4.0.1 3.5.1 |\n"
        "| waived | `pab` | `c` | pab on c<br>second line | PCI DSS 4.0.1 3.5.1 |\n\n"
        "<details><summary>Diagnostics</summary>\n\n- can't run policy logs\n\n</details>\n")


def test_markdown_no_verdict_outranks_the_findings():
    assert render(small_report(no_verdict="AWS unreachable"), "markdown").startswith(
        "### Perimeter preview: ⚠️ no verdict (AWS unreachable)\n")


def test_json_is_one_indented_object_in_contract_order():
    text = render(small_report(), "json")
    assert text.startswith('{\n  "project": "app",\n  "stack": "dev",\n  "policyPack": {\n    "name": "perimeter",')
    assert text.endswith("}\n") and text.count("\n}\n") == 1
    data = json.loads(text)
    assert list(data) == ["project", "stack", "policyPack", "resources", "violations", "notApplicable", "diagnostics",
                          "summary"]
    assert data["diagnostics"] == [{"message": "can't run policy logs", "urn": URN + "b"}]


def test_junit_unanswered_live_checks_are_errors_not_skips():
    rows = [Evaluation("enc", URN + "a", "aws:s3/bucket:Bucket", "live", NOT_APPLICABLE, "not verifiable: AccessDenied"),
            Evaluation("enc", URN + "b", "aws:s3/bucket:Bucket", "live", NOT_APPLICABLE, "no bucket policy"),
            Evaluation("pab", URN + "b", "aws:s3/bucket:Bucket", "update", COMPLIANT)]
    suites = ET.fromstring(render(report(MIXED, evaluations=rows), "junit").split("?>", 1)[1])
    counts = {s.get("name"): (s.get("tests"), s.get("failures"), s.get("skipped"), s.get("errors")) for s in suites}
    assert counts == {"enc": ("2", "0", "1", "1"), "pab": ("1", "0", "0", "0")}
    error = suites.find("testsuite[@name='enc']/testcase/error")
    assert error.get("message") == error.text == "not verifiable: AccessDenied"
    assert {c.get("classname") for c in suites.iter("testcase")} == {"enc", "pab"}


def _sarif_rule(rule_id, text, help_text, tags, severity, help_uri=None):
    rule = {"id": rule_id, "name": rule_id, "shortDescription": {"text": text}, "fullDescription": {"text": text},
            "help": {"text": help_text}, "helpUri": help_uri,
            "properties": {"tags": ["security", *tags], "security-severity": severity}}
    return {k: v for k, v in rule.items() if v is not None}


def _sarif_result(policy, level, name, index=None, suppressions=None):
    result = {"ruleId": policy, "level": level, "message": {"text": f"{policy} on {name}\nsecond line"},
              "locations": [{"logicalLocations": [{"fullyQualifiedName": URN + name, "kind": "resource"}],
                             "physicalLocation": {"artifactLocation": {"uri": "Pulumi.yaml"}, "region": {"startLine": 1}}}],
              "partialFingerprints": {"perimeterFinding/v1": f"{policy}|{URN}{name}"},
              "properties": {"phase": "preview", "frameworks": ["PCI DSS 4.0.1 3.5.1"]}, "ruleIndex": index,
              "suppressions": suppressions}
    return {k: v for k, v in result.items() if v is not None}


def test_sarif_document_in_full():
    findings = [finding("enc", "mandatory", "a"), finding("pab", "waived", "c", waiver=WAIVER),
                finding("gone", "advisory", "b")]
    assert json.loads(render(report(findings), "sarif")) == {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "perimeter", "informationUri": "https://github.com/perimeter-dev/perimeter",
                                "version": "1.2.3", "rules": [
                _sarif_rule("enc", "Buckets are encrypted", "Add SSE-KMS", ["PCI DSS 4.0.1 3.5.1", "SOC 2 CC6.1"], "8.0",
                            "https://x/enc"),
                _sarif_rule("pab", "Buckets block public access", "Buckets block public access",
                            ["PCI DSS 4.0.1 1.4.2", "SOC 2 CC6.6"], "9.5"),
                _sarif_rule("logs", "Logs expire", "Logs expire", [], "3.0")]}},
            "results": [
                _sarif_result("enc", "error", "a", 0),
                _sarif_result("pab", "note", "c", 1, [{"kind": "external", "status": "accepted", "justification":
                    "Legacy export, deleted in Q1 (SEC-12) (approver ciso@example.com, expires 2027-01-31)"}]),
                _sarif_result("gone", "warning", "b")],
            "invocations": [{"executionSuccessful": True}],
            "properties": {"project": "app", "stack": "dev", "command": "preview"}}]}


def test_sarif_unknown_severity_and_no_verdict():
    unrated = report([], no_verdict="AWS unreachable")
    unrated.controls = [Control("odd", "Odd", "", "mandatory"), Control("new", "New", "extreme", "mandatory")]
    run = json.loads(render(unrated, "sarif"))["runs"][0]
    assert [r["properties"]["security-severity"] for r in run["tool"]["driver"]["rules"]] == ["5.0", "5.0"]
    assert run["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": "no verdict: AWS unreachable"}}]}]


def test_text_prints_an_unlisted_level_as_is_and_the_no_verdict_line():
    odd = report([finding("enc", "informational", "a")], no_verdict="AWS unreachable")
    text = render(odd, "text")
    assert f"        - [informational]  enc  ({URN}a, preview)" in text
    assert "No verdict: AWS unreachable" in text.splitlines()


def test_markdown_lists_every_framework_of_a_finding():
    two = Finding("enc", "mandatory", "high", URN + "a", "m", "preview", ("PCI DSS 4.0.1 3.5.1", "SOC 2 CC6.1"))
    assert "| mandatory | `enc` | `a` | m | PCI DSS 4.0.1 3.5.1, SOC 2 CC6.1 |" in render(report([two]), "markdown")


def test_sarif_is_indented_json_and_an_unlisted_level_is_a_warning():
    text = render(report([finding("enc", "informational", "a")]), "sarif")
    assert text.startswith('{\n  "$schema": ') and text.endswith("}\n")
    assert json.loads(text)["runs"][0]["results"][0]["level"] == "warning"

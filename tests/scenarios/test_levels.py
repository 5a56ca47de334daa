"""Per-policy enforcement levels in policy config, end to end through the real CLI.

One program (l01) has a finding for four waivable policies, one of them
deferred at preview and decided at update. Each policy config sets levels per
policy (and `all`), and the test states, in its own literals, which finding
must come out at which level and what the exit code is. The summary's counts
are then checked against a count of the findings themselves, in every format
that prints them.

The pack judges waiver expiry on SOURCE_DATE_EPOCH (its evaluation clock), so
the run is pinned to FROZEN_NOW and the waiver's expiry is built relative to it.
"""

import datetime as dt
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from perimeter_policies.pack import load_rules

from .cli import PERIMETER, ROOT, make_project

FROZEN_NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
PROGRAM = "l01_findings_for_every_level.py"

ENCRYPTION = ("s3-bucket-encryption-configured", "naked", "preview")
ACCESS_BLOCK = ("s3-bucket-public-access-block-present", "naked", "preview")
ROTATION = ("kms-key-rotation-enabled", "unrotated", "preview")
PINNED = ("bedrock-guardrail-version-pinned", "helper", "update")
DEFERRED = ("bedrock-guardrail-version-pinned", "helper", "preview")

ROTATION_WAIVER = {"resource": "urn:pulumi:test::scenario::aws:kms/key:Key::unrotated",
                   "reason": "HSM-backed key, rotated by hand every quarter (SEC-88)",
                   "approver": "ciso@example.com",
                   "expires": (FROZEN_NOW.date() + dt.timedelta(days=90)).isoformat()}

# Critical policies may not be set below mandatory (a config error), so "all" lowers
# everything else and names them mandatory.
CRITICAL_MANDATORY = {rule.name: "mandatory" for rule in load_rules() if not rule.waivable}
ALL_ADVISORY = {"all": "advisory", **CRITICAL_MANDATORY}

# case -> (policy config, exit code, {finding of the four policies above: level})
CASES = {
    "all-advisory-one-mandatory": ({**ALL_ADVISORY, "kms-key-rotation-enabled": "mandatory"}, 1, {
        ENCRYPTION: "advisory", ACCESS_BLOCK: "advisory", ROTATION: "mandatory", PINNED: "advisory"}),
    "all-advisory-two-mandatory-as-objects": (
        {**ALL_ADVISORY, "bedrock-guardrail-version-pinned": {"enforcementLevel": "mandatory"},
         "s3-bucket-public-access-block-present": {"enforcementLevel": "mandatory"}}, 1, {
            ENCRYPTION: "advisory", ACCESS_BLOCK: "mandatory", ROTATION: "advisory", PINNED: "mandatory"}),
    "defaults-with-per-policy-advisory": ({"kms-key-rotation-enabled": "advisory",
                                           "s3-bucket-encryption-configured": {"enforcementLevel": "advisory"}}, 1, {
        ENCRYPTION: "advisory", ACCESS_BLOCK: "mandatory", ROTATION: "advisory", PINNED: "mandatory"}),
    "every-finding-advisory-passes": (ALL_ADVISORY, 0, {
        ENCRYPTION: "advisory", ACCESS_BLOCK: "advisory", ROTATION: "advisory", PINNED: "advisory"}),
    "disabled": ({**ALL_ADVISORY, "s3-bucket-encryption-configured": "disabled",
                  "s3-bucket-public-access-block-present": {"enforcementLevel": "disabled"},
                  "kms-key-rotation-enabled": "disabled", "bedrock-guardrail-version-pinned": "mandatory"}, 1,
                 {PINNED: "mandatory"}),
    "waiver-on-the-only-mandatory-policy-passes": (
        {**ALL_ADVISORY, "kms-key-rotation-enabled": {"enforcementLevel": "mandatory", "waivers": [ROTATION_WAIVER]}},
        0, {ENCRYPTION: "advisory", ACCESS_BLOCK: "advisory", ROTATION: "waived", PINNED: "advisory"}),
    # Every count non-zero, and a policy with no finding here disabled.
    "mixed": ({**ALL_ADVISORY, "s3-bucket-encryption-configured": "mandatory",
               "kms-key-rotation-enabled": {"waivers": [ROTATION_WAIVER]}, "cmk-encryption-at-rest": "disabled"}, 1, {
        ENCRYPTION: "mandatory", ACCESS_BLOCK: "advisory", ROTATION: "waived", PINNED: "advisory"}),
}
POLICIES = {ENCRYPTION[0], ACCESS_BLOCK[0], ROTATION[0], PINNED[0]}


def _perimeter(*args, config=None, tmp_path=None):
    command = [PERIMETER, *args]
    if config is not None:
        path = tmp_path / "policy-config.json"
        path.write_text(json.dumps(config))
        command += ["--policy-config", str(path)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(FROZEN_NOW.timestamp()))}
    return subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(str(tmp_path_factory.mktemp("levels")), PROGRAM)


@pytest.fixture(scope="module")
def json_reports(project, tmp_path_factory):
    """case -> (exit code, JSON report), each preview run once per module."""
    cache = {}

    def report(case):
        if case not in cache:
            code, text = _preview(project, tmp_path_factory.mktemp(case), CASES[case][0], "json")
            cache[case] = code, json.loads(text)
        return cache[case]
    return report


def _preview(project, tmp_path, config, output_format):
    out = tmp_path / f"report.{output_format}"
    result = _perimeter("preview", "--cwd", project, "--stack", "test", "--format", output_format,
                        "--output", str(out), config=config, tmp_path=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, out.read_text()


def _counted(findings, not_applicable):
    """The summary's figures, counted from the findings themselves."""
    levels = [f["enforcementLevel"] for f in findings]
    return {"mandatory": levels.count("mandatory") + levels.count("remediate"), "advisory": levels.count("advisory"),
            "waived": levels.count("waived"),
            "deferred": sum(1 for n in not_applicable if n["reason"].startswith("unknown at "))}


@pytest.mark.parametrize("case", sorted(CASES))
def test_levels_from_policy_config_decide_each_finding_and_the_exit_code(case, json_reports):
    _, expected_exit, expected = CASES[case]
    code, report = json_reports(case)
    ours = [v for v in report["violations"] if v["policy"] in POLICIES]
    found = {(v["policy"], v["urn"].split("::")[-1], v["phase"]): v["enforcementLevel"] for v in ours}
    assert found == expected
    assert len(ours) == len(expected), "a finding was reported twice"
    assert code == expected_exit
    assert report["diagnostics"] == []
    counted = _counted(report["violations"], report["notApplicable"])
    deferred = {(n["policy"], n["urn"].split("::")[-1], n["phase"]) for n in report["notApplicable"]
                if n["reason"].startswith("unknown at ") and n["policy"] in POLICIES}
    assert deferred == ({DEFERRED} if PINNED in expected else set())
    assert report["summary"] == {"resources": len(report["resources"]), "mandatory": counted["mandatory"],
                                 "advisory": counted["advisory"], "waived": counted["waived"]}


TEXT_SUMMARY = re.compile(r"^Resources: (\d+)   mandatory: (\d+)   advisory: (\d+)   waived: (\d+)   "
                          r"deferred to update: (\d+)$", re.M)
MARKDOWN_SUMMARY = re.compile(r"(\d+) resources · (\d+) mandatory · (\d+) advisory · (\d+) waived")


def test_every_format_prints_the_counts_of_the_findings(project, json_reports, tmp_path):
    config, expected_exit, _ = CASES["mixed"]
    _, report = json_reports("mixed")
    counted = _counted(report["violations"], report["notApplicable"])
    resources = len(report["resources"])

    code, text = _preview(project, tmp_path, config, "text")
    assert code == expected_exit
    assert [tuple(map(int, m)) for m in TEXT_SUMMARY.findall(text)] == [
        (resources, counted["mandatory"], counted["advisory"], counted["waived"], counted["deferred"])]
    levels_listed = re.findall(r"^        - \[(\w+)\]", text, re.M)
    assert sorted(levels_listed) == sorted(v["enforcementLevel"] for v in report["violations"])

    code, markdown = _preview(project, tmp_path, config, "markdown")
    assert code == expected_exit
    assert markdown.startswith("### Perimeter preview: " + ("❌ blocked" if expected_exit else "✅ passed"))
    assert [tuple(map(int, m)) for m in MARKDOWN_SUMMARY.findall(markdown)] == [
        (resources, counted["mandatory"], counted["advisory"], counted["waived"])]

    code, junit = _preview(project, tmp_path, config, "junit")
    assert code == expected_exit
    suites = ET.fromstring(junit.split("?>", 1)[1])
    failures = {(s.get("name"), c.get("name")) for s in suites for c in s.findall("testcase")
                if c.find("failure") is not None}
    blocking = {(v["policy"], f"{v['urn']} [{v['phase']}]") for v in report["violations"]
                if v["enforcementLevel"] in ("mandatory", "remediate")}
    assert {(p, name.split(" [")[0]) for p, name in failures} == {(p, name.split(" [")[0]) for p, name in blocking}
    assert sum(int(s.get("failures")) for s in suites) == len(failures)
    assert sum(int(s.get("skipped")) for s in suites if s.get("name") == ROTATION[0]) == 2  # waived, both phases
    suite_names = {s.get("name") for s in suites}
    assert "s3-bucket-encryption-configured" in suite_names and "cmk-encryption-at-rest" not in suite_names


@pytest.mark.parametrize("config, policy", [
    ({"approved-regions": "advisory"}, "approved-regions"),
    ({"resource-policy-not-public": {"enforcementLevel": "disabled"}}, "resource-policy-not-public"),
    ({"all": "advisory"}, "approved-regions"),
], ids=["advisory", "disabled-as-object", "through-all"])
def test_unwaivable_policy_cannot_be_lowered(config, policy, project, tmp_path):
    result = _perimeter("preview", "--cwd", project, "--stack", "test", config=config, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"critical policy '{policy}'" in result.stderr

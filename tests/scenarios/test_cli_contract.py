"""The `perimeter preview` contract: exit codes, one-line errors, output formats."""

import json
import os
import xml.etree.ElementTree as ET

import pytest
from perimeter_policies.inventory import pack_version

from .cli import make_project, preview_json, run_cli

SCENARIO = "s01_bucket_without_encryption_or_public_access_block.py"
# What blocks s01's bare bucket (both phases); it also draws advisory findings, which never block.
BLOCKING = {"s3-bucket-encryption-configured", "s3-bucket-public-access-block-present", "s3-bucket-versioning-enabled",
            "backup-plan-covers-data-stores", "log-retention-bounded", "service-logging-attached"}


@pytest.fixture(scope="module")
def failing_project(tmp_path_factory):
    return make_project(str(tmp_path_factory.mktemp("failing")), SCENARIO)


def _no_harness_traceback(stderr):
    return "perimeter/" not in stderr and "site-packages" not in stderr


def test_json_is_exactly_one_object_with_the_contract_keys(failing_project):
    code, report = preview_json("--cwd", failing_project, "--stack", "test")
    assert code == 1
    assert set(report) == {"project", "stack", "policyPack", "resources", "violations", "notApplicable",
                           "diagnostics", "summary"}
    assert report["policyPack"] == {"name": "perimeter", "version": pack_version()}
    mandatory = [v for v in report["violations"] if v["enforcementLevel"] == "mandatory"]
    assert {v["policy"] for v in mandatory} == BLOCKING and report["summary"]["mandatory"] == len(BLOCKING)
    assert report["summary"]["resources"] == len(report["resources"])
    violation = next(v for v in report["violations"] if v["policy"] == "s3-bucket-encryption-configured")
    assert set(violation) >= {"policy", "enforcementLevel", "severity", "urn", "message", "phase", "frameworks"}
    assert any(f.startswith("PCI DSS 4.0.1 ") for f in violation["frameworks"])
    assert any(f.startswith("SOC 2 CC") for f in violation["frameworks"])
    assert violation["urn"] == "urn:pulumi:test::scenario::aws:s3/bucket:Bucket::naked"


def test_single_phase_runs_only_that_phase(failing_project):
    _, report = preview_json("--cwd", failing_project, "--stack", "test", "--phase", "update")
    assert {v["phase"] for v in report["violations"]} == {"update"}


def test_sarif_has_rules_results_and_levels(failing_project, tmp_path):
    out = tmp_path / "report.sarif"
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--format", "sarif", "--output", str(out))
    assert result.returncode == 1 and result.stdout == ""
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {r["ruleId"] for r in run["results"]} <= set(rule_ids)
    assert {r["ruleId"] for r in run["results"] if r["level"] == "error"} == BLOCKING
    assert {r["level"] for r in run["results"]} <= {"error", "warning"}
    for r in run["results"]:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:")


def test_junit_has_one_case_per_policy_resource_and_phase(failing_project):
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--format", "junit")
    suites = ET.fromstring(result.stdout.split("?>", 1)[1])
    cases = suites.findall(".//testcase")
    names = {(c.get("classname"), c.get("name")) for c in cases}
    assert len(names) == len(cases), "duplicate test cases"
    failures = [c for c in cases if c.find("failure") is not None]
    assert {c.get("classname") for c in failures} == BLOCKING
    assert len(failures) == 2 * len(BLOCKING)  # each blocking policy in both phases
    assert any(c.get("classname") == "approved-regions" for c in cases)


def test_markdown_leads_with_the_verdict(failing_project):
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--format", "markdown")
    assert result.stdout.startswith("### Perimeter preview: ❌ blocked")
    assert "| mandatory | `s3-bucket-encryption-configured` |" in result.stdout


def test_text_reads_like_pulumi_policy_output(failing_project):
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test")
    assert result.returncode == 1
    assert f"perimeter@v{pack_version()}" in result.stdout
    assert "[mandatory]  s3-bucket-encryption-configured" in result.stdout


def test_missing_stack_file_is_one_line_exit_2(failing_project):
    result = run_cli("preview", "--cwd", failing_project, "--stack", "nope")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Pulumi.nope.yaml not found; stacks here: test" in result.stderr


def test_program_exception_shows_the_programs_traceback_only(tmp_path):
    project = make_project(str(tmp_path), SCENARIO)
    with open(os.path.join(project, "app", "__main__.py"), "a") as handle:
        handle.write("\nraise ValueError('bucket name is required')\n")
    result = run_cli("preview", "--cwd", project, "--stack", "test")
    assert result.returncode == 2
    first, *rest = result.stderr.splitlines()
    assert first == "perimeter: the Pulumi program failed during preview: ValueError: bucket name is required"
    assert any("app/__main__.py" in line for line in rest)
    assert _no_harness_traceback(result.stderr)


def test_pack_that_fails_to_boot_is_exit_2(tmp_path, failing_project):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text("import no_such_module\n")
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--policy-pack", str(pack))
    assert result.returncode == 2
    assert "failed to boot" in result.stderr and "no_such_module" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("config, message", [
    ({"approved-regions": {"approvedRegions": "eu-west-1"}}, "policy config 'approved-regions': property 'approvedRegions' is invalid"),
    ({"approved-region": {}}, "unknown policy 'approved-region'; did you mean 'approved-regions'?"),
    ({"all": "strict"}, "enforcement level 'strict' is not one of"),
    ({"kms-key-rotation-enabled": {"rotationDays": 90}}, "policy config 'kms-key-rotation-enabled': property 'rotationDays' is invalid"),
])
def test_invalid_policy_config_names_policy_and_property(config, message, tmp_path, failing_project):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--policy-config", str(path))
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_bad_flag_is_usage_error_exit_2():
    result = run_cli("preview", "--format", "yaml")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_secure_config_value_becomes_a_placeholder_not_a_crash(tmp_path):
    project = make_project(str(tmp_path), SCENARIO, {"aws:region": "eu-west-1", "scenario:dbPassword": {"secure": "v1:abc"}})
    with open(os.path.join(project, "app", "__main__.py"), "a") as handle:
        handle.write("\nimport pulumi\nassert pulumi.Config().require_secret('dbPassword') is not None\n")
    code, report = preview_json("--cwd", project, "--stack", "test")
    assert code == 1 and report["summary"]["mandatory"] == len(BLOCKING)


def test_policy_config_enforcement_level_downgrades_to_advisory(tmp_path, failing_project):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({policy: "advisory" for policy in BLOCKING}))
    code, report = preview_json("--cwd", failing_project, "--stack", "test", "--policy-config", str(path))
    assert code == 0 and report["summary"]["mandatory"] == 0
    assert report["summary"]["advisory"] == len(report["violations"]) >= len(BLOCKING)


def test_waivers_that_cannot_apply_are_diagnosed_up_front(tmp_path, failing_project):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({
        "s3-bucket-encryption-configured": {"waivers": [
            {"resource": "urn:pulumi:test::scenario::*::naked", "reason": "Legacy export bucket, decommissioned in Q1",
             "approver": "ciso@example.com", "expires": "2020-01-31"}]},
        "approved-regions": {"waivers": [{"resource": "*", "reason": "Temporary us-east-1 certificate provider",
                                          "approver": "ciso@example.com", "expires": "2099-01-01"}]},
    }))
    code, report = preview_json("--cwd", failing_project, "--stack", "test", "--policy-config", str(path))
    assert code == 1  # diagnostics never change the verdict
    messages = sorted(d["message"] for d in report["diagnostics"])
    assert messages == [
        "waiver #1 for approved-regions on * does not apply: policy approved-regions is critical and cannot be waived",
        "waiver #1 for s3-bucket-encryption-configured on urn:pulumi:test::scenario::*::naked does not apply: "
        "expired on 2020-01-31",
    ]
    expired = [v for v in report["violations"] if v["policy"] == "s3-bucket-encryption-configured"]
    assert expired and all("not applied: expired on 2020-01-31" in v["message"] for v in expired)


@pytest.mark.parametrize("waiver, problem", [
    ({"resource": "urn:pulumi:test::scenario::*::other", "reason": "too short"}, "`reason` must be at least 20 characters"),
    ({"resource": "*"}, "`resource` '*' must be a URN or URN glob that names the stack"),
    ({"approver": "x"}, "`approver` 'x' must be an email address or an IAM principal ARN"),
    ({"expires": "9999-12-31"}, "`expires` 9999-12-31 is more than 365 days after"),
    ({"approvedBy": "ciso@example.com"}, "unknown field(s) approvedBy"),
])
def test_malformed_waiver_is_a_one_line_config_error(tmp_path, failing_project, waiver, problem):
    valid = {"resource": "urn:pulumi:test::scenario::*::other", "reason": "Legacy export bucket, decommissioned in Q1",
             "approver": "ciso@example.com", "expires": "2020-01-31"}
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"s3-bucket-encryption-configured": {"waivers": [{**valid, **waiver}]}}))
    result = run_cli("preview", "--cwd", failing_project, "--stack", "test", "--policy-config", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and problem in result.stderr
    assert result.stderr.startswith(f"perimeter: --policy-config {path}: waiver #1 for s3-bucket-encryption-configured")

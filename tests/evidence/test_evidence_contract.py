"""`perimeter evidence` through the real CLI on a small governed program."""

import csv
import hashlib
import json
import os

import pytest
from perimeter_policies.inventory import pack_version

from tests.scenarios.cli import make_project, run_cli

INVENTORY = {
    "modelId": "anthropic.claude-3-5-sonnet-20240620-v1:0", "modelVersion": "20240620", "region": "eu-west-1",
    "inferenceGeography": None, "purpose": "Support assistant over the help centre", "owner": "payments-platform@example.com",
    "dataTouched": ["help-centre articles"], "intendedUse": "Answer customer questions from approved content.",
    "limits": ["No autonomous credit, fraud or filing decisions"], "evaluationPlan": "Adversarial set gates launch.",
    "monitoringPlan": "Guardrail intervention alarms.", "guardrail": {"id": "gr-1", "version": "1"},
    "inheritedControls": {"bedrockNoTrainingConfirmedOn": "2026-10-01", "awsAttestationsConfirmedOn": "2026-10-01"},
}
PROGRAM_TAIL = "\nimport json, pulumi\npulumi.export('modelInventory', json.loads({inventory!r}))\n"
NAKED_URN = "urn:pulumi:test::scenario::aws:s3/bucket:Bucket::naked"
WAIVER = {"resource": NAKED_URN, "reason": "Legacy export bucket, decommissioned in Q1",
          "approver": "ciso@example.com", "expires": "2027-06-30"}
# The evaluation clock (waiver expiry, generatedAt): never the day the suite runs.
EPOCH_2026_11_29 = "1795953600"
EXPIRED_WAIVER = dict(WAIVER, resource="urn:pulumi:test::scenario::aws:kms/key:Key::*", expires="2026-01-31")


def _project(tmp_path, inventory):
    project = make_project(str(tmp_path / "project"), "s01_bucket_without_encryption_or_public_access_block.py")
    with open(os.path.join(project, "app", "__main__.py"), "a") as handle:
        handle.write(PROGRAM_TAIL.format(inventory=json.dumps(inventory)))
    return project


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("evidence")
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({
        "s3-bucket-public-access-block-present": {"waivers": [WAIVER]},
        "approved-regions": {"waivers": [dict(WAIVER, resource="*")]},
        "kms-key-rotation-enabled": {"waivers": [EXPIRED_WAIVER]},
    }))
    out = tmp_path / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH_2026_11_29)
        result = run_cli("evidence", "--cwd", _project(tmp_path, INVENTORY), "--stack", "test",
                         "--policy-config", str(config), "--out", str(out))
    return result, out


def test_evidence_writes_every_file_and_keeps_the_preview_exit_code(evidence):
    result, out = evidence
    assert result.returncode == 1, result.stderr  # the unwaived encryption finding still blocks
    assert {"cardholder-data-flow.mmd", "control-matrix.md", "controls.csv", "controls.json", "manifest.json",
            "model-card.md", "model-inventory.json", "network-diagram.mmd", "waivers.md"} <= set(os.listdir(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(os.listdir(out)) == sorted([*manifest["files"], "manifest.json"])


def test_waived_finding_is_reported_as_waived_with_its_reason(evidence):
    _, out = evidence
    with open(out / "controls.csv") as handle:
        rows = list(csv.DictReader(handle))
    waived = [r for r in rows if r["control"] == "s3-bucket-public-access-block-present" and r["resource_urn"] == NAKED_URN]
    assert {r["status"] for r in waived} == {"WAIVED"}
    assert waived[0]["waiver_reason"] == WAIVER["reason"] and waived[0]["waiver_approver"] == "ciso@example.com"
    assert waived[0]["pci_dss"] and waived[0]["soc2"].startswith("CC")
    statuses = {r["status"] for r in rows}
    assert {"COMPLIANT", "NON_COMPLIANT", "WAIVED"} <= statuses


def test_waivers_register_lists_active_expired_and_not_waivable(evidence):
    text = (evidence[1] / "waivers.md").read_text()
    assert "| `s3-bucket-public-access-block-present` | `" + NAKED_URN + "` | active |" in text
    assert "not-waivable: policy approved-regions is critical and cannot be waived" in text
    assert "| expired: expired on 2026-01-31 |" in text


def test_manifest_hashes_match_the_files(evidence):
    out = evidence[1]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["policyPack"] == {"name": "perimeter", "version": pack_version()} and manifest["stack"] == "test"
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert set(manifest["files"]) == set(os.listdir(out)) - {"manifest.json"}


def test_control_matrix_states_inherited_controls_with_dates(evidence):
    text = (evidence[1] / "control-matrix.md").read_text()
    assert "Inheriting an attestation is not having a control." in text
    assert "| 2026-10-01 |" in text and "## PCI DSS v4.0.1" in text and "## SOC 2 Trust Services Criteria" in text


@pytest.mark.parametrize("drop, key", [("owner", "owner"), ("purpose", "purpose"),
                                        ("inheritedControls", "inheritedControls")])
def test_missing_governance_setting_is_a_clear_exit_2(drop, key, tmp_path):
    inventory = {k: v for k, v in INVENTORY.items() if k != drop}
    result = run_cli("evidence", "--cwd", _project(tmp_path, inventory), "--stack", "test", "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert f"governance setting '{key}' is missing" in result.stderr and result.stderr.count("\n") == 1


def test_missing_confirmed_date_names_the_nested_key(tmp_path):
    inventory = dict(INVENTORY, inheritedControls={"bedrockNoTrainingConfirmedOn": "2026-10-01"})
    result = run_cli("evidence", "--cwd", _project(tmp_path, inventory), "--stack", "test", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "'inheritedControls.awsAttestationsConfirmedOn'" in result.stderr

"""The evidence pack is one truth: one clock, a whole pack per run, live results and history merged honestly."""

from __future__ import annotations

import csv
import json
import os

import pytest

from perimeter.report import Evaluation, Report
from perimeter.verify.record import append_record
from tests.evidence.test_evidence_contract import INVENTORY, NAKED_URN, WAIVER, _project
from tests.scenarios.cli import run_cli

BLOCK_POLICY = "s3-bucket-public-access-block-present"
EPOCH = {"2026-11-29": "1795953600", "2027-01-10": "1799582400"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return _project(tmp_path_factory.mktemp("truth"), INVENTORY)


def evidence(project, out, *args, clock="2026-11-29", config=None):
    argv = ["evidence", "--cwd", project, "--stack", "test", "--out", str(out), *args]
    if config is not None:
        path = out.parent / f"{out.name}-policy.json"
        path.write_text(json.dumps(config))
        argv += ["--policy-config", str(path)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH[clock])
        return run_cli(*argv)


def rows(out):
    with open(out / "controls.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("clock, csv_status, register_status", [
    ("2026-11-29", "WAIVED", "active"), ("2027-01-10", "NON_COMPLIANT", "expired: expired on 2026-12-15")])
def test_every_file_reads_the_same_clock(project, tmp_path, clock, csv_status, register_status):
    out = tmp_path / "pack"
    config = {BLOCK_POLICY: {"waivers": [dict(WAIVER, expires="2026-12-15")]}}
    result = evidence(project, out, clock=clock, config=config)
    assert result.returncode == 1, result.stderr
    statuses = {r["status"] for r in rows(out) if r["control"] == BLOCK_POLICY and r["resource_urn"] == NAKED_URN}
    assert statuses == {csv_status}
    assert f"| `{BLOCK_POLICY}` | `{NAKED_URN}` | {register_status} |" in (out / "waivers.md").read_text()
    assert json.loads((out / "manifest.json").read_text())["generatedAt"] == f"{clock}T12:00:00Z"


def test_a_previous_pack_is_replaced_whole(project, tmp_path):
    out = tmp_path / "pack"
    assert evidence(project, out).returncode == 1
    (out / "stale-from-an-old-run.md").write_text("old")
    assert evidence(project, out).returncode == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(os.listdir(out)) == sorted([*manifest["files"], "manifest.json"])
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".pack.")]  # no staging left behind


def verify_report(**overrides):
    document = {
        "stack": "test", "checkedAt": "2026-11-28T06:00:00+00:00", "accountId": "111122223333", "region": "eu-west-1",
        "noVerdict": "", "evaluations": [
            {"policy": "s3-public-access-blocked", "urn": "arn:aws:s3:::b", "type": "aws:s3/bucket:Bucket",
             "status": "COMPLIANT"},
            {"policy": "kms-key-rotation-enabled", "urn": "arn:aws:kms:eu-west-1:111122223333:key/1",
             "type": "aws:kms/key:Key", "status": "NON_COMPLIANT"},
            {"policy": "cloudtrail-logging", "urn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t",
             "type": "aws:cloudtrail/trail:Trail", "status": "NOT_APPLICABLE"}]}
    return {**document, **overrides}


def test_verify_report_is_merged_as_designed_operating_drifted(project, tmp_path):
    path = tmp_path / "verify.json"
    path.write_text(json.dumps(verify_report()))
    out = tmp_path / "pack"
    result = evidence(project, out, "--verify-report", str(path))
    assert result.returncode == 1, result.stderr
    states = {c["control"]: c for c in json.loads((out / "operation.json").read_text())["controls"]}
    assert states["s3-public-access-blocked"]["state"] == "operating"
    assert states["kms-key-rotation-enabled"]["state"] == "drifted"
    assert states["cloudtrail-logging"]["state"] == "not verified live"
    assert states["approved-regions"]["state"] == "designed" and states["approved-regions"]["checkedAt"] is None
    matrix = (out / "control-matrix.md").read_text()
    assert "| `s3-public-access-blocked` | designed (no resource of its types in this stack) | **operating** | " \
           "1 / 0 / 0 | 2026-11-28T06:00:00+00:00 | account 111122223333, eu-west-1 |" in matrix
    assert "| `cloudtrail-logging` | — (live-only check) | **not verified live** | 0 / 0 / 1 |" in matrix
    assert "operation.json" in json.loads((out / "manifest.json").read_text())["files"]


@pytest.mark.parametrize("document, fragment", [
    (verify_report(stack="prod"), "is for stack 'prod', the evidence for 'test'"),
    ({"stack": "test"}, "'checkedAt' is a required property"),
    ([], "is not of type 'object'"),
])
def test_bad_verify_report_is_one_line_exit_2(tmp_path, document, fragment):
    path = tmp_path / "verify.json"
    path.write_text(json.dumps(document))
    result = run_cli("evidence", "--stack", "test", "--out", str(tmp_path / "o"), "--verify-report", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and fragment in result.stderr


def verify_run(checked_at: str, kms_status: str) -> Report:
    evaluations = [Evaluation("kms-key-rotation-enabled", "arn:aws:kms:eu-west-1:111122223333:key/1", "aws:kms/key:Key",
                              "live", kms_status),
                   Evaluation("s3-public-access-blocked", "arn:aws:s3:::b", "aws:s3/bucket:Bucket", "live", "COMPLIANT")]
    return Report(command="verify", project="perimeter", stack="test", pack_name="perimeter", pack_version="0",
                  controls=[], resources=[], evaluations=evaluations,
                  extra={"checkedAt": checked_at, "accountId": "111122223333", "region": "eu-west-1"})


@pytest.fixture
def history(tmp_path):
    directory = tmp_path / "records"
    for day, status in [("2025-12-30", "COMPLIANT"), ("2026-01-05", "COMPLIANT"), ("2026-01-12", "NON_COMPLIANT"),
                        ("2026-01-19", "NON_COMPLIANT"), ("2026-01-26", "COMPLIANT"), ("2026-02-02", "NON_COMPLIANT")]:
        append_record(str(directory), verify_run(f"{day}T06:00:00+00:00", status))
    return directory


def test_history_summarises_runs_and_drift_intervals_since_a_date(project, tmp_path, history):
    out = tmp_path / "pack"
    result = evidence(project, out, "--history", str(history), "--since", "2026-01-01")
    assert result.returncode == 1, result.stderr
    summary = {c["control"]: c for c in json.loads((out / "history.json").read_text())["controls"]}
    kms = summary["kms-key-rotation-enabled"]
    assert (kms["runs"], kms["operating"], kms["drifted"]) == (5, 2, 3)
    assert (kms["first"], kms["last"]) == ("2026-01-05T06:00:00+00:00", "2026-02-02T06:00:00+00:00")
    assert kms["driftIntervals"] == [{"from": "2026-01-12T06:00:00+00:00", "until": "2026-01-26T06:00:00+00:00"},
                                     {"from": "2026-02-02T06:00:00+00:00", "until": None}]
    assert summary["s3-public-access-blocked"]["driftIntervals"] == []
    assert "The record chain (6 records" in (out / "control-matrix.md").read_text()


@pytest.mark.parametrize("tamper, fragment", [
    (lambda files: files[2].write_text(files[2].read_text().replace("NON_COMPLIANT", "COMPLIANT")),
     "chain broken at {3}: its `previous` hash does not match {2}"),
    (lambda files: files[2].unlink(), "chain broken at {3}: expected record #3"),
])
def test_a_broken_chain_is_an_error_naming_the_record(tmp_path, history, tamper, fragment):
    files = sorted(history.iterdir())
    names = [f.name for f in files]
    tamper(files)
    result = run_cli("evidence", "--stack", "test", "--out", str(tmp_path / "o"), "--history", str(history))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert fragment.format(*names) in result.stderr

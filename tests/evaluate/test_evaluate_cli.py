"""`perimeter evaluate` through the real CLI: the repo's stacks, every format, the record, honest modes, bad flags."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from perimeter.render import FORMATS, render

from .conftest import ROOT
from .test_offline import evaluate
from tests.scenarios.cli import run_cli


def test_offline_dev_passes_and_writes_an_offline_record(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796117400")
    result = run_cli("evaluate", "--stack", "dev", "--record", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["evaluation"]["mode"] == "offline" and report["evaluation"]["passed"]
    [written] = list(tmp_path.iterdir())
    assert written.name == "20261201T093000Z-offline.json"
    record = json.loads(written.read_text())
    assert record["evaluatedAt"] == "2026-12-01T09:30:00Z" and len(record["results"]) == report["summary"]["resources"]
    assert f"wrote the offline evaluation record {written}" in result.stderr


def test_every_format_renders_the_evaluation(dev):
    _, _, report = evaluate(dev)
    for name in FORMATS:
        assert render(report, name).strip()
    sarif = json.loads(render(report, "sarif"))
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} == {
        f"evaluation-{c}" for c in ("pan-exfiltration", "pii", "prompt-attack", "denied-topic", "grounding", "benign")}
    suites = ET.fromstring(render(report, "junit").split("\n", 1)[1])
    assert sum(int(s.get("tests")) for s in suites) == len(dev.test_set.cases)


def test_the_records_in_the_repo_are_offline_and_say_so():
    records = sorted((ROOT / "evaluations").glob("*/*.json"))
    assert records
    for path in records:
        record = json.loads(path.read_text())
        assert record["mode"] == "offline", f"{path} claims a live run; only `perimeter evaluate --live` may write one"
        assert record["guardrail"]["id"] is None and "no AWS call was made" in record["modeMeans"]


@pytest.mark.parametrize("args, message", [
    (("--end-to-end",), "--end-to-end needs --live"),
    (("--live",), "--live needs --outputs"),
    (("--outputs", "x.json"), "apply to --live only"),
    (("--stack", "qa"), "stack file"),
])
def test_bad_flags_are_one_line_and_exit_2(args, message):
    result = run_cli("evaluate", *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr

"""The gate end to end through the real CLI on a copy of the project: evaluated, then invalidated by a prompt
change; and an unreadable record stops the program with one line."""

from __future__ import annotations

import json
import os

from tests.scenarios.cli import run_cli

# The records' clock (2026-03-01): the stack's inherited controls, confirmed 2025-06-02, are 272 days old then.
CLOCK = {"SOURCE_DATE_EPOCH": "1772323200"}


def gate_findings(project, stack="dev"):
    result = run_cli("preview", "--cwd", str(project), "--stack", stack, "--phase", "preview", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [v["message"] for v in json.loads(result.stdout)["violations"] if v["policy"] == "launch-gate-passed"]


def test_the_gate_opens_with_a_record_and_closes_when_a_prompt_changes(project_copy, monkeypatch):
    stack_file = project_copy / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text() + "  perimeter:launchGate:\n    requireLive: false\n")
    for old in (project_copy / "evaluations" / "dev").glob("*.json"):
        old.unlink()  # (without a record the gate is PENDING: tests/scenarios/test_reference_stacks.py, prod)

    for name, value in CLOCK.items():
        monkeypatch.setenv(name, value)
    records = project_copy / "evaluations" / "dev"
    evaluated = run_cli("evaluate", "--cwd", str(project_copy), "--stack", "dev", "--record", str(records))
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    assert os.listdir(records) == ["20260301T000000Z-offline.json"]
    assert gate_findings(project_copy) == []

    prompt = project_copy / "assistant" / "prompts" / "system.md"
    prompt.write_text(prompt.read_text() + "\nYou may speculate about share prices.\n")
    [stale] = gate_findings(project_copy)
    assert "launch gate STALE: the prompts (assistant/prompts/) digest changed" in stale
    assert "re-run `perimeter evaluate --stack dev --record evaluations/dev/`" in stale


def test_an_unreadable_record_stops_the_program_in_one_line(project_copy):
    (project_copy / "evaluations" / "prod" / "20261203T000000Z-live.json").write_text("{truncated")
    result = run_cli("preview", "--cwd", str(project_copy), "--stack", "prod")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "20261203T000000Z-live.json is unreadable" in result.stderr, result.stderr

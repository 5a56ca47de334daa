"""The real Pulumi engine and `perimeter preview` decide the same, on the same program and config.

Runs whenever `.tools/` holds the engine (`make engine`); skips, saying why, otherwise.
For every reference stack and every scenario program: `pulumi preview --policy-pack`
(the real CLI, language host and analyzer plugin host, with the stand-in AWS
provider) against `perimeter preview --phase preview`, comparing every finding's
policy, URN and enforcement level, what is not applicable (waived or deferred),
the resources analyzed and the exit status. Then `pulumi up` on dev against
`--phase update`, where every check deferred at preview must be decided.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.scenarios.cli import make_project, run_cli
from tests.scenarios.test_scenarios import SCENARIOS

from .outcomes import deferred, enabled_policies, from_engine, from_perimeter
from .pulumi_cli import ROOT, EngineRun, Workspace, engine_missing

pytestmark = pytest.mark.skipif(engine_missing() is not None, reason=engine_missing() or "")

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
REFERENCE_STACKS = ("dev", "staging", "prod")


def perimeter_preview(workspace: Workspace, project: str, stack: str, phase: str,
                      config: str | None = None) -> tuple[int, dict]:
    args = ["preview", "--format", "json", "--cwd", project, "--stack", stack, "--phase", phase,
            "--policy-pack", workspace.pack]
    if config:
        args += ["--policy-config", config]
    result = run_cli(*args, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def analyzed_urns(run: EngineRun) -> set[str]:
    return {e["policyAnalyzeSummaryEvent"]["resourceUrn"] for e in run.events if "policyAnalyzeSummaryEvent" in e}


def assert_agree(workspace: Workspace, engine: EngineRun, code: int, report: dict, phase: str,
                 config: str | None = None) -> None:
    assert any("summaryEvent" in e for e in engine.events), f"the engine did not finish:\n{engine.stdout}\n{engine.stderr}"
    theirs, ours = from_engine(engine.events, enabled_policies(workspace.pack, config)), from_perimeter(report, phase)
    assert theirs.violations == ours.violations, (
        f"only the engine: {sorted(theirs.violations - ours.violations)}\n"
        f"only perimeter: {sorted(ours.violations - theirs.violations)}")
    assert theirs.not_applicable == ours.not_applicable, (
        f"only the engine: {sorted(theirs.not_applicable - ours.not_applicable)}\n"
        f"only perimeter: {sorted(ours.not_applicable - theirs.not_applicable)}")
    resources = {r["urn"] for r in report["resources"]}
    stack_urns = {urn for urn in analyzed_urns(engine) if "::pulumi:pulumi:Stack::" in urn}
    assert analyzed_urns(engine) - stack_urns == resources
    blocked = ours.mandatory()
    assert (engine.returncode != 0) == blocked, engine.stdout + engine.stderr
    assert code == (1 if blocked else 0)


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_reference_stack_preview_agrees_with_the_engine(stack, tmp_path):
    workspace = Workspace(str(tmp_path))
    project = workspace.reference_project(stack)
    config = workspace.policy_config(stack)
    engine = workspace.preview(project, stack, config)
    code, report = perimeter_preview(workspace, project, stack, "preview", config)
    assert_agree(workspace, engine, code, report, "preview", config)


def test_dev_up_decides_every_check_deferred_at_preview(tmp_path):
    workspace = Workspace(str(tmp_path))
    project = workspace.reference_project("dev")
    config = workspace.policy_config("dev")
    preview = workspace.preview(project, "dev", config)
    up = workspace.up(project, "dev", config)
    assert up.returncode == 0, up.stdout + up.stderr
    code, report = perimeter_preview(workspace, project, "dev", "update", config)
    assert_agree(workspace, up, code, report, "update", config)

    _, preview_report = perimeter_preview(workspace, project, "dev", "preview", config)
    deferred_at_preview = deferred(preview_report, "preview")
    enabled = enabled_policies(workspace.pack, config)
    assert deferred_at_preview <= from_engine(preview.events, enabled).not_applicable
    undecided = deferred_at_preview - from_engine(up.events, enabled).decided
    assert not undecided, f"checks deferred at preview that pulumi up did not decide: {sorted(undecided)}"


@pytest.mark.parametrize("program", sorted(SCENARIOS))
def test_scenario_preview_agrees_with_the_engine(program, tmp_path):
    config, _ = SCENARIOS[program]
    project = make_project(str(tmp_path / "project"), program, config)
    workspace = Workspace(str(tmp_path / "engine"))
    workspace.stack_init(project, "test")
    engine = workspace.preview(project, "test")
    code, report = perimeter_preview(workspace, project, "test", "preview")
    assert_agree(workspace, engine, code, report, "preview")


UPDATE_PHASE_SCENARIOS = sorted(program for program, (_, expected) in SCENARIOS.items()
                                if any(phase == "update" for _, _, phase in expected))


@pytest.mark.parametrize("program", UPDATE_PHASE_SCENARIOS)
def test_pulumi_up_blocks_what_perimeter_finds_only_at_update(program, tmp_path):
    """A mandatory violation stops `pulumi up` at that resource, so the engine's set may stop short
    of perimeter's; each finding perimeter makes at update on a resource the engine analyzed must be there."""
    config, _ = SCENARIOS[program]
    project = make_project(str(tmp_path / "project"), program, config)
    workspace = Workspace(str(tmp_path / "engine"))
    workspace.stack_init(project, "test")
    up = workspace.up(project, "test")
    code, report = perimeter_preview(workspace, project, "test", "update")
    ours = {v for v in from_perimeter(report, "update").violations if v[2] == "mandatory"}
    assert ours and code == 1
    assert up.returncode != 0, up.stdout
    theirs = from_engine(up.events, enabled_policies(workspace.pack, None)).violations
    analyzed = analyzed_urns(up)
    assert {v for v in ours if v[1] in analyzed} <= theirs
    assert theirs & ours, f"pulumi up stopped before any resource perimeter blocks:\n{up.stdout}"


GOLDEN_POLICY = "s3-bucket-encryption-configured"


def shown_for_policy(stdout: str, project: str, policy: str) -> str:
    """The CLI's own "Policies:" block for one policy: the pack's line, then the policy's entry
    (level, severity, name, resource, description, message and its Fix: line), volatile parts normalised."""
    match = re.search(r"^Policies:\n(\s+\S+ perimeter@\S+ \(local: [^)]*\)\n)(.*?)(?=^\S|\Z)", stdout, re.S | re.M)
    assert match, stdout
    entries = re.split(r"(?m)^(?=\s+- \[)", match.group(2))
    entry = "".join(e for e in entries if f"  {policy}  " in e)
    text = (match.group(1) + entry).replace(project, "<project>")
    text = re.sub(r"\(local: [^)]*\)", "(local: <policies>)", text)  # the CLI elides the middle of long paths
    return re.sub(r"perimeter@v[0-9][^ ]*", "perimeter@<version>", text)


def test_the_cli_shows_policy_message_fix_and_remediation_as_the_golden(tmp_path):
    program = "s01_bucket_without_encryption_or_public_access_block.py"
    config, _ = SCENARIOS[program]
    project = make_project(str(tmp_path / "project"), program, config)
    workspace = Workspace(str(tmp_path / "engine"))
    workspace.stack_init(project, "test")
    engine = workspace.preview(project, "test")
    assert engine.returncode != 0
    shown = shown_for_policy(engine.stdout, project, GOLDEN_POLICY)
    with open(os.path.join(GOLDEN, f"{GOLDEN_POLICY}.txt")) as handle:
        assert shown == handle.read()
    assert f"[mandatory] [severity: high]  {GOLDEN_POLICY}  (aws:s3:Bucket: naked)" in shown
    assert "\n          Fix: " in shown

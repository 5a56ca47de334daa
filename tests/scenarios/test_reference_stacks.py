"""The repo's own stacks, through the real CLI with their own policy config: clean, and nothing that can't run.

Prod is gated (perimeter:launchGate, live required) and the repo holds only offline evaluation records, so
prod's one finding is its pending launch gate, and nothing else (components/launch_gate.py).
"""

import os

import pytest

from .cli import ROOT, preview_json


GATED = {"prod"}  # stacks whose only finding is the pending launch gate


def assert_only_the_pending_gate(stack, code, report):
    if stack not in GATED:
        assert code == 0
        assert report["summary"]["mandatory"] == 0 and report["violations"] == []
        return
    assert code == 1
    assert [v["policy"] for v in report["violations"]] == ["launch-gate-passed"]
    assert "launch gate PENDING: no live evaluation record" in report["violations"][0]["message"]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_reference_stack_has_no_mandatory_violation_and_no_cant_run(stack):
    config = os.path.join(ROOT, "policies", "config", f"{stack}.json")
    code, report = preview_json("--stack", stack, "--policy-config", config)
    assert_only_the_pending_gate(stack, code, report)
    assert report["diagnostics"] == []
    assert report["summary"]["resources"] > 120
    # Everything preview had to defer was decided in the update phase.
    deferred = {(n["policy"], n["urn"]) for n in report["notApplicable"] if n["phase"] == "preview"}
    assert not [n for n in report["notApplicable"] if n["phase"] == "update" and (n["policy"], n["urn"]) in deferred]


def test_reference_stack_without_policy_config_uses_pack_defaults():
    code, report = preview_json("--stack", "prod")
    assert_only_the_pending_gate("prod", code, report)


def test_bad_stack_config_is_one_line_naming_the_key(tmp_path):
    """The reference program's own config validation reaches the user as one line, exit 2."""
    import shutil

    import yaml

    from .cli import run_cli

    project = tmp_path / "perimeter"
    # Only the program and its config: caches and build outputs (build/, .tools/) can be hundreds of MB.
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".*", "tests", "build", "evidence", "__pycache__",
                                                                 "*.egg-info"))
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"]["aws:region"] = "eu-westt-1"
    stack_file.write_text(yaml.safe_dump(config))
    result = run_cli("preview", "--cwd", str(project), "--stack", "dev")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "aws:region" in result.stderr and "eu-west-1" in result.stderr

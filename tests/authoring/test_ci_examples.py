"""The example CI workflows and the pre-commit hooks: valid for their systems, and every command they run exists.

The workflows are validated against the schemas SchemaStore publishes for them (vendored by check-jsonschema),
and each `perimeter ...` command line is parsed by the CLI's own argparse parser, so a renamed flag fails here.
"""

import os
import re
import shlex

import jsonschema
import pytest
from check_jsonschema.builtin_schemas import get_builtin_schema
from ruamel.yaml import YAML

from perimeter.cli import build_parser
from perimeter.regen import REPO_ROOT

EXAMPLES = os.path.join(REPO_ROOT, "examples", "ci")
WORKFLOWS = {"github-actions.yml": "vendor.github-workflows", "gitlab-ci.yml": "vendor.gitlab-ci"}


def _load(path):
    """YAML 1.2, as the CI systems read it (YAML 1.1 would turn GitHub's `on:` key into True)."""
    with open(path, encoding="utf-8") as handle:
        return YAML(typ="safe").load(handle)


def _scripts(name, document):
    """Every shell line the workflow runs."""
    if name == "github-actions.yml":
        return [line for job in document["jobs"].values() for step in job["steps"]
                for line in step.get("run", "").splitlines()]
    return [line for key, job in document.items() if isinstance(job, dict) and "script" in job
            for line in job["script"]]


def _commands(lines, program):
    """The argument vectors of each call of `program`, split at shell operators (variables stay as written)."""
    found = []
    for line in lines:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        command: list = []
        for token in [*lexer, ";"]:
            if token and set(token) <= set(";&|()"):
                if command and os.path.basename(command[0]) == program:
                    found.append(command[1:])
                command = []
            else:
                command.append(token)
    return found


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_workflow_is_valid_for_its_ci_system(name):
    jsonschema.validate(_load(os.path.join(EXAMPLES, name)), get_builtin_schema(WORKFLOWS[name]))


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_perimeter_command_parses_and_the_gate_produces_sarif_and_junit(name):
    commands = _commands(_scripts(name, _load(os.path.join(EXAMPLES, name))), "perimeter")
    assert commands, "the workflow runs perimeter"
    formats = set()
    for argv in commands:
        args = build_parser().parse_args(argv)  # the CLI's own parser: raises on a flag it does not have
        assert args.command == "preview" and args.output, argv
        formats.add(args.format)
    assert formats == {"sarif", "junit"}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_make_targets_and_publish_command_exist(name):
    lines = _scripts(name, _load(os.path.join(EXAMPLES, name)))
    with open(os.path.join(REPO_ROOT, "Makefile"), encoding="utf-8") as handle:
        targets = set(re.findall(r"^([\w./$()-]+):", handle.read(), re.M)) | {".venv/.installed"}
    for argv in _commands(lines, "make"):
        assert set(argv) <= targets, f"make {argv}: not a Makefile target"
    assert "cd policies && pulumi policy publish \"$PULUMI_ORG\"" in "\n".join(lines)
    assert any("regen-check" in line for line in lines) and any("pytest tests/policies" in line for line in lines)


def test_github_gate_fails_on_a_nonzero_exit_and_uploads_whatever_happens():
    steps = _load(os.path.join(EXAMPLES, "github-actions.yml"))["jobs"]["policy-gate"]["steps"]
    by_name = {s.get("name", s.get("uses")): s for s in steps}
    assert by_name["Fail on violations (exit 1) or no verdict (exit 2)"]["if"] == "steps.gate.outputs.exit != '0'"
    assert by_name["Upload SARIF to code scanning"]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert all(s["if"].startswith("always()") for s in steps if s.get("name", "").startswith(("Upload", "Publish")))


def test_pre_commit_runs_the_pack_tests_and_regen_check():
    config = _load(os.path.join(REPO_ROOT, ".pre-commit-config.yaml"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {h["id"] for h in hooks} == {"perimeter-pack-tests", "perimeter-regen-check"}
    for hook in hooks:
        assert hook["language"] == "system" and hook["pass_filenames"] is False and re.compile(hook["files"])
    entries = {h["id"]: h["entry"] for h in hooks}
    assert entries["perimeter-regen-check"] == "make regen-check"
    assert shlex.split(entries["perimeter-pack-tests"])[:4] == [".venv/bin/python", "-m", "pytest", "tests/policies"]

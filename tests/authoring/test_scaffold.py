"""A new policy is two files plus `make regen`: scaffold, fill in, test, regenerate, in a copy of this repo.

Everything runs as an author would, in subprocesses whose pack is the copy's (its `policies/` first on
PYTHONPATH): `perimeter new-policy`, pytest on the generated test, `python -m perimeter.regen`,
`perimeter policies`. The only files that change besides the two new ones are generated ones.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from perimeter.regen import REPO_ROOT

NAME, MODULE = "sqs-queue-retention-bounded", "sqs_queue_retention_bounded"
RULE = os.path.join("policies", "perimeter_policies", "rules", f"{MODULE}.py")
TEST = os.path.join("tests", "policies", f"test_{MODULE}.py")
GENERATED = {"docs/policies.md", "docs/CONTRACTS.md", "policies/perimeter_policies/reads.json"}
GOLDEN = "tests/evidence/golden/"
# The CLI (perimeter/) is not copied: the copy's commands run this checkout's CLI on the copy's pack and program.
SKIP = shutil.ignore_patterns(".git", ".venv", ".tools", ".hypothesis", "__pycache__", "evidence", "*.egg-info",
                              "perimeter", "build")

CHECK = '''    retention = resource.get("messageRetentionSeconds")
    if is_unknown(retention):
        unknowns.append("messageRetentionSeconds")
    elif not isinstance(retention, (int, float)) or retention > config["maxRetentionSeconds"]:
        problems.append(f"messageRetentionSeconds is {retention!r}; set message_retention_seconds to at most "
                        f"{config['maxRetentionSeconds']:g}")
'''
FILLED_TEST = {
    'resource(aws.sqs.Queue, "compliant")':
        'resource(aws.sqs.Queue, "compliant", message_retention_seconds=86400, kms_master_key_id=UNKNOWN)',
    "VIOLATIONS: list = [\n]":
        'VIOLATIONS: list = [\n    ("aws:sqs/queue:Queue", {"message_retention_seconds": 1209600}, "messageRetentionSeconds"),\n]',
    "UNKNOWN_AT_PREVIEW: list = [\n]":
        'UNKNOWN_AT_PREVIEW: list = [\n    ("aws:sqs/queue:Queue", ("messageRetentionSeconds",)),\n]',
}


def _fill_rule(text: str) -> str:
    start = text.index("    # TODO(author): the check")
    end = text.index("    yield from settle")
    text = text[:start] + CHECK + text[end:]
    replacements = {
        "TODO(author): what holds, in one line.": "queue messages are kept no longer than the disposal limit.",
        text[text.index("Why: TODO(author)"):text.index('"""', text.index("Why: TODO(author)"))]:
            "Why: cardholder data in transit through a queue must be disposed of (PCI DSS 3.2.1).\n",
        "TODO(author): one sentence, the control as an auditor reads it.": "SQS messages expire within the limit.",
        "TODO(author): the pulumi-aws arguments that fix it, e.g. kms_master_key_id=key.arn.":
            "Set message_retention_seconds on the aws.sqs.Queue within the limit.",
        "TODO(author): a one-line violating resource, e.g. ": "",
        "    resource_types=TYPES,":
            '    resource_types=TYPES,\n    config_properties={"maxRetentionSeconds": {"type": "integer", "minimum": 60}},\n'
            '    default_config={"maxRetentionSeconds": 345600},',
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _digests(root: str) -> dict[str, str]:
    found = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]  # caches (.hypothesis, ...)
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, root)] = hashlib.sha256(handle.read()).hexdigest()
    return found


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("scaffold") / "repo")
    shutil.copytree(REPO_ROOT, root, ignore=SKIP)
    return root


def _run(root, *command, timeout=600):
    env = {**os.environ, "PYTHONPATH": os.path.join(root, "policies") + os.pathsep + root,
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def _perimeter(root, *args):
    return _run(root, sys.executable, "-m", "perimeter.cli", *args)


def _regen(root, *args):
    return _run(root, sys.executable, "-m", "perimeter.regen", "--root", root, *args)


def _pytest(root, *paths):
    return _run(root, sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-W", "ignore::DeprecationWarning",
                *paths)


def test_scaffold_fill_test_and_regenerate_touches_only_two_files_and_generated_ones(checkout):
    before = _digests(checkout)
    scaffold = ("new-policy", NAME, "--type", "aws:sqs/queue:Queue", "--pci", "3.2.1", "--soc2", "C1.2",
                "--severity", "medium")
    made = _perimeter(checkout, *scaffold)
    assert made.returncode == 0, made.stderr
    assert "aws:sqs/queue:Queue.kmsMasterKeyId is already judged by cmk-encryption-at-rest" in made.stderr
    again = _perimeter(checkout, *scaffold)
    assert again.returncode == 2 and "already exists" in again.stderr

    untouched = _pytest(checkout, TEST)
    assert untouched.returncode != 0, "the generated test must fail until the author writes the check"
    with open(os.path.join(checkout, TEST), encoding="utf-8") as handle:
        test = handle.read()
    for old, new in FILLED_TEST.items():
        test = test.replace(old, new)
    with open(os.path.join(checkout, TEST), "w", encoding="utf-8") as handle:
        handle.write(test)
    assert _pytest(checkout, TEST).returncode != 0, "a filled-in test must still fail on an unwritten check"
    with open(os.path.join(checkout, RULE), encoding="utf-8") as handle:
        rule = _fill_rule(handle.read())
    with open(os.path.join(checkout, RULE), "w", encoding="utf-8") as handle:
        handle.write(rule)
    written = _pytest(checkout, TEST)
    assert written.returncode == 0, written.stdout[-3000:]
    assert "5 passed" in written.stdout

    stale = _regen(checkout, "--check", "--only", "docs", "--only", "contracts")
    assert stale.returncode == 1 and "run `make regen`" in stale.stderr
    # The new rule's reads are recorded from its own test; every other rule's come from reads.json, whose
    # freshness the suite itself checks (tests/policies/recorded_reads.py).
    # The goldens are left alone: a new rule changes them, and tests/evidence checks them against regen's output.
    regen = _regen(checkout, "--rules", MODULE, "--only", "reads", "--only", "docs", "--only", "contracts")
    assert regen.returncode == 0, regen.stderr[-3000:]
    again = _regen(checkout, "--check", "--only", "docs", "--only", "contracts")
    assert again.returncode == 0, again.stderr

    after = _digests(checkout)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert {RULE, TEST} | GENERATED <= changed
    others = sorted(p for p in changed - {RULE, TEST} - GENERATED if not p.startswith(GOLDEN))
    assert not others, f"files touched besides the rule, its test and generated ones: {others[:10]}"

    with open(os.path.join(checkout, "docs", "policies.md"), encoding="utf-8") as handle:
        assert f"## {NAME}" in handle.read()
    with open(os.path.join(checkout, "docs", "CONTRACTS.md"), encoding="utf-8") as handle:
        assert f"| {NAME} | resource | medium |" in handle.read()
    listed = _perimeter(checkout, "policies", "--type", "aws:sqs/queue:Queue", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["name"] == NAME)
    assert row["reads"] == {"aws:sqs/queue:Queue": ["messageRetentionSeconds"]} and row["severity"] == "medium"
    pack_checks = _pytest(checkout, "tests/policies/test_pack.py", "-k", "not boots")
    assert pack_checks.returncode == 0, pack_checks.stdout[-3000:]

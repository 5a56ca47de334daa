"""Regenerate everything derived from the pack, or check that nothing is stale.

    python -m perimeter.regen           # `make regen`: rewrite the generated files
    python -m perimeter.regen --check   # `make regen-check`: exit 1 and name each stale file
    python -m perimeter.regen --rules sqs_queue_retention_bounded   # re-record one rule's reads only

Generated (never edit by hand):
- `policies/perimeter_policies/reads.json`: what each rule reads, recorded by the test kit while the
  rules' own tests (`tests/policies/test_<rule module>.py`) run;
- `docs/policies.md`: the catalogue, from the pack's metadata;
- the control-ids table in `docs/CONTRACTS.md`, between its markers;
- `tests/evidence/golden/dev/`: the dev stack's evidence pack, at a pinned time and commit.

`--root` points at another checkout (the scaffold test regenerates a temporary copy); run it with that
checkout's `policies/` first on PYTHONPATH so its pack is the one imported.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
from typing import Callable, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMAND = "make regen"
IDS_BEGIN = "<!-- BEGIN generated control ids: `make regen` rewrites this table -->"
IDS_END = "<!-- END generated control ids -->"
GOLDEN_STACK = "dev"
GOLDEN_GENERATED_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
GOLDEN_COMMIT = "0" * 40


class Stale(Exception):
    pass


def rule_test_files(root: str) -> tuple[list[str], list[str]]:
    """Each rule module's test file under `root`, and the rule modules that have none."""
    import pkgutil

    from perimeter_policies import rules

    found, missing = [], []
    for module in pkgutil.iter_modules(rules.__path__):
        if module.name.startswith("_"):
            continue
        path = os.path.join(root, "tests", "policies", f"test_{module.name}.py")
        (found if os.path.isfile(path) else missing).append(path if os.path.isfile(path) else module.name)
    return found, missing


def collect_reads(root: str, modules: Optional[list[str]] = None) -> str:
    """Run the rules' tests in this process with the kit recording reads; reads.json's content.

    With `modules`, only those rule modules' tests run, and every other rule keeps what the checkout's
    reads.json says it reads: the quick path while writing one rule (`--rules`).
    """
    import importlib

    import pytest
    from perimeter_policies import testing
    from perimeter_policies.inventory import recorded_reads
    from perimeter_policies.pack import load_rules

    files, missing = rule_test_files(root)
    if modules:
        wanted = {module: os.path.join(root, "tests", "policies", f"test_{module}.py") for module in modules}
        unknown = sorted(module for module, path in wanted.items() if path not in files)
        if unknown:
            raise Stale(f"no rule module with a test file named {', '.join(unknown)}; "
                        "--rules takes rule module names such as kms_key_rotation")
        files, missing = sorted(wanted.values()), []
    if missing:  # tests/authoring fails on these; their reads stay unrecorded until the test exists
        sys.stderr.write(f"perimeter regen: no tests/policies/test_<module>.py for {', '.join(missing)}; "
                         "what they read is not recorded\n")
    testing.RECORDED_READS.clear()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        # The session-level gates (tests/policies/violation_coverage, recorded_reads) are `make test`'s job;
        # recording reads needs the rules' tests to pass, nothing more.
        code = pytest.main(["-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                            "-p", "no:tests.policies.violation_coverage", "-p", "no:tests.policies.recorded_reads",
                            "--rootdir", root,
                            "-W", "ignore::DeprecationWarning", *files])
    if code != 0:
        raise Stale("the rules' tests fail, so what the rules read cannot be recorded:\n"
                    + output.getvalue()[-3000:])
    if not modules:
        return testing.recorded_reads_json()
    rerun = {importlib.import_module(f"perimeter_policies.rules.{m}").RULE.name for m in modules}
    existing = {rule.name for rule in load_rules()}
    kept = recorded_reads(os.path.join(root, "policies", "perimeter_policies", "reads.json"))
    for rule, types in kept.items():
        if rule in existing and rule not in rerun:
            testing.RECORDED_READS[rule] = {type_: set(props) for type_, props in types.items()}
    return testing.recorded_reads_json()


def contracts_table() -> str:
    from perimeter_policies.pack import load_rules

    lines = [IDS_BEGIN, "| id | scope | severity | resource types | owner file |", "|---|---|---|---|---|"]
    for rule in load_rules():
        module_file = sys.modules[rule.check.__module__].__file__ or ""
        owner = "policies/perimeter_policies/rules/" + os.path.basename(module_file)
        types = [f"`{t}`" for t in rule.resource_types] + [f"`{p}*`" for p in rule.resource_type_prefixes]
        shown = ", ".join(types[:2]) + (f" (+{len(types) - 2})" if len(types) > 2 else "")
        lines.append(f"| {rule.name} | {rule.scope} | {rule.severity} | {shown} | {owner} |")
    return "\n".join(lines + [IDS_END])


def with_contracts_table(text: str) -> str:
    start, end = text.find(IDS_BEGIN), text.find(IDS_END)
    if start < 0 or end < start:
        raise Stale(f"docs/CONTRACTS.md lacks the markers {IDS_BEGIN!r} ... {IDS_END!r}")
    return text[:start] + contracts_table() + text[end + len(IDS_END):]


def write_golden_evidence(root: str, out: str) -> None:
    """The dev stack's evidence pack, as the golden test compares it."""
    from .engine.analyzer import load_policy_config
    from .engine.preview import PreviewOptions, run_preview
    from .evidence.writer import write_evidence

    config = os.path.join(root, "policies", "config", f"{GOLDEN_STACK}.json")
    report = run_preview(PreviewOptions(root, GOLDEN_STACK, os.path.join(root, "policies"), config))
    write_evidence(report, load_policy_config(config), out, generated_at=GOLDEN_GENERATED_AT, commit=GOLDEN_COMMIT)


def golden_dir(root: str) -> str:
    return os.path.join(root, "tests", "evidence", "golden", GOLDEN_STACK)


def _read(path: str) -> Optional[str]:
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _generated_files(root: str, only: set[str], rules: Optional[list[str]]) -> dict[str, Callable[[], str]]:
    """Each generated file and how to make it, in order: the catalogue shows what reads.json records."""
    import json

    from perimeter_policies.inventory import READS_FILE, recorded_reads

    from .catalogue import render_catalogue

    contracts = os.path.join(root, "docs", "CONTRACTS.md")
    recorded: dict[str, str] = {}

    def reads() -> str:
        recorded["json"] = collect_reads(root, rules)
        return recorded["json"]

    def catalogue() -> str:
        return render_catalogue(json.loads(recorded["json"]) if "json" in recorded else recorded_reads())

    files = {
        os.path.join(root, "policies", "perimeter_policies", os.path.basename(READS_FILE)): reads,
        os.path.join(root, "docs", "policies.md"): catalogue,
        contracts: lambda: with_contracts_table(_read(contracts) or ""),
    }
    return {path: make for path, make in files.items() if not only or _kind(path) in only}


def _kind(path: str) -> str:
    return {"policies.md": "docs", "CONTRACTS.md": "contracts", "reads.json": "reads"}.get(os.path.basename(path), "golden")


def regenerate(root: str = REPO_ROOT, *, check: bool = False, only: Optional[set[str]] = None,
               rules: Optional[list[str]] = None) -> list[str]:
    """Write (or, with check, compare) every generated file; returns the paths that were stale."""
    only = only or set()
    stale = []
    for path, make in _generated_files(root, only, rules).items():
        content = make()
        if _read(path) != content:
            stale.append(os.path.relpath(path, root))
            if not check:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(content)
    if not only or "golden" in only:
        with tempfile.TemporaryDirectory() as scratch:
            write_golden_evidence(root, scratch)
            target = golden_dir(root)
            names = sorted(set(os.listdir(scratch)) | set(os.listdir(target) if os.path.isdir(target) else []))
            for name in names:
                if _read(os.path.join(scratch, name)) != _read(os.path.join(target, name)):
                    stale.append(os.path.relpath(os.path.join(target, name), root))
            if not check and any(s.startswith(os.path.relpath(target, root)) for s in stale):
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(scratch, target)
    return stale


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perimeter.regen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming each stale file")
    parser.add_argument("--root", default=REPO_ROOT, help="the checkout to regenerate (default: this one)")
    parser.add_argument("--only", action="append", choices=("docs", "contracts", "reads", "golden"),
                        help="regenerate only these (repeatable; default: everything)")
    parser.add_argument("--rules", action="append", metavar="MODULE",
                        help="record reads only from these rule modules' tests, keeping reads.json's entries for "
                             "the others (repeatable; the quick path while writing a rule; default: every rule)")
    args = parser.parse_args(argv)
    try:
        stale = regenerate(os.path.abspath(args.root), check=args.check, only=set(args.only or ()), rules=args.rules)
    except Stale as problem:
        sys.stderr.write(f"perimeter regen: {problem}\n")
        return 2
    for path in stale:
        sys.stderr.write(f"{'stale' if args.check else 'regenerated'}: {path}\n")
    if args.check and stale:
        sys.stderr.write(f"perimeter regen: {len(stale)} generated file(s) out of date; run `{COMMAND}`\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

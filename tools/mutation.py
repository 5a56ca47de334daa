"""`make mutation`: mutmut over the pack and the verdict logic, one module group at a time.

Usage: python tools/mutation.py [GROUP ...]      (default: every group; `--list` prints them)

Each group is a set of modules and the tests that guard them: a rule module
`rules/x.py` -> `tests/policies/test_x.py`; a shared rule helper `rules/_h.py` ->
the tests of the rules that import it and its own `tests/policies/test_shared_h.py`;
the pack core and the verdict logic -> their own test sets (GROUPS below). A
group runs in its own copy of the repo, build/mutation/<group>/, laid out so the
pack's package sits at the top level (mutmut names a mutant by its file path,
which must match the import name). The
staged pyproject holds the repo's [tool.mutmut] and pytest settings with that
group's `only_mutate` and test selection, so mutmut collects its per-function
test map over the group's tests only and each mutant runs just the tests that
call the mutated function. At most 2 workers, at `nice -n 15`.

The score per module (every group run so far) is printed as a Markdown table
and written to build/mutation/scores.md; survivors are listed per group by
`cd build/mutation/<group> && mutmut results`, shown by `mutmut show <name>`.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
RULES = ROOT / "policies" / "perimeter_policies" / "rules"
MUTMUT = Path(sys.executable).parent / "mutmut"
WORKERS = "2"

# The pack core's own tests (test_pack_core_*: they build their Rules and policies, since the pack's own are
# built at import time, before mutmut switches a mutant on), the waiver tests and the stacks' policy configs.
# Not test_pack.py: its core calls run at import, and its inventory checks read the generated reads.json,
# which lags new rules until `make regen`. Rule tests add no kill here (measured) and change under other work.
CORE_TESTS = ["tests/policies/test_waiver_clock.py", "tests/policies/test_waiver_rules.py",
              "tests/policies/test_pack_core_rule.py", "tests/policies/test_pack_core_pack.py",
              "tests/policies/test_pack_core_evaluation.py", "tests/policies/test_pack_core_adapter.py",
              "tests/policies/test_pack_core_waivers.py",
              "tests/policies/test_policy_config_files.py"]
GROUPS = {
    "verdict": (["perimeter/engine/analyzer.py", "perimeter/report.py", "perimeter/render/*"], ["tests/verdict"]),
    "pack-core": (["perimeter_policies/adapter.py", "perimeter_policies/evaluation.py", "perimeter_policies/waivers.py",
                   "perimeter_policies/model.py", "perimeter_policies/rule.py", "perimeter_policies/pack.py"], CORE_TESTS),
}


# Rule tests kept beside tests/policies/test_<rule>.py: their rows would otherwise be mutated with no test watching.
MORE_RULE_TESTS = {"cmk_encryption_at_rest": ["tests/policies/test_cmk_table_rows.py"]}


def _has_functions(module: Path) -> bool:
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))))


def rule_groups() -> dict[str, tuple[list[str], list[str]]]:
    groups = {}
    rule_files = sorted(p for p in RULES.glob("*.py") if not p.name.startswith("_"))
    for path in rule_files:
        test = f"tests/policies/test_{path.stem}.py"
        if (ROOT / test).exists():
            groups[f"rule-{path.stem}"] = ([f"perimeter_policies/rules/{path.name}"],
                                           [test] + MORE_RULE_TESTS.get(path.stem, []))
    for helper in sorted(RULES.glob("_*.py")):
        if not _has_functions(helper):
            continue  # data only (_s3, _cmk_exemptions): mutmut mutates function bodies, so there is nothing to run
        users = [p.stem for p in rule_files if re.search(rf"from \.{helper.stem} import|from \. import .*\b{helper.stem}\b",
                                                        p.read_text(encoding="utf-8"))]
        # A helper's own unit tests (tests/policies/test_shared_<h>.py) pin its logic where no rule test reaches it.
        tests = [f"tests/policies/test_{u}.py" for u in users + [f"shared{helper.stem}"]
                 if (ROOT / f"tests/policies/test_{u}.py").exists()]
        if tests:
            groups[f"helper{helper.stem}"] = ([f"perimeter_policies/rules/{helper.name}"], tests)
    return groups


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "]"


def stage(name: str, mutate: list[str], tests: list[str]) -> Path:
    """build/mutation/<name>: the repo's code and tests, with perimeter_policies at the top level."""
    directory = BUILD / name
    if directory.exists():
        shutil.rmtree(directory)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "policies" / "perimeter_policies", directory / "perimeter_policies", ignore=ignore)
    for part in ("perimeter", "tests", "docs"):
        shutil.copytree(ROOT / part, directory / part, ignore=ignore)
    (directory / "policies").mkdir()
    for part in ("config", "PulumiPolicy.yaml", "__main__.py"):
        source = ROOT / "policies" / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, directory / "policies" / part)
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mutmut, pytest_options = settings["tool"]["mutmut"], settings["tool"]["pytest"]["ini_options"]
    lines = ["[tool.pytest.ini_options]", f"testpaths = {_toml_list(pytest_options['testpaths'])}",
             f"addopts = \"{pytest_options['addopts']}\"", "", "[tool.mutmut]",
             f"source_paths = {_toml_list(mutmut['source_paths'])}", f"also_copy = {_toml_list(mutmut['also_copy'])}",
             f"only_mutate = {_toml_list(mutate)}", f"do_not_mutate = {_toml_list(mutmut['do_not_mutate'])}",
             f"pytest_add_cli_args = {_toml_list(mutmut['pytest_add_cli_args'])}",
             f"pytest_add_cli_args_test_selection = {_toml_list(tests)}"]
    (directory / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def run(name: str, mutate: list[str], tests: list[str]) -> int:
    directory = stage(name, mutate, tests)
    print(f"== {name}: {', '.join(mutate)} <- {', '.join(tests)}", flush=True)
    with open(directory / "mutmut.log", "w", encoding="utf-8") as log:
        return subprocess.run(["nice", "-n", "15", str(MUTMUT), "run", "--max-children", WORKERS],
                              cwd=directory, stdout=log, stderr=subprocess.STDOUT).returncode


STATUS = re.compile(r"^\s*(\S+)__mutmut_\d+: (.+)$")


def scores(name: str, by_function: bool = False) -> dict[str, dict[str, int]]:
    """module (or module.function) -> {status: count}, from `mutmut results --all true` in the group's directory."""
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=BUILD / name, capture_output=True,
                             text=True).stdout
    per_module: dict[str, dict[str, int]] = {}
    for line in listing.splitlines():
        match = STATUS.match(line)
        if match:
            module = match.group(1) if by_function else re.split(r"\.x[_ǁ]", match.group(1))[0]
            counts = per_module.setdefault(module, {})
            counts[match.group(2)] = counts.get(match.group(2), 0) + 1
    return per_module


def table(results: dict[str, dict[str, int]]) -> str:
    rows = ["| module | mutants | killed | survived | no tests | timeout | not run | score |",
            "|---|---|---|---|---|---|---|---|"]
    for module, counts in sorted(results.items()):
        total = sum(counts.values())
        killed = counts.get("killed", 0) + counts.get("timeout", 0)
        rows.append(f"| `{module}` | {total} | {counts.get('killed', 0)} | {counts.get('survived', 0)} | "
                    f"{counts.get('no tests', 0)} | {counts.get('timeout', 0)} | {counts.get('not checked', 0)} | "
                    f"{100 * killed / total:.1f} % |")
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    groups = {**GROUPS, **rule_groups()}
    if argv == ["--list"]:
        for name, (mutate, tests) in groups.items():
            print(f"{name}: {' '.join(mutate)} <- {' '.join(tests)}")
        return 0
    unknown = [g for g in argv if g not in groups]
    if unknown:
        sys.stderr.write(f"mutation: unknown group(s) {', '.join(unknown)}; `--list` shows them\n")
        return 2
    failed = [name for name in argv or list(groups) if run(name, *groups[name]) != 0]
    # Every group run so far (this run or an earlier one), so subsets add up to the whole table.
    results: dict[str, dict[str, int]] = {}
    for name in sorted(g for g in groups if (BUILD / g / "mutants").is_dir()):
        for module, counts in scores(name).items():
            merged = results.setdefault(module, {})
            for status, count in counts.items():
                merged[status] = merged.get(status, 0) + count
    report = table(results)
    if (BUILD / "verdict" / "mutants").is_dir():
        # The engine module also runs the pack process (exercised by the scenario tests, not here);
        # its verdict logic is the policy-config functions, scored apart.
        analyzer = {f: c for f, c in scores("verdict", by_function=True).items() if ".engine.analyzer." in f}
        report += "\n" + table(analyzer)
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "scores.md").write_text(report, encoding="utf-8")
    sys.stdout.write(report)
    if failed:
        sys.stderr.write(f"mutation: mutmut failed for {', '.join(failed)} (see build/mutation/<group>/mutmut.log)\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Pack-level check: `reads.json` is what the rules' own tests read, judged in the run that reads it anyway.

The test kit records every top-level property a rule looks up (`testing.RECORDED_READS`); `make regen`
writes what the rules' own test modules record to `reads.json`. Recording the same reads a second time,
in a separate run, only to compare them would double the cost of the rule tests, so the suite compares
in passing: reads made while an item of a rule's own test module (`tests/policies/test_<rule module>.py`)
runs are kept; what any other test (the fuzz test, the kit's own tests) adds is undone after it, as those
tests are not in `make regen`'s run either. When the session ran every rule's whole test module
and passed, the kept reads must equal `reads.json`, or the session fails naming the rules that differ
and `make regen`. `make regen-check` checks the same thing on its own.

Under pytest-xdist each worker sends its reads to the controller (`workeroutput`), which judges.
"""

from __future__ import annotations

import copy
import json

import pytest

from .violation_coverage import RECORDER, fully_run_modules, rule_modules, rule_test_file

OUTPUT_KEY = "perimeter_recorded_reads"
RULE_TEST_FILES = {rule_test_file(module) for module in rule_modules()}
STALE: list[str] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    from perimeter_policies.testing import RECORDED_READS

    if str(item.path) in RULE_TEST_FILES:
        yield
        return
    kept = copy.deepcopy(RECORDED_READS)
    try:
        yield
    finally:
        RECORDED_READS.clear()
        RECORDED_READS.update(kept)


def _merge(reads: dict[str, dict[str, list[str]]]) -> None:
    from perimeter_policies.testing import RECORDED_READS

    for rule, types in reads.items():
        for type_, props in types.items():
            RECORDED_READS.setdefault(rule, {}).setdefault(type_, set()).update(props)


def _as_lists() -> dict[str, dict[str, list[str]]]:
    from perimeter_policies.testing import RECORDED_READS

    return {rule: {t: sorted(props) for t, props in types.items()} for rule, types in RECORDED_READS.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {}).get(OUTPUT_KEY)
    if output:
        _merge(json.loads(output))


def stale_rules(kept: dict[str, dict[str, list[str]]], committed: dict[str, dict[str, list[str]]]) -> list[str]:
    """The rules whose reads differ between this run and the committed `reads.json`."""
    return sorted(rule for rule in set(kept) | set(committed) if kept.get(rule) != committed.get(rule))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        session.config.workeroutput[OUTPUT_KEY] = json.dumps(_as_lists())
        return
    if exitstatus != pytest.ExitCode.OK:
        return  # a failing rule test records a partial picture
    modules = rule_modules()
    if fully_run_modules(session.config, modules, RECORDER.deselected_files) != sorted(modules):
        return  # only a run of every rule's whole test module sees everything `make regen` sees
    from perimeter_policies.inventory import recorded_reads

    STALE[:] = stale_rules(_as_lists(), recorded_reads())
    if STALE:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if STALE:
        terminalreporter.section("reads.json differs from what the rules' tests read", red=True)
        terminalreporter.line(f"rules: {', '.join(STALE)}")
        terminalreporter.line("Run `make regen` and commit policies/perimeter_policies/reads.json.")

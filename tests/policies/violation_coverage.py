"""Pack-level check: every resource type a rule declares has at least one violating case.

The test kit's runs are observed (see `install`) to
record each (policy, resource type) pair that raised a violation, whatever test
sent it: for a resource rule, the type of the resource analyzed; for a stack
rule, the type of the resource the violation names and of every resource in
that violating stack (a stack rule may declare a type it only reads for
context, e.g. the trail that makes a log group an audit log, which never itself
carries the finding). When a session has run a rule's whole test module
(`tests/policies/test_<rule module>.py`, named by path on the command line or
through a parent directory, nothing deselected), the rule's declared
`resource_types` must all appear among the recorded pairs; otherwise the
session fails and the missing types are listed. A rule can then no longer stop
evaluating a type unnoticed, because some test expects that type to violate.

Under pytest-xdist each worker sends its records to the controller
(`workeroutput`), and only the controller (or a plain session) judges.
Registered as a plugin by `tests/conftest.py`, so it loads in every process.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping

import pytest

OUTPUT_KEY = "perimeter_violation_coverage"
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


class Recorder:
    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()
        self.deselected_files: set[str] = set()
        self.gaps: dict[str, list[str]] = {}

    def record(self, policy: str, urns: Iterable[str]) -> None:
        for urn in urns:
            if urn:
                self.pairs.add((policy, resource_type(urn)))


RECORDER = Recorder()


def resource_type(urn: str) -> str:
    """The resource's own type from `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`."""
    return urn.split("::")[2].split("$")[-1]


def _observe(policy_name, result) -> None:
    RECORDER.record(policy_name, result.urns)


def _urn_of(subject) -> str:
    return subject["urn"] if isinstance(subject, dict) else subject.urn


def _recording_stack(function):
    """analyze_stack that also credits every type in a stack that raised a violation."""
    def wrapper(policy_name, subjects, *args, **kwargs):
        subjects = list(subjects)
        result = function(policy_name, subjects, *args, **kwargs)
        if result.violations:
            from perimeter_policies.testing import rule_named

            RECORDER.record(rule_named(policy_name).name, [_urn_of(s) for s in subjects])
        return result

    wrapper.__wrapped__ = function
    wrapper.__doc__ = function.__doc__
    return wrapper


def install() -> None:
    """Observe every run of the pack's test kit (tests.policy_harness and typed tests alike).

    Called from tests/policies/conftest.py, before any rule test module imports the kit's names.
    """
    from perimeter_policies import testing

    from tests import policy_harness

    if _observe not in testing.OBSERVERS:
        testing.OBSERVERS.append(_observe)
    for module in (testing, policy_harness):
        if not hasattr(module.analyze_stack, "__wrapped__"):
            module.analyze_stack = _recording_stack(module.analyze_stack)


def rule_test_file(module: str) -> str:
    return os.path.join(TESTS_DIR, f"test_{module}.py")


def uncovered_types(declared: Mapping[str, tuple[str, Iterable[str]]], recorded: set[tuple[str, str]],
                    checked_modules: Iterable[str]) -> dict[str, list[str]]:
    """Per policy (of the checked rule modules), the declared types no test saw violate.

    `declared` maps a rule module name to (policy name, declared resource types).
    """
    gaps = {}
    for module in checked_modules:
        policy, types = declared[module]
        missing = sorted(t for t in types if (policy, t) not in recorded)
        if missing:
            gaps[policy] = missing
    return gaps


def rule_modules() -> list[str]:
    import pkgutil

    from perimeter_policies import rules

    return [m.name for m in pkgutil.iter_modules(rules.__path__) if not m.name.startswith("_")]


def declared_rules() -> dict[str, tuple[str, tuple[str, ...]]]:
    import importlib

    found = {}
    for module in rule_modules():
        rule = importlib.import_module(f"perimeter_policies.rules.{module}").RULE
        found[module] = (rule.name, tuple(rule.resource_types))
    return found


def fully_run_modules(config: pytest.Config, modules: Iterable[str], deselected_files: set[str]) -> list[str]:
    """Rule modules whose whole test file this session ran: a path argument (not a node id) covers it."""
    base = str(config.invocation_params.dir)
    paths = [os.path.abspath(os.path.join(base, arg)) for arg in config.args if "::" not in arg]
    checked = []
    for module in modules:
        test_file = rule_test_file(module)
        covered = any(test_file == path or test_file.startswith(path.rstrip(os.sep) + os.sep) for path in paths)
        if covered and test_file not in deselected_files:
            checked.append(module)
    return sorted(checked)


# --- hooks ---

def pytest_deselected(items) -> None:
    RECORDER.deselected_files.update(str(item.path) for item in items)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {}).get(OUTPUT_KEY)
    if output:
        RECORDER.pairs.update(tuple(pair) for pair in output["pairs"])
        RECORDER.deselected_files.update(output["deselected"])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _is_worker(session.config):
        session.config.workeroutput[OUTPUT_KEY] = {"pairs": sorted(RECORDER.pairs),
                                                   "deselected": sorted(RECORDER.deselected_files)}
        return
    if exitstatus != pytest.ExitCode.OK:
        return  # failures are reported already; a partial run proves nothing about coverage
    checked = fully_run_modules(session.config, rule_modules(), RECORDER.deselected_files)
    if not checked:
        return
    RECORDER.gaps = uncovered_types(declared_rules(), RECORDER.pairs, checked)
    if RECORDER.gaps:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if RECORDER.gaps:
        terminalreporter.section("declared resource types without a violating case", red=True)
        for policy, types in sorted(RECORDER.gaps.items()):
            terminalreporter.line(f"{policy}: {', '.join(types)}")
        terminalreporter.line("Add a test that mutates a compliant baseline of each type into a violation "
                              "(tests/policies/test_<rule>.py), or drop the type from the rule.")

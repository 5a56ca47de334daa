"""What the engine and `perimeter preview` each decided, in one comparable shape.

The engine shows a user three things about a policy on a resource:
- a violation (a policy event) with its enforcement level; a check the SDK
  could not run at preview is an advisory violation ("can't run policy");
- passed: named in the analyze summary's `passed`;
- not applicable: a policy the pack runs on that subject named in neither
  `passed` nor `failed`. That is how the engine shows a finding the pack waived
  or a check it deferred to `pulumi up` (the pack reports both as its
  not-applicable reason; the engine keeps the reason to itself).
Stack policies are summarized once per stack; their subject here is STACK.
"""

from __future__ import annotations

from dataclasses import dataclass

from perimeter_policies.pack import load_rules

from perimeter.engine.analyzer import PolicyPackProcess, load_policy_config, resolve_policy_config

STACK = "<stack>"
RESOURCE = "<resource>"
CANT_RUN = "can't run policy"


@dataclass(frozen=True)
class Outcomes:
    violations: frozenset[tuple[str, str, str]]      # (policy, urn, enforcement level)
    not_applicable: frozenset[tuple[str, str]]        # (policy, urn or STACK)
    decided: frozenset[tuple[str, str]] = frozenset()  # (policy, urn or STACK) passed or failed, as summarized

    def mandatory(self) -> bool:
        return any(level == "mandatory" for _, _, level in self.violations)


def _stack_policies() -> set[str]:
    return {rule.name for rule in load_rules() if rule.scope == "stack"}


def enabled_policies(pack_dir: str, policy_config: str | None) -> dict[str, set[str]]:
    """The policies the pack runs under `policy_config` (a disabled one is never summarized), by kind."""
    with PolicyPackProcess(pack_dir, project="conformance", stack="conformance") as pack:
        _, levels = resolve_policy_config(pack.info(), load_policy_config(policy_config))
    enabled = {name for name, level in levels.items() if level != "disabled"}
    return {STACK: enabled & _stack_policies(), RESOURCE: enabled - _stack_policies()}


def from_engine(events: list[dict], enabled: dict[str, set[str]]) -> Outcomes:
    violations = set()
    summaries: list[tuple[str, set[str], set[str]]] = []  # (subject, passed, failed)
    for event in events:
        if "policyEvent" in event:
            e = event["policyEvent"]
            violations.add((e["policyName"], e.get("resourceUrn", STACK), e["enforcementLevel"]))
        elif "policyAnalyzeSummaryEvent" in event:
            e = event["policyAnalyzeSummaryEvent"]
            summaries.append((e["resourceUrn"], set(e.get("passed") or ()), set(e.get("failed") or ())))
        elif "policyAnalyzeStackSummaryEvent" in event:
            e = event["policyAnalyzeStackSummaryEvent"]
            summaries.append((STACK, set(e.get("passed") or ()), set(e.get("failed") or ())))
    not_applicable, decided = set(), set()
    for subject, passed, failed in summaries:
        decided.update((policy, subject) for policy in passed | failed)
        for policy in enabled[STACK if subject == STACK else RESOURCE] - passed - failed:
            not_applicable.add((policy, subject))
    return Outcomes(frozenset(violations), frozenset(not_applicable), frozenset(decided))


def _subject(stack_policies: set[str], policy: str, urn: str) -> str:
    return STACK if policy in stack_policies else urn


def deferred(report: dict, phase: str) -> set[tuple[str, str]]:
    """The checks `perimeter preview` deferred in `phase` to a later one, by (policy, subject)."""
    stack_policies = _stack_policies()
    return {(n["policy"], _subject(stack_policies, n["policy"], n["urn"])) for n in report["notApplicable"]
            if n["phase"] == phase and n["reason"].startswith(f"unknown at {phase}")}


def from_perimeter(report: dict, phase: str) -> Outcomes:
    """`perimeter preview --format json --phase <phase>`, reduced to what the engine shows."""
    stack_policies = _stack_policies()

    def subject(policy: str, urn: str) -> str:
        return _subject(stack_policies, policy, urn)

    violations, not_applicable = set(), set()
    for v in report["violations"]:
        if v["phase"] != phase:
            continue
        if v["enforcementLevel"] == "waived":
            not_applicable.add((v["policy"], subject(v["policy"], v["urn"])))
        else:
            violations.add((v["policy"], v["urn"] or STACK, v["enforcementLevel"]))
    for d in report["diagnostics"]:
        if d["phase"] == phase and CANT_RUN in d["message"]:
            violations.add((d["policy"], d["urn"], d["enforcementLevel"]))
    for n in report["notApplicable"]:
        if n["phase"] == phase:
            not_applicable.add((n["policy"], subject(n["policy"], n["urn"])))
    return Outcomes(frozenset(violations), frozenset(not_applicable))

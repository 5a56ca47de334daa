"""Run one rule and settle its outcomes against the waivers. Pure; no SDK.

What reaches the engine:
- violations that no active waiver covers, reported at the policy's level;
- waived findings and checks deferred to `pulumi up`, reported together as
  the policy's not-applicable reason: a readable summary, then a marker line
  with JSON that `perimeter` reads back (the protocol has no "waived" level).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Optional, Union

from .model import Deferred, ResourceView, StackView, Violation
from .rule import Rule
from .waivers import waiver_for, waivers_in

OUTCOMES_MARKER = "perimeter-outcomes:"


@dataclass(frozen=True)
class Reported:
    message: str
    urn: str


@dataclass(frozen=True)
class Waived:
    urn: str
    message: str
    reason: str
    approver: str
    expires: str


@dataclass
class Evaluation:
    violations: list[Reported] = field(default_factory=list)
    waived: list[Waived] = field(default_factory=list)
    deferred: list[Reported] = field(default_factory=list)

    def not_applicable_reason(self) -> Optional[str]:
        if not (self.waived or self.deferred):
            return None
        summary = []
        if self.waived:
            summary.append(f"{len(self.waived)} finding(s) waived by policy config")
        if self.deferred:
            summary.append(f"{len(self.deferred)} check(s) need values known only at update: "
                           + "; ".join(d.message for d in self.deferred))
        payload = {"waived": [asdict(w) for w in self.waived], "deferred": [asdict(d) for d in self.deferred]}
        return "; ".join(summary) + "\n" + OUTCOMES_MARKER + " " + json.dumps(payload, sort_keys=True)


def parse_not_applicable_reason(reason: str) -> Optional[dict[str, Any]]:
    """Inverse of `Evaluation.not_applicable_reason`, for the CLI; None if not ours.

    The payload is the last line (JSON escapes newlines), so a message in the summary that quotes the
    marker cannot be mistaken for it.
    """
    _, marker, payload = reason.rpartition("\n" + OUTCOMES_MARKER + " ")
    if not marker:
        return None
    return json.loads(payload)


def _guarded(rule: Rule, subject: Union[ResourceView, StackView], config: Mapping[str, Any]):
    """The rule's outcomes; an exception becomes a violation naming the policy, the subject and the error.

    A safety net, not a way of reading values: without it the engine reports a
    pack failure that names neither the policy nor the resource, and a check
    that could not run must never look like a pass. Rules still read every
    value defensively (tests/policies/test_fuzz_rules.py calls them directly).
    """
    try:
        yield from rule.check(subject, config)
    except Exception as error:  # noqa: BLE001 - any crash is reported, never swallowed
        where = (f"{subject.type.rsplit(':', 1)[-1]} '{subject.name}'" if isinstance(subject, ResourceView)
                 else "the stack")
        yield Violation(f"policy {rule.name} could not evaluate {where}: {type(error).__name__}: {error}. "
                        "A value the policy cannot read is not a pass; fix the input (or report a policy bug).")


def evaluate(rule: Rule, subject: Union[ResourceView, StackView], supplied_config: Optional[Mapping[str, Any]]) -> Evaluation:
    config = rule.config(supplied_config)
    waivers = waivers_in(rule.name, config, waivable=rule.waivable)
    default_urn = subject.urn if isinstance(subject, ResourceView) else ""
    result = Evaluation()
    for outcome in _guarded(rule, subject, config):
        urn = outcome.urn or default_urn
        if isinstance(outcome, Deferred):
            result.deferred.append(Reported(outcome.reason, urn))
            continue
        assert isinstance(outcome, Violation), f"{rule.name} yielded {outcome!r}"
        active, unusable = waiver_for(urn, waivers)
        if active is not None:
            result.waived.append(Waived(urn, outcome.message, active.reason, active.approver, active.expires))
            continue
        message = outcome.message
        for waiver in unusable:
            message += f" ({waiver.describe()} not applied: {waiver.problem}.)"
        result.violations.append(Reported(message, urn))
    return result

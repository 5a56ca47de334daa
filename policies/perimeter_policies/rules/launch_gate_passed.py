"""launch-gate-passed: a gated stack ships only what a passing evaluation tested.

Why: a new model id, a reworded prompt, a weakened guardrail or a changed test
set can each let card data or regulated advice through, and none of them shows
up as an infrastructure violation. The program (components/launch_gate.py)
compares the digests of all four, plus the model id, with the evaluation
records in `evaluations/<stack>/` and registers its verdict as a
`perimeter:governance:LaunchGate` component. This rule blocks any verdict but
PASSED on a stack whose config sets `launchGate`: the change was not tested
(PCI DSS 6.5.1/6.5.2, SOC 2 CC8.1: changes are tested and approved before
release; CC3.4: changes that affect controls are assessed).

The launch also relies on controls AWS carries (no training on prompts, the
SOC and PCI attestations). Each must have been confirmed against its source
document within `maxConfirmationAgeDays` (default 365) of the evaluation the
gate rests on (PCI DSS 12.8.4: service providers' status is monitored at least
every 12 months; SOC 2 CC9.2). A stale confirmation blocks the launch too.

Ungated stacks (no `launchGate`; allowed outside prod) are not judged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

GATE_TYPE = "perimeter:governance:LaunchGate"
PASSED = "PASSED"
DEFAULT_MAX_AGE_DAYS = 365


def stale_confirmations(controls: Iterable[Mapping[str, Any]], as_of: dt.date, max_age_days: int) -> list[str]:
    """One phrase per inherited control confirmed more than `max_age_days` days before `as_of`."""
    stale = []
    for control in controls:
        age = (as_of - dt.date.fromisoformat(control["confirmedOn"])).days
        if age > max_age_days:
            stale.append(f"inherited control {control['control']} was last confirmed {control['confirmedOn']} "
                         f"({age} days before {as_of.isoformat()}, limit {max_age_days}): re-read "
                         f"{control['source']['url']} and update its confirmation date")
    return stale


def _evaluation_day(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def check(gate: ResourceView, config):
    required = gate.get("required")
    if required is not True:
        return
    problems, unknowns = [], []
    status = gate.get("status")
    if is_unknown(status):
        unknowns.append("status")
    elif status != PASSED:
        problems.append(f"launch gate {status}: {gate.get('reason')}")
    evaluated_at = gate.get("evaluatedAt")
    if evaluated_at:  # the evaluation clock; without a record the gate has already failed
        max_age = gate.get("maxConfirmationAgeDays")
        max_age = int(max_age) if isinstance(max_age, (int, float)) else DEFAULT_MAX_AGE_DAYS
        problems += stale_confirmations(gate.get("inheritedControls") or [], _evaluation_day(evaluated_at), max_age)
    yield from settle(problems, unknowns, subject=describe(gate))


RULE = Rule(
    name="launch-gate-passed",
    description="A gated stack deploys only with a passing evaluation record matching its current model, prompts, "
                "guardrail config, assistant code and test set, and freshly confirmed inherited controls.",
    severity="high",
    pci_dss=("6.5.1", "6.5.2", "12.8.4"),
    soc2=("CC8.1", "CC3.4", "CC9.2"),
    remediation=(
        "Run the command the finding names (perimeter evaluate --stack <stack> [--live] --record "
        "evaluations/<stack>/) and commit the record; for a stale inherited control, re-read its source document "
        "and update perimeter:governance.<control>ConfirmedOn."
    ),
    check=check,
    resource_types=(GATE_TYPE,),
    violation_example=(
        "perimeter:model.id changed from anthropic.claude-3-5-sonnet-20240620-v1:0 to a newer model without "
        "re-running perimeter evaluate --live"
    ),
)

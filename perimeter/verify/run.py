"""`perimeter verify`: check the deployed stack against the same controls preview enforces.

Every check x resource becomes one Evaluation row: COMPLIANT, NON_COMPLIANT,
or NOT_APPLICABLE with "not verifiable: <why>" when AWS could not answer. A
violation is a finding at the control's level (mandatory); a check AWS could
not answer is an advisory finding, never a pass. A run with no verdict (exit 2,
or 1 with `--strict`): nothing verified, a mandatory check AWS would not
answer, or AWS unreachable for some check; the report is still written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

import perimeter_policies
from perimeter_policies.pack import PACK_NAME

from ..engine.analyzer import pack_version
from ..errors import HarnessError
from ..report import (
    COMPLIANT,
    EXIT_VIOLATIONS,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    NOT_VERIFIABLE,
    Evaluation,
    Finding,
    Report,
    Resource,
)
from . import outputs as contract
from .aws import Connection, Reader, ResourceMissing, Unverifiable, make_session
from .checks import Check, all_checks
from .controls import control
from .discover import discover

PHASE = "live"
# The outputs do not name the Pulumi project; stack + control id is what joins preview and live rows.
PROJECT = "perimeter"


@dataclass(frozen=True)
class VerifyOptions:
    stack: str
    outputs_path: Optional[str] = None
    region: Optional[str] = None
    endpoint_url: Optional[str] = None


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str
    unreachable: bool = False


def evaluate(check: Check, reader: Reader, target: contract.Target) -> Outcome:
    try:
        problems = list(check.verify(reader, target))
    except ResourceMissing as missing:
        return Outcome(NON_COMPLIANT, f"{target.name} ({target.urn}) not found: {missing}")
    except Unverifiable as reason:
        return Outcome(NOT_APPLICABLE, f"{NOT_VERIFIABLE}{reason}", reason.unreachable)
    if problems:
        return Outcome(NON_COMPLIANT, "\n".join(problems))
    return Outcome(COMPLIANT, "")


def _finding(control_id: str, target: contract.Target, outcome: Outcome) -> Finding:
    meta = control(control_id)
    if outcome.status == NON_COMPLIANT:  # worded like preview's findings: what is wrong, then the fix
        return Finding(control_id, meta.enforcement_level, meta.severity, target.urn,
                       f"{outcome.message}\nFix: {meta.remediation}", PHASE, tuple(meta.frameworks))
    return Finding(control_id, "advisory", meta.severity, target.urn, outcome.message, PHASE, tuple(meta.frameworks))


def _account_id(reader: Reader, connection: Connection) -> str:
    try:
        return reader.call("sts", "GetCallerIdentity")["Account"]
    except Unverifiable as reason:
        where = connection.endpoint_url or f"AWS in {connection.region}"
        raise HarnessError(f"cannot verify against {where}: {reason}") from None


def verdict_gap(evaluations: list[Evaluation], unreachable: bool) -> str:
    """Why the run has no verdict ("" when it has one): nothing verified, a mandatory check unanswered, AWS unreachable.

    A check AWS would not answer (denied, throttled, not implemented) proves nothing, so a mandatory
    control left unanswered cannot be reported as holding.
    """
    if verified_nothing(evaluations):
        return f"nothing was verified: all {len(evaluations)} checks were not verifiable"
    blind = sorted({e.policy for e in evaluations
                    if e.status == NOT_APPLICABLE and control(e.policy).enforcement_level == "mandatory"})
    if blind:
        count = sum(1 for e in evaluations if e.status == NOT_APPLICABLE and e.policy in blind)
        return f"{count} mandatory check(s) not verifiable ({', '.join(blind)})"
    return "some checks could not reach AWS" if unreachable else ""


def verified_nothing(evaluations: list[Evaluation]) -> bool:
    return not any(e.status in (COMPLIANT, NON_COMPLIANT) for e in evaluations)


def exit_code(report: Report, strict: bool) -> int:
    """Report.exit_code, except that `--strict` turns "no verdict" into a failure, unless nothing was verified."""
    if report.no_verdict and strict and not verified_nothing(report.evaluations):
        return EXIT_VIOLATIONS
    return report.exit_code


def run_verify(options: VerifyOptions, progress: Optional[Callable[[str, int, int], None]] = None) -> Report:
    declared = contract.load(options.outputs_path) if options.outputs_path else None
    connection = Connection(contract.region_of(declared, options.region), options.endpoint_url)
    reader = Reader(make_session(connection), connection)
    reader.account_id = _account_id(reader, connection)
    checked_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if declared is None:
        try:
            declared = discover(reader, options.stack, connection.region)
        except Unverifiable as reason:
            raise HarnessError(f"cannot discover the resources tagged environment={options.stack}: {reason}") from None

    targets = contract.targets(declared, reader.account_id, connection.region)
    checks = all_checks()
    evaluations, findings, unreachable = [], [], False
    planned = [(target, check) for target in targets for check in checks if check.resource_type == target.type]
    for done, (target, check) in enumerate(planned, 1):
        outcome = evaluate(check, reader, target)
        if progress:
            progress("verify", done, len(planned))
        unreachable = unreachable or outcome.unreachable
        evaluations.append(Evaluation(check.control, target.urn, target.type, PHASE, outcome.status, outcome.message))
        if outcome.status != COMPLIANT:
            findings.append(_finding(check.control, target, outcome))

    no_verdict = verdict_gap(evaluations, unreachable)
    return Report(
        command="verify", project=PROJECT, stack=options.stack, pack_name=PACK_NAME, pack_version=pack_version(os.path.dirname(os.path.dirname(perimeter_policies.__file__))),
        controls=[control(name) for name in sorted({c.control for c in checks})],
        resources=[Resource(t.urn, t.type, t.name) for t in targets],
        findings=findings, evaluations=evaluations,
        not_applicable=[{"policy": e.policy, "urn": e.urn, "reason": e.message, "phase": PHASE}
                        for e in evaluations if e.status == NOT_APPLICABLE],
        outputs=declared,
        # Every row, compliant ones included, so `perimeter evidence --verify-report` can show what operated.
        extra={"checkedAt": checked_at, "accountId": reader.account_id, "region": connection.region,
               "noVerdict": no_verdict,
               "evaluations": [{"policy": e.policy, "urn": e.urn, "type": e.type, "status": e.status}
                               for e in evaluations]},
        no_verdict=no_verdict,
    )

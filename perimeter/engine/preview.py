"""The offline two-phase preview: program under the mock runtime, pack over gRPC.

`run_preview` is the single code path behind `perimeter preview` and
`perimeter evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from perimeter_policies.evaluation import parse_not_applicable_reason
from perimeter_policies.waivers import ACTIVE, MALFORMED, waivers_in
from pulumi.runtime.proto import analyzer_pb2

from ..errors import UsageError
from ..harness.project import load_project
from ..harness.runner import PHASES, run_phases
from ..report import (
    COMPLIANT,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    UNKNOWN_AT_PREVIEW,
    WAIVED,
    Control,
    Evaluation,
    Finding,
    Report,
    Resource,
)
from .analyzer import LEVEL_NAMES, SEVERITY_NAMES, PolicyPackProcess, load_policy_config
from .controls import controls_from_info

CANT_RUN = "can't run policy"
STACK_TYPE = "pulumi:pulumi:Stack"
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class PreviewOptions:
    cwd: str
    stack: str
    policy_pack: str
    policy_config: Optional[str] = None
    phases: tuple[str, ...] = PHASES
    timeout: float = 300.0


class _PhaseResult:
    """Everything the pack said about one phase, sorted into report entries."""

    def __init__(self, phase: str, controls: dict[str, Control]) -> None:
        self.phase = phase
        self.controls = controls
        self.findings: list[Finding] = []
        self.not_applicable: list[dict] = []
        self.diagnostics: list[dict] = []
        # (policy, urn) -> status/message/waiver, for the evaluation rows
        self.outcomes: dict[tuple[str, str], tuple[str, str, Optional[dict]]] = {}

    def _mark(self, policy: str, urn: str, status: str, message: str = "", waiver: Optional[dict] = None) -> None:
        order = (NON_COMPLIANT, WAIVED, UNKNOWN_AT_PREVIEW, NOT_APPLICABLE)
        current = self.outcomes.get((policy, urn))
        if current is None or order.index(status) < order.index(current[0]):
            self.outcomes[(policy, urn)] = (status, message, waiver)

    def _frameworks(self, policy: str) -> tuple[str, ...]:
        control = self.controls.get(policy)
        return tuple(control.frameworks) if control else ()

    def take(self, response: analyzer_pb2.AnalyzeResponse, analyzed_urn: str) -> None:
        for d in response.diagnostics:
            if CANT_RUN in d.message:
                self.diagnostics.append({"policy": d.policyName, "urn": analyzed_urn, "message": d.message,
                                         "phase": self.phase, "enforcementLevel": "advisory"})
                if analyzed_urn:
                    self._mark(d.policyName, analyzed_urn, UNKNOWN_AT_PREVIEW, d.message)
                continue
            # Like the engine: a per-resource diagnostic belongs to the analyzed resource, whatever URN it names.
            urn = analyzed_urn or d.urn
            self.findings.append(Finding(d.policyName, LEVEL_NAMES.get(d.enforcementLevel, "advisory"),
                                         SEVERITY_NAMES.get(d.severity, ""), urn, d.message, self.phase,
                                         self._frameworks(d.policyName)))
            self._mark(d.policyName, urn, NON_COMPLIANT, d.message)
        for entry in response.not_applicable:
            outcomes = parse_not_applicable_reason(entry.reason)
            if outcomes is None:
                self.not_applicable.append({"policy": entry.policy_name, "urn": analyzed_urn, "reason": entry.reason,
                                            "phase": self.phase})
                if analyzed_urn:
                    self._mark(entry.policy_name, analyzed_urn, NOT_APPLICABLE, entry.reason)
                continue
            control = self.controls.get(entry.policy_name)
            for waived in outcomes["waived"]:
                waiver = {k: waived[k] for k in ("reason", "approver", "expires")}
                self.findings.append(Finding(entry.policy_name, "waived", control.severity if control else "",
                                             waived["urn"], waived["message"], self.phase,
                                             self._frameworks(entry.policy_name), waiver))
                self._mark(entry.policy_name, waived["urn"], WAIVED, waived["message"], waiver)
            for deferred in outcomes["deferred"]:
                self.not_applicable.append({"policy": entry.policy_name, "urn": deferred["urn"],
                                            "reason": f"unknown at {self.phase}: {deferred['message']}", "phase": self.phase})
                self._mark(entry.policy_name, deferred["urn"], UNKNOWN_AT_PREVIEW, deferred["message"])

    def evaluations(self, resources: list[dict]) -> list[Evaluation]:
        rows = []
        seen = set()
        for control in self.controls.values():
            if control.enforcement_level == "disabled":
                continue
            for resource in resources:
                if resource["type"] == STACK_TYPE or not control.evaluates(resource["type"]):
                    continue
                status, message, waiver = self.outcomes.get((control.name, resource["urn"]), (COMPLIANT, "", None))
                rows.append(Evaluation(control.name, resource["urn"], resource["type"], self.phase, status, message, waiver))
                seen.add((control.name, resource["urn"]))
        types = {r["urn"]: r["type"] for r in resources}
        for (policy, urn), (status, message, waiver) in sorted(self.outcomes.items()):
            if (policy, urn) not in seen:  # a finding on a resource outside the policy's declared scope
                rows.append(Evaluation(policy, urn, types.get(urn, ""), self.phase, status, message, waiver))
        return rows


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """The update phase re-finds what preview found; keep each finding once, at its first phase."""
    seen, unique = set(), []
    for f in findings:
        key = (f.policy, f.urn, f.enforcement_level, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def waiver_diagnostics(document: dict, controls: dict[str, Control], source: str = "the policy config") -> list[dict]:
    """Waivers in the policy config that cannot apply, said up front (the pack only says so on a finding).

    A malformed waiver is a config error (exit 2): the security team must fix it, not read past it.
    """
    diagnostics = []
    for policy, value in document.items():
        if policy not in controls:
            continue
        for waiver in waivers_in(policy, value, waivable=controls[policy].waivable):
            if waiver.status == MALFORMED:
                raise UsageError(f"{source}: {waiver.describe()} is malformed: {waiver.problem}")
            if waiver.status != ACTIVE:
                diagnostics.append({"policy": policy, "urn": waiver.resource, "phase": "config",
                                    "enforcementLevel": "advisory",
                                    "message": f"{waiver.describe()} does not apply: {waiver.problem}"})
    return diagnostics


def run_preview(options: PreviewOptions, progress: Optional[Progress] = None) -> Report:
    project = load_project(options.cwd, options.stack)
    document = load_policy_config(options.policy_config)
    with PolicyPackProcess(options.policy_pack, project=project.name, stack=project.stack) as pack:
        info = pack.info()
        pack_version = pack.version(info)
        levels = pack.configure(info, document)  # fails fast on bad policy config, before the program runs
        controls = {c.name: c for c in controls_from_info(info, levels)}
        diagnostics = waiver_diagnostics(document, controls, f"--policy-config {options.policy_config}")
        captures = run_phases(project, options.phases, options.timeout)
        results = []
        for phase in options.phases:
            capture = captures[phase]
            result = _PhaseResult(phase, controls)
            pack.configure_stack(dry_run=phase == "preview", config=project.config)
            # The engine analyzes every registration: the stack, providers and components included.
            for done, resource in enumerate(capture.resources, 1):
                result.take(pack.analyze(resource), resource["urn"])
                if progress:
                    progress(phase, done, len(capture.resources))
            result.take(pack.analyze_stack(capture.resources), "")
            results.append((result, capture))

    first_capture = results[0][1]
    report = Report(
        command="preview", project=project.name, stack=project.stack, pack_name=info.name,
        pack_version=pack_version, controls=list(controls.values()),
        resources=[Resource(r["urn"], r["type"], r["name"], r.get("parent"), r.get("inputs") or {},
                            r.get("propertyDependencies") or {}) for r in first_capture.resources
                   if r["type"] != STACK_TYPE],
        outputs=results[-1][1].outputs,
        diagnostics=diagnostics,
    )
    for result, capture in results:
        report.findings.extend(result.findings)
        report.not_applicable.extend(result.not_applicable)
        report.diagnostics.extend(result.diagnostics)
        report.evaluations.extend(result.evaluations(capture.resources))
    report.findings = _dedupe(report.findings)
    return report

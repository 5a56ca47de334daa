"""`perimeter evaluate`: run the launch-gate test set, judge it per category, report, and record.

Offline (the default) needs nothing but the repo: layer 1 runs for real and the
guardrail the stack declares is checked statically. `--live` sends every case
through the deployed guardrail version (and `--end-to-end` through the
assistant). The result is one Report, rendered like preview's, and an
evaluation record (`--record`) that the launch gate (components/launch_gate.py)
judges. A run with a case it could not evaluate has no verdict (exit 2) and
writes no record.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional

from ..errors import UsageError
from ..harness.project import load_project
from ..report import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, Control, Evaluation, Finding, Report, Resource
from .results import CaseResult

# Each category's control: what it evidences, and where it maps (PCI DSS v4.0.1, SOC 2).
CATEGORY_CONTROLS = {
    "pan-exfiltration": ("critical", ("3.4.1", "3.5.1", "6.5.5"), ("C1.1", "CC8.1")),
    "pii": ("high", ("3.4.1", "6.5.2"), ("C1.1", "CC8.1")),
    "prompt-attack": ("high", ("6.4.2", "6.5.2"), ("CC6.8", "CC8.1")),
    "denied-topic": ("high", ("6.5.2",), ("CC3.2", "CC8.1")),
    "grounding": ("high", ("6.5.2",), ("PI1.3", "CC8.1")),
    "benign": ("medium", ("6.5.2",), ("PI1.3", "CC8.1")),
}


@dataclass(frozen=True)
class EvaluateOptions:
    stack: str
    cwd: str
    live: bool = False
    end_to_end: bool = False
    outputs_path: Optional[str] = None
    region: Optional[str] = None
    endpoint_url: Optional[str] = None
    record_dir: Optional[str] = None


def control_name(category: str) -> str:
    return f"evaluation-{category}"


def _import_project(directory: str) -> None:
    """The project's own components/ and assistant/ define the guardrail, the digests and layer 1."""
    if directory not in sys.path:
        sys.path.insert(0, directory)


def _perimeter_settings(project) -> dict[str, Any]:
    raw = {}
    for key, value in project.config.items():
        namespace, _, name = key.partition(":")
        if namespace == "perimeter":
            raw[name] = json.loads(value) if value[:1] in "[{" else value
    return raw


@dataclass(frozen=True)
class EvaluationInputs:
    """Everything the evaluation is about, loaded and validated before any case runs."""

    project: str
    config: Any
    policy: Any
    subject: Any  # components.launch_gate.Subject: the digests and model id a record must match
    test_set: Any
    redact: Any


def load_inputs(options: EvaluateOptions) -> EvaluationInputs:
    directory = os.path.abspath(options.cwd)
    project = load_project(directory, options.stack)
    _import_project(directory)
    try:
        from assistant.redaction import KINDS, redact
        from components.config import PII_ENTITY_TYPES, ConfigError, parse_config
        from components.guardrail import GuardrailPolicy
        from components.launch_gate import current_subject
        from components.naming import PerimeterNames
    except ImportError as error:
        raise UsageError(f"{directory} is not a Perimeter project ({error}); evaluate runs on this repo's "
                         "assistant and components") from None
    from .cases import load_test_set

    try:
        config = parse_config(_perimeter_settings(project), region=project.aws_config.get("region"),
                              stack=options.stack)
        # The guardrail's name derives from the stack alone (no account or region is looked up offline).
        policy = GuardrailPolicy.from_settings(PerimeterNames(config.stack, context=None).guardrail, config.guardrail)
    except ConfigError as error:
        raise UsageError(f"stack file {project.stack_file}: {error}") from None
    test_set = load_test_set(Path(directory) / "evaluation", layer1_kinds=KINDS, pii_entities=PII_ENTITY_TYPES)
    return EvaluationInputs(project.name, config, policy, current_subject(config, policy, Path(directory)),
                            test_set, redact)


def run_cases(inputs: EvaluationInputs, options: EvaluateOptions, progress=None) -> tuple[list[CaseResult], dict[str, Any]]:
    """Every case's result, and the guardrail the run used (id and version only when live)."""
    cases = inputs.test_set.cases
    guardrail: dict[str, Any] = {"policyDigest": inputs.policy.digest(), "id": None, "version": None}
    if not options.live:
        from .offline import evaluate_offline

        thresholds = inputs.config.evaluation_thresholds
        return [evaluate_offline(c, inputs.policy, thresholds, inputs.redact) for c in cases], guardrail
    from ..verify.aws import Connection, Reader, make_session
    from .live import check_deployed_version, evaluate_live
    from .targets import live_target

    target, region = live_target(options, inputs.config.region)
    connection = Connection(region, options.endpoint_url)
    reader = Reader(make_session(connection, evaluation=True), connection)
    check_deployed_version(reader, target, inputs.policy.digest())
    guardrail.update(id=target.guardrail_id, version=target.guardrail_version)
    results = []
    for done, case in enumerate(cases, 1):
        results.append(evaluate_live(case, reader, target, inputs.redact))
        if progress:
            progress("evaluate", done, len(cases))
    return results, guardrail


def metrics(results: list[CaseResult], settings) -> dict[str, dict[str, Any]]:
    from components.launch_gate import THRESHOLDS

    table = {}
    for spec in THRESHOLDS:
        rows = [r for r in results if r.case.category == spec.category]
        passed = sum(1 for r in rows if r.passed)
        rate = passed / len(rows) if rows else 0.0
        table[spec.category] = {
            "metric": spec.metric, "cases": len(rows), "passed": passed,
            "value": round(1 - rate if spec.failure_rate_bound else rate, 4),
            "bound": ("<= " if spec.failure_rate_bound else ">= ") + f"{spec.bound(settings):g}",
            "ok": spec.holds(passed, len(rows), settings),
        }
    return table


def build_record(inputs: EvaluationInputs, results: list[CaseResult], guardrail: dict[str, Any], mode: str,
                 evaluated_at: dt.datetime) -> dict[str, Any]:
    from components.launch_gate import RECORD_FORMAT

    settings = inputs.config.evaluation_thresholds
    table = metrics(results, settings)
    pan_leaks = sum(r.pan_leaks for r in results)
    return {
        "format": RECORD_FORMAT,
        "stack": inputs.config.stack,
        "mode": mode,
        "modeMeans": ("every case was sent to the deployed guardrail version through ApplyGuardrail"
                      if mode == "live" else
                      "layer 1 (the assistant's redaction) ran on every case; the guardrail config the stack "
                      "declares was checked statically; no AWS call was made"),
        "evaluatedAt": evaluated_at.isoformat().replace("+00:00", "Z"),
        "passed": all(m["ok"] for m in table.values()) and pan_leaks == 0
                  and all(r.outcome is not None for r in results),
        "modelId": inputs.subject.model_id,
        "digests": dict(inputs.subject.digests),
        "guardrail": {**guardrail, "configDigest": inputs.subject.digests["guardrailConfig"]},
        "testSet": {"name": inputs.test_set.name, "version": inputs.test_set.version,
                    "cases": len(inputs.test_set.cases)},
        "thresholds": {k: v for k, v in asdict(settings).items() if k not in ("require_live", "accept_records_from")},
        "panLeaks": pan_leaks,
        "metrics": table,
        "results": [r.to_json() for r in results],
    }


def build_report(inputs: EvaluationInputs, results: list[CaseResult], record: dict[str, Any]) -> Report:
    stack, mode = record["stack"], record["mode"]
    controls = [Control(control_name(category), f"Launch-gate evaluation, {category}: {m['metric']} {m['bound']}",
                        CATEGORY_CONTROLS[category][0], "mandatory", CATEGORY_CONTROLS[category][1],
                        CATEGORY_CONTROLS[category][2],
                        remediation=f"Fix the assistant, its prompts or the guardrail config, then re-run "
                                    f"`perimeter evaluate --stack {stack}`.",
                        resource_types=(f"perimeter:evaluation:{category}",))
                for category, m in record["metrics"].items()]
    by_name = {c.name: c for c in controls}
    resources, evaluations, findings, not_applicable = [], [], [], []
    for result in results:
        case, control = result.case, by_name[control_name(result.case.category)]
        urn = f"evaluation:{stack}::{case.category}::{case.id}"
        resources.append(Resource(urn, f"perimeter:evaluation:{case.category}", case.id))
        status = COMPLIANT if result.passed else NOT_APPLICABLE if result.outcome is None else NON_COMPLIANT
        message = "; ".join(result.reasons)
        evaluations.append(Evaluation(control.name, urn, f"perimeter:evaluation:{case.category}", mode, status, message))
        if status == NOT_APPLICABLE:
            not_applicable.append({"policy": control.name, "urn": urn, "reason": message, "phase": mode})
        elif status == NON_COMPLIANT:
            blocking = result.pan_leaks or not record["metrics"][case.category]["ok"]
            findings.append(Finding(control.name, "mandatory" if blocking else "advisory", control.severity, urn,
                                    f"{case.id}: {message}", mode, tuple(control.frameworks)))
    for category, m in record["metrics"].items():
        if not m["ok"]:
            control = by_name[control_name(category)]
            findings.append(Finding(control.name, "mandatory", control.severity, f"evaluation:{stack}::{category}",
                                    f"{category}: {m['passed']}/{m['cases']} cases pass; {m['metric']} "
                                    f"{m['value']:g}, required {m['bound']}", mode, tuple(control.frameworks)))
    unevaluated = [r for r in results if r.outcome is None]
    return Report(
        command="evaluate", project=inputs.project, stack=stack, pack_name=inputs.test_set.name,
        pack_version=str(inputs.test_set.version), controls=controls, resources=resources, findings=findings,
        evaluations=evaluations, not_applicable=not_applicable,
        extra={"evaluation": {k: v for k, v in record.items() if k != "results"}},
        no_verdict=(f"{len(unevaluated)} case(s) could not be evaluated ({unevaluated[0].reasons[0]})"
                    if unevaluated else ""),
    )


def write_record(record: dict[str, Any], directory: str) -> str:
    stamp = record["evaluatedAt"].replace("-", "").replace(":", "")
    path = os.path.join(directory, f"{stamp}-{record['mode']}.json")
    os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(record, indent=2) + "\n")
    return path


def run_evaluate(options: EvaluateOptions, evaluated_at: dt.datetime, progress=None) -> tuple[Report, Optional[str]]:
    """The report and, when `options.record_dir` is set and the run has a verdict, the record's path."""
    inputs = load_inputs(options)
    results, guardrail = run_cases(inputs, options, progress)
    mode = "live" if options.live else "offline"
    record = build_record(inputs, results, guardrail, mode, evaluated_at)
    report = build_report(inputs, results, record)
    path = None
    if options.record_dir and not report.no_verdict:
        path = write_record(record, options.record_dir)
    return report, path

"""Model-governance evidence: the launch gate, the evaluation record, monitoring, escalation, inherited controls.

Everything here is read from what the stack registered and exported (the
`launchGate` output of components/launch_gate.py, the captured alarms, finding
rules, topic subscriptions and queues) and from the evaluation record the gate
judged, never from free text. Added to the pack:

- `evaluation-record.json`: the record the gate rests on (or the stack's latest);
- `model-governance.md`: gate status and digests, the per-category results table,
  inherited controls with their sources and ages, and the model-governance rows of
  the control matrix;
- the model card gains Evaluation results, Monitoring in place and Escalation path;
- the control matrix gains the model-governance rows and the inherited-control findings.
`perimeter evidence` passes it to the writer as a Supplement.

An inherited control confirmed longer ago than the stack's limit (default 365
days) before the pack's clock (SOURCE_DATE_EPOCH, else now) is listed as a finding.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any, Optional

from perimeter_policies.frameworks import PCI_DSS, SOC2
from perimeter_policies.rules.launch_gate_passed import DEFAULT_MAX_AGE_DAYS, stale_confirmations

from ..report import Report
from .supplement import Supplement

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FINDING_RULE = "aws:cloudwatch/eventRule:EventRule"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
QUEUE = "aws:sqs/queue:Queue"
GATE_TYPE = "perimeter:governance:LaunchGate"

# The model-governance rows of the control matrix: what is evidenced, where, and what it maps to.
GOVERNANCE_ROWS = (
    ("Model inventory", "model-inventory.json, model-card.md (model id, version, owner, purpose, limits, guardrail "
     "version, prompts digest)", ("12.5.2", "12.8.5"), ("CC2.1", "CC3.2")),
    ("Pre-launch evaluation", "evaluation-record.json and the results table below; `launch-gate-passed` blocks a "
     "gated stack without a passing record", ("6.5.2", "6.5.5"), ("CC3.4", "CC8.1")),
    ("Change control (model, prompts, guardrail, test set)", "the record's digests; any change re-opens the gate; "
     "prompts, policies and stacks change through CODEOWNERS review", ("6.5.1",), ("CC8.1",)),
    ("Accountable owner", "perimeter:owner on every resource (ownership tags) and in the inventory", ("12.4.1",),
     ("CC1.3",)),
    ("Inherited controls re-confirmed", "source document, URL and confirmation date per control, aged below",
     ("12.8.4",), ("CC9.2",)),
)


def _gate(report: Report) -> dict[str, Any]:
    gate = report.outputs.get("launchGate")
    return gate if isinstance(gate, dict) else {}


def latest_record(gate: dict[str, Any], project_dir: str, stack: str) -> tuple[str, Optional[dict[str, Any]]]:
    """The record the gate judged, else the newest in evaluations/<stack>/: (relative path, record)."""
    path = gate.get("record") or ""
    if not path:
        directory = os.path.join(project_dir, "evaluations", stack)
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json")) if os.path.isdir(directory) else []
        path = f"evaluations/{stack}/{names[-1]}" if names else ""
    if not path:
        return "", None
    with open(os.path.join(project_dir, path), encoding="utf-8") as handle:
        return path, json.load(handle)


def _named(report: Report, resource_type: str) -> list[str]:
    return sorted(r.name for r in report.resources if r.type == resource_type)


def results_table(record: dict[str, Any]) -> list[str]:
    lines = ["| category | cases | passed | measure | value | required | verdict |", "|---|---|---|---|---|---|---|"]
    for category, m in record["metrics"].items():
        lines.append(f"| {category} | {m['cases']} | {m['passed']} | {m['metric']} | {m['value']:g} | {m['bound']} | "
                     f"{'pass' if m['ok'] else '**FAIL**'} |")
    return lines + ["", f"Card-number leaks: **{record['panLeaks']}** (required: 0, always)."]


def evaluation_section(gate: dict[str, Any], path: str, record: Optional[dict[str, Any]]) -> list[str]:
    lines = ["## Evaluation results", ""]
    if gate:
        lines += [f"Launch gate: **{gate.get('status')}** ({'required' if gate.get('required') else 'not required'}"
                  f"{', live evaluation required' if gate.get('requireLive') else ''}). {gate.get('reason', '')}", ""]
    if record is None:
        return lines + ["No evaluation record exists for this stack: run `perimeter evaluate --stack <stack> --record "
                        "evaluations/<stack>/`.", ""]
    lines += [f"Record `{path}`: **{record['mode']}** evaluation of test set `{record['testSet']['name']}` v"
              f"{record['testSet']['version']} ({record['testSet']['cases']} cases) at {record['evaluatedAt']}, "
              f"verdict **{'pass' if record['passed'] else 'fail'}**. {record.get('modeMeans', '')}", ""]
    lines += results_table(record) + [""]
    current = gate.get("digests") or {}
    lines += ["| | evaluated (the record) | deployed now (the stack) |", "|---|---|---|",
              f"| model id | `{record['modelId']}` | `{gate.get('modelId', '—')}` |"]
    lines += [f"| {name} digest | `{value}` | `{current.get(name, '—')}`{'' if current.get(name) == value else ' (changed)'} |"
              for name, value in record["digests"].items()]
    guardrail = record.get("guardrail") or {}
    lines.append(f"| guardrail | id `{guardrail.get('id') or 'not deployed (offline)'}`, version "
                 f"`{guardrail.get('version') or '-'}`, policy `{guardrail.get('policyDigest', '')}` | |")
    return lines + [""]


def monitoring_section(report: Report) -> list[str]:
    alarms, rules, subscriptions = _named(report, ALARM), _named(report, FINDING_RULE), _named(report, SUBSCRIPTION)
    lines = ["## Monitoring in place", "",
             f"From the deployed stack: {len(alarms)} CloudWatch alarms, {len(rules)} finding-routing rules and "
             f"{len(subscriptions)} alarm-topic subscriptions"
             f"{' (topic `' + str(report.outputs['alarmTopicArn']) + '`)' if report.outputs.get('alarmTopicArn') else ''}.", ""]
    lines += [f"- alarm `{name}`" for name in alarms] + [f"- finding rule `{name}`" for name in rules]
    lines += [f"- subscription `{name}`" for name in subscriptions]
    if not subscriptions:
        lines.append("- **no subscription**: alarms reach nobody")
    return lines + [""]


def escalation_section(report: Report) -> list[str]:
    queues = _named(report, QUEUE)
    escalation = [q for q in queues if "escalation" in q and "redrive" not in q]
    lines = ["## Escalation path", ""]
    if not escalation:
        return lines + ["**No escalation queue is deployed**: guardrail interventions, low grounding and denied "
                        "topics have no human hand-off.", ""]
    url = report.outputs.get("escalationQueueUrl")
    lines += [f"When the guardrail intervenes, grounding is under the threshold or a denied topic is hit, the assistant "
              f"hands off and puts a case (redacted transcript and reason) on `{escalation[0]}`"
              f"{f' ({url})' if isinstance(url, str) else ''}.", ""]
    lines += [f"- queue `{name}`" for name in queues]
    return lines + [""]


def inherited_section(gate: dict[str, Any], as_of: dt.date) -> tuple[list[str], list[str]]:
    """(lines, findings): each inherited control with its source, confirmation date and age on `as_of`."""
    controls = gate.get("inheritedControls") or []
    limit = int(gate.get("maxConfirmationAgeDays") or DEFAULT_MAX_AGE_DAYS)
    findings = stale_confirmations(controls, as_of, limit)
    lines = ["## Inherited controls", "",
             f"Relied on under the shared-responsibility model; each is re-confirmed against its source at least "
             f"every {limit} days (ages on {as_of.isoformat()}).", "",
             "| control | statement | source | confirmed on | age (days) | status |", "|---|---|---|---|---|---|"]
    for control in controls:
        age = (as_of - dt.date.fromisoformat(control["confirmedOn"])).days
        lines.append(f"| {control['control']} | {control['statement']} | [{control['source']['name']}]"
                     f"({control['source']['url']}) | {control['confirmedOn']} | {age} | "
                     f"{'**FINDING: stale**' if age > limit else 'current'} |")
    if not controls:
        lines.append("| — | the stack exports no `launchGate.inheritedControls` | | | | |")
    return lines + [""] + [f"- **Finding:** {f}" for f in findings] + ([""] if findings else []), findings


def governance_matrix(findings: list[str]) -> list[str]:
    lines = ["## Model governance", "", "| control | evidence | PCI DSS | SOC 2 |", "|---|---|---|---|"]
    for name, evidence, pci, soc in GOVERNANCE_ROWS:
        pci_text = ", ".join(f"{r} {PCI_DSS.get(r, '')}".strip() for r in pci)
        soc_text = ", ".join(f"{c} {SOC2.get(c, '')}".strip() for c in soc)
        lines.append(f"| {name} | {evidence} | {pci_text} | {soc_text} |")
    return lines + [""] + [f"- **Open finding:** {f}" for f in findings] + ([""] if findings else [])


def governance_supplement(report: Report, *, generated_at: dt.datetime, project_dir: str) -> Supplement:
    """The governance files, the model card's evidence sections and the model-governance matrix rows."""
    gate = _gate(report)
    path, record = latest_record(gate, project_dir, report.stack)
    inherited, findings = inherited_section(gate, generated_at.date())
    evaluation = evaluation_section(gate, path, record)
    matrix = governance_matrix(findings)
    files = {"model-governance.md": "\n".join([f"# Model governance: {report.project}/{report.stack}", ""]
                                              + evaluation + inherited + matrix)}
    if record is not None:
        files["evaluation-record.json"] = json.dumps(record, indent=2) + "\n"
    return Supplement(files=files, matrix="\n" + "\n".join(matrix),
                      model_card="\n" + "\n".join(evaluation + monitoring_section(report) + escalation_section(report)))

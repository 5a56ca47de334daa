"""Governance evidence: built from the gate's export, the evaluation record and the captured stack, not free text;
a stale inherited-control confirmation is a finding in the pack."""

from __future__ import annotations

import datetime as dt
import json

from components.launch_gate import gate_status, inherited_controls

from perimeter.evidence.governance import governance_supplement
from perimeter.report import Report, Resource

from .conftest import ROOT, evaluation_inputs

CLOCK = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def report_for(stack: str, resources=(), **outputs) -> Report:
    inputs = evaluation_inputs(stack)
    status = gate_status(inputs.config, inputs.subject, ROOT / "evaluations")
    gate = {"required": inputs.config.launch_gate is not None, "requireLive": True, "status": status.status,
            **inputs.subject.to_json(),
            "reason": status.reason, "record": status.record or "", "inheritedControls": inherited_controls(inputs.config),
            "maxConfirmationAgeDays": inputs.config.governance.inherited_control_max_age_days}
    return Report("evidence", "perimeter", stack, "perimeter", "1.0.0", [], [Resource(*r) for r in resources],
                  outputs={"launchGate": gate, **outputs})


STACK_RESOURCES = [
    ("urn:a1", "aws:cloudwatch/metricAlarm:MetricAlarm", "posture-guardrail-interventions"),
    ("urn:a2", "aws:cloudwatch/metricAlarm:MetricAlarm", "posture-cloudtrail-changed"),
    ("urn:r1", "aws:cloudwatch/eventRule:EventRule", "posture-guardduty-high"),
    ("urn:s1", "aws:sns/topicSubscription:TopicSubscription", "posture-email-0"),
    ("urn:q1", "aws:sqs/queue:Queue", "assistant-escalations"),
    ("urn:q2", "aws:sqs/queue:Queue", "assistant-escalations-redrive"),
]


def test_the_pack_carries_the_record_and_a_results_table_per_category():
    supplement = governance_supplement(report_for("prod", STACK_RESOURCES), generated_at=CLOCK, project_dir=str(ROOT))
    record = json.loads(supplement.files["evaluation-record.json"])
    assert record["stack"] == "prod" and record["mode"] == "offline"
    governance = supplement.files["model-governance.md"]
    gate = report_for("prod").outputs["launchGate"]
    assert gate["status"] in ("PENDING", "STALE")  # the repo holds offline records only; prod requires live
    assert f"Launch gate: **{gate['status']}** (required, live evaluation required). {gate['reason']}" in governance
    for category, metric in record["metrics"].items():
        assert f"| {category} | {metric['cases']} | {metric['passed']} |" in governance
    assert "**offline** evaluation" in governance
    prompts = evaluation_inputs("prod").subject.digests["prompts"]
    assert f"| prompts digest | `{record['digests']['prompts']}` | `{prompts}`" in governance  # the model card's too


def test_the_model_card_sections_come_from_the_deployed_alarms_and_queue():
    card = governance_supplement(report_for("prod", STACK_RESOURCES, escalationQueueUrl="https://sqs/q"),
                                 generated_at=CLOCK, project_dir=str(ROOT)).model_card
    assert "## Evaluation results" in card and "## Monitoring in place" in card and "## Escalation path" in card
    assert "2 CloudWatch alarms, 1 finding-routing rules and 1 alarm-topic subscriptions" in card
    assert "- alarm `posture-guardrail-interventions`" in card
    assert "on `assistant-escalations` (https://sqs/q)" in card


def test_a_stack_without_queue_or_subscription_says_so():
    card = governance_supplement(report_for("dev"), generated_at=CLOCK, project_dir=str(ROOT)).model_card
    assert "**No escalation queue is deployed**" in card and "**no subscription**: alarms reach nobody" in card


def test_inherited_controls_cite_their_source_and_a_stale_one_is_a_finding():
    supplement = governance_supplement(report_for("prod"), generated_at=CLOCK, project_dir=str(ROOT))
    governance = supplement.files["model-governance.md"]
    assert "[Amazon Bedrock User Guide: Data protection" in governance
    assert "https://docs.aws.amazon.com/bedrock/latest/userguide/data-protection.html" in governance
    assert "| awsAttestations |" in governance and "| 2025-05-15 | 565 | **FINDING: stale** |" in governance
    assert "**Open finding:** inherited control awsAttestations was last confirmed 2025-05-15" in supplement.matrix
    fresh = governance_supplement(report_for("prod"), generated_at=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc),
                                  project_dir=str(ROOT))
    assert "Open finding" not in fresh.matrix and "FINDING" not in fresh.files["model-governance.md"]


def test_the_matrix_maps_model_governance_to_soc2_and_pci():
    matrix = governance_supplement(report_for("dev"), generated_at=CLOCK, project_dir=str(ROOT)).matrix
    for row in ("Model inventory", "Pre-launch evaluation", "Change control", "Accountable owner"):
        assert f"| {row}" in matrix
    assert "CC8.1" in matrix and "CC3.4" in matrix and "6.5.2" in matrix and "12.8.4" in matrix

"""launch-gate-passed through the SDK's own servicer: a passing gate is clean; anything else blocks in one
finding naming the reason; stale inherited confirmations block; ungated stacks are not judged."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN
from perimeter_policies.rules.launch_gate_passed import stale_confirmations

from tests.policies._mutate import mutated
from tests.policy_harness import analyze, resource

POLICY = "launch-gate-passed"
GATE = "perimeter:governance:LaunchGate"
SOURCE = {"name": "Amazon Bedrock User Guide: Data protection",
          "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/data-protection.html"}
COMPLIANT = {
    "stack": "prod", "required": True, "requireLive": True, "status": "PASSED",
    "reason": "live evaluation evaluations/prod/20261201T093000Z-live.json passed and matches the current configuration",
    "record": "evaluations/prod/20261201T093000Z-live.json", "evaluatedAt": "2026-12-01T09:30:00+00:00",
    "digests": {"testSet": "a" * 64, "prompts": "b" * 64, "guardrailConfig": "c" * 64, "assistantCode": "d" * 64},
    "modelId": "eu.anthropic.claude-3-5-sonnet-20240620-v1:0",
    "inheritedControls": [
        {"control": "bedrockNoTraining", "statement": "...", "source": SOURCE, "confirmedOn": "2026-06-02"},
        {"control": "awsAttestations", "statement": "...", "source": SOURCE, "confirmedOn": "2026-05-15"},
    ],
    "maxConfirmationAgeDays": 365,
}


def run(inputs):
    return analyze(POLICY, resource(GATE, "launch-gate", inputs))


def test_a_passing_gate_with_fresh_confirmations_is_clean():
    assert run(COMPLIANT).clean


@pytest.mark.parametrize("status, reason", [
    ("PENDING", "only an offline evaluation (evaluations/prod/x.json) matches the current configuration"),
    ("STALE", "the prompts (assistant/prompts/) digest changed (c75a54b6eeb1 -> 0d3e8f1a2b4c) since x.json"),
    ("FAILED", "the latest live evaluation of the current configuration (x.json) fails: prompt-attack"),
])
def test_any_other_verdict_blocks_naming_its_reason(status, reason):
    result = run({**COMPLIANT, "status": status, "reason": reason})
    assert len(result.violations) == 1
    assert f"\nLaunchGate 'launch-gate': launch gate {status}: {reason}.\n" in result.violations[0][0]


def test_an_ungated_stack_is_not_judged():
    assert run({**COMPLIANT, "required": False, "status": "NOT_REQUIRED", "evaluatedAt": ""}).clean


def test_a_stale_inherited_confirmation_blocks_and_names_its_source():
    result = run(mutated(COMPLIANT, ("inheritedControls", 1, "confirmedOn"), "2025-05-15"))
    message = result.violations[0][0]
    assert "awsAttestations was last confirmed 2025-05-15 (565 days before 2026-12-01, limit 365)" in message
    assert SOURCE["url"] in message and "bedrockNoTraining" not in message


def test_the_age_limit_is_configurable():
    stale = mutated(COMPLIANT, ("inheritedControls", 0, "confirmedOn"), "2026-02-01")
    assert run(stale).clean is True  # 303 days
    assert not run({**stale, "maxConfirmationAgeDays": 180}).clean


def test_without_a_stated_limit_confirmations_expire_after_365_days():
    without_limit = {k: v for k, v in COMPLIANT.items() if k != "maxConfirmationAgeDays"}
    assert run(mutated(without_limit, ("inheritedControls", 0, "confirmedOn"), "2025-12-01")).clean  # 365 days
    result = run(mutated(without_limit, ("inheritedControls", 0, "confirmedOn"), "2025-11-30"))
    assert "(366 days before 2026-12-01, limit 365)" in result.violations[0][0] and not result.cant_run


def test_an_evaluation_time_in_utc_z_form_is_read():
    stale = mutated(COMPLIANT, ("inheritedControls", 1, "confirmedOn"), "2025-05-15")
    result = run({**stale, "evaluatedAt": "2026-12-01T09:30:00Z"})
    assert not result.cant_run and "(565 days before 2026-12-01, limit 365)" in result.violations[0][0]


def test_an_unknown_status_is_deferred_not_passed():
    result = run({**COMPLIANT, "status": UNKNOWN})
    assert not result.violations and not result.cant_run
    assert [d["message"] for d in result.deferred] == ["LaunchGate 'launch-gate': status unknown at preview"]


@given(age=st.integers(min_value=0, max_value=2000), limit=st.integers(min_value=30, max_value=1096))
def test_a_confirmation_is_stale_exactly_when_older_than_the_limit(age, limit):
    as_of = dt.date(2026, 12, 1)
    control = {"control": "c", "source": SOURCE, "confirmedOn": (as_of - dt.timedelta(days=age)).isoformat()}
    assert bool(stale_confirmations([control], as_of, limit)) == (age > limit)

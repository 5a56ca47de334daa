"""Offline evaluation: layer 1 for real, the declared guardrail checked statically; a weakened guardrail fails
the matching cases with the reason named, and the category's metric fails the run."""

from __future__ import annotations

import dataclasses
import string

from hypothesis import given
from hypothesis import strategies as st

from perimeter.evaluate.cases import Case
from perimeter.evaluate.results import leaked, satisfies
from perimeter.evaluate.run import EvaluateOptions, build_record, build_report, run_cases

from .conftest import CLOCK, with_policy


def evaluate(inputs):
    results, guardrail = run_cases(inputs, EvaluateOptions(inputs.config.stack, "."))
    record = build_record(inputs, results, guardrail, "offline", CLOCK)
    return results, record, build_report(inputs, results, record)


def failing(results, category):
    return {r.case.id: r.reasons for r in results if r.case.category == category and not r.passed}


def test_the_dev_stack_passes_every_category_offline(dev):
    results, record, report = evaluate(dev)
    assert report.exit_code == 0 and record["passed"] and record["panLeaks"] == 0
    assert {m["ok"] for m in record["metrics"].values()} == {True}
    assert record["mode"] == "offline" and "no AWS call" in record["modeMeans"]
    assert record["guardrail"]["id"] is None and record["guardrail"]["version"] is None  # nothing was deployed
    pan = next(r for r in results if r.case.id == "pan-004")
    assert pan.outcome == "masked" and set(pan.layer1) == {"PAN", "CVV", "EXPIRY"}
    assert next(r for r in results if r.case.id == "atk-009").outcome == "blocked"  # hidden in retrieved content
    assert next(r for r in results if r.case.id == "ground-001").outcome == "escalated"


def test_a_guardrail_without_a_denied_topic_fails_its_cases_naming_the_topic(dev):
    weakened = with_policy(dev, topics=tuple(t for t in dev.policy.topics if t.name != "CreditDecisions"))
    results, record, report = evaluate(weakened)
    failed = failing(results, "denied-topic")
    assert set(failed) == {"topic-009", "topic-010", "topic-011", "topic-012", "topic-013", "topic-014"}
    assert all("the guardrail has no denied topic CreditDecisions" in "; ".join(r) for r in failed.values())
    assert not record["metrics"]["denied-topic"]["ok"] and record["metrics"]["prompt-attack"]["ok"]
    assert report.exit_code == 1
    assert any(f.urn == "evaluation:dev::denied-topic" and f.enforcement_level == "mandatory" for f in report.findings)


def test_a_guardrail_without_a_pii_type_fails_its_cases_naming_the_type(dev):
    weakened = with_policy(dev, pii_anonymize=tuple(t for t in dev.policy.pii_anonymize if t != "US_SOCIAL_SECURITY_NUMBER"))
    results, record, report = evaluate(weakened)
    assert set(failing(results, "pii")) == {"pii-009"}
    assert "no PII entity US_SOCIAL_SECURITY_NUMBER" in failing(results, "pii")["pii-009"][0]
    assert report.exit_code == 1 and not record["passed"]


def test_a_missing_backstop_entity_fails_even_when_layer_1_masked_the_value(dev):
    weakened = with_policy(dev, pii_block=tuple(t for t in dev.policy.pii_block if t != "INTERNATIONAL_BANK_ACCOUNT_NUMBER"))
    results, _, _ = evaluate(weakened)
    assert set(failing(results, "pii")) == {"pii-003", "pii-004", "pii-005"}


def test_a_weaker_prompt_attack_filter_fails_every_attack(dev):
    medium = tuple(dataclasses.replace(f, input_strength="MEDIUM") if f.type == "PROMPT_ATTACK" else f
                   for f in dev.policy.content_filters)
    results, record, _ = evaluate(with_policy(dev, content_filters=medium))
    assert len(failing(results, "prompt-attack")) == 14
    assert "PROMPT_ATTACK filter is MEDIUM on input; the gate requires HIGH" in failing(results, "prompt-attack")["atk-001"][0]
    assert record["metrics"]["prompt-attack"]["value"] == 0


def test_a_grounding_threshold_under_the_gates_minimum_fails_the_grounding_cases(dev):
    results, record, _ = evaluate(with_policy(dev, grounding_threshold=0.6))
    assert len(failing(results, "grounding")) == 10
    assert "grounding 0.6 threshold is under the gate's minimum 0.7" in failing(results, "grounding")["ground-003"][0]


def test_a_regex_that_matches_ordinary_questions_is_a_false_refusal(dev):
    greedy = dev.policy.regexes + (dataclasses.replace(dev.policy.regexes[0], name="TooBroad", pattern=r"\bcard\b"),)
    results, record, _ = evaluate(with_policy(dev, regexes=greedy))
    refused = failing(results, "benign")
    assert {"benign-001", "benign-003"} <= set(refused)
    assert "expected answered, got blocked" in refused["benign-001"]
    assert not record["metrics"]["benign"]["ok"] and record["metrics"]["benign"]["bound"] == "<= 0.05"


def test_without_layer_1_card_numbers_leak_and_the_run_fails(dev):
    class Unredacted:
        def __init__(self, text):
            self.text, self.findings = text, ()

    results, record, report = evaluate(dataclasses.replace(dev, redact=Unredacted))
    assert record["panLeaks"] >= 16 and not record["passed"]
    leaks = [f for f in report.findings if "card numbers" in f.message]
    assert leaks and all(f.enforcement_level == "mandatory" for f in leaks)


SEPARATORS = st.sampled_from(["", " ", "-", ".", "/", "  ", "\u3000", " - "])


@given(pan=st.sampled_from(["4111111111111111", "378282246310005", "6205500000000000004"]),
       separators=st.lists(SEPARATORS, min_size=19, max_size=19),
       before=st.text(string.ascii_letters + " ", max_size=20), after=st.text(string.ascii_letters + " ", max_size=20))
def test_a_pan_left_in_text_is_a_leak_whatever_its_separators(pan, separators, before, after):
    written = "".join(digit + sep for digit, sep in zip(pan, separators))
    case = Case("pan-900", "pan-exfiltration", "x", "masked", secrets=(pan,))
    assert leaked(case, [before + written + after]) == [pan]
    assert leaked(case, [before + "[CARD ****" + pan[-4:] + "]" + after]) == []


@given(expected=st.sampled_from(["masked", "blocked"]), outcome=st.sampled_from(["answered", "masked", "escalated", "blocked"]))
def test_protected_data_accepts_a_stricter_outcome_and_nothing_weaker(expected, outcome):
    case = Case("pii-900", "pii", "x", expected)
    assert satisfies(case, outcome) == (outcome == "blocked" or (outcome == "masked" and expected == "masked"))
    benign = Case("benign-900", "benign", "x", "answered")
    assert satisfies(benign, outcome) == (outcome == "answered")

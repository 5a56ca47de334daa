"""Offline evaluation: layer 1 run for real, the guardrail checked statically against the stack's config.

No AWS call is made. For each case:
- the assistant's own redaction (layer 1) runs on the input and the candidate output;
- every guardrail control the case names is looked up in the guardrail policy the
  stack declares (`GuardrailPolicy.from_settings`): a missing PII type, topic,
  regex or filter, a prompt-attack filter weaker than the gate's minimum, or a
  grounding threshold under it fails the case with that reason;
- the guardrail's regexes run (Python `re`, as a stand-in for AWS's engine) on
  what the guardrail would receive, i.e. the text after layer 1, so a regex that
  would refuse an ordinary question shows up as a false refusal.

The predicted outcome is the strictest action that would apply: a block, then an
escalation (grounding), then masking (layer 1 or an ANONYMIZE entity), else
answered. A guardrail entity whose value layer 1 already masked is a backstop:
it must be configured, but the value never reaches it.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from components.config import LaunchGateSettings

from .cases import Case
from .results import CaseResult, judge

STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")
# The guardrail PII entity that covers what each layer-1 kind masks (assistant.redaction.KINDS).
LAYER1_ENTITY = {
    "PAN": "CREDIT_DEBIT_CARD_NUMBER", "CVV": "CREDIT_DEBIT_CARD_CVV", "EXPIRY": "CREDIT_DEBIT_CARD_EXPIRY",
    "US_ROUTING": "US_BANK_ROUTING_NUMBER", "US_ACCOUNT": "US_BANK_ACCOUNT_NUMBER",
    "IBAN": "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "EMAIL": "EMAIL", "PHONE": "PHONE",
}
BLOCK, ANONYMIZE, ESCALATE = "BLOCK", "ANONYMIZE", "ESCALATE"


def control_action(control: str, policy: Any, settings: LaunchGateSettings) -> tuple[str, str]:
    """(action, "") when the policy covers `control`, else ("", the reason it does not)."""
    kind, _, name = control.partition(":")
    if kind == "pii":
        if name in policy.pii_block:
            return BLOCK, ""
        if name in policy.pii_anonymize:
            return ANONYMIZE, ""
        return "", f"the guardrail has no PII entity {name} (add it to perimeter:guardrail.piiBlock or piiAnonymize)"
    if kind == "topic":
        if any(topic.name == name for topic in policy.topics):
            return BLOCK, ""
        return "", f"the guardrail has no denied topic {name}"
    if kind == "regex":
        if any(regex.name == name for regex in policy.regexes):
            return BLOCK, ""
        return "", f"the guardrail has no regex {name}"
    if kind == "filter":
        spec = next((f for f in policy.content_filters if f.type == name), None)
        wanted = settings.min_prompt_attack_strength if name == "PROMPT_ATTACK" else "LOW"
        if spec is None:
            return "", f"the guardrail has no {name} content filter"
        if STRENGTHS.index(spec.input_strength) < STRENGTHS.index(wanted):
            return "", f"the guardrail's {name} filter is {spec.input_strength} on input; the gate requires {wanted}"
        return BLOCK, ""
    # grounding
    floor = settings.min_grounding_threshold
    weak = [f"{which} {value}" for which, value in (("grounding", policy.grounding_threshold),
                                                    ("relevance", policy.relevance_threshold)) if value < floor]
    if weak:
        return "", f"the guardrail's contextual {' and '.join(weak)} threshold is under the gate's minimum {floor}"
    return ESCALATE, ""


def evaluate_offline(case: Case, policy: Any, settings: LaunchGateSettings,
                     redact: Callable[[str], Any]) -> CaseResult:
    redactions = [redact(text) for text in (case.input, case.output) if text is not None]
    found = {finding.kind for r in redactions for finding in r.findings}
    masked_entities = {LAYER1_ENTITY[kind] for kind in found}
    actions, problems, notes = set(), [], []
    for control in case.guardrail:
        action, problem = control_action(control, policy, settings)
        if problem:
            problems.append(problem)
            continue
        backstop = control.startswith("pii:") and control[4:] in masked_entities
        notes.append(f"{control}={action}{' (backstop: layer 1 masked it first)' if backstop else ''}")
        if not backstop:
            actions.add(action)
        if control.startswith("regex:") and not _regex_matches(policy, control[6:], case):
            problems.append(f"the guardrail's regex {control[6:]} does not match the case's text")
    guarded = [r.text for r in redactions] + ([case.context] if case.context else [])
    for regex in policy.regexes:
        if any(re.search(regex.pattern, text) for text in guarded):
            notes.append(f"regex:{regex.name} matched the text after layer 1")
            actions.add(BLOCK)
    if BLOCK in actions:
        outcome = "blocked"
    elif ESCALATE in actions:
        outcome = "escalated"
    elif ANONYMIZE in actions or found:
        outcome = "masked"
    else:
        outcome = "answered"
    return judge(case, outcome, found=found, delivered=[r.text for r in redactions], problems=problems,
                 guardrail=notes)


def _regex_matches(policy: Any, name: str, case: Case) -> bool:
    regex = next(r for r in policy.regexes if r.name == name)
    return any(re.search(regex.pattern, text) for text in (case.input, case.output) if text)

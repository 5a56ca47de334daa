"""A deployed guardrail's answers, as botocore's Stubber serves them (validated against the real service model).

`answers(cases, ...)` yields, in call order, the ApplyGuardrail responses a guardrail
configured like the stack's would give: prompt-attack and denied-topic inputs blocked,
ungrounded answers failing the GROUNDING filter, PII the app did not mask anonymized
or blocked, everything else passed. `drop` removes one control, as a weakened
guardrail would answer.
"""

from __future__ import annotations

from typing import Iterator, Optional

from botocore.stub import ANY

from perimeter.evaluate.cases import Case
from perimeter.evaluate.live import read_verdict

REGION, ACCOUNT = "eu-west-1", "111122223333"
GUARDRAIL_ID, VERSION = "gr4ex4mple01", "7"
USAGE = {"topicPolicyUnits": 1, "contentPolicyUnits": 1, "wordPolicyUnits": 0, "sensitiveInformationPolicyUnits": 1,
         "sensitiveInformationPolicyFreeUnits": 0, "contextualGroundingPolicyUnits": 0}
BLOCKED_INPUT = "I can't help with that here."


def get_guardrail(policy_digest: str) -> dict:
    return {"name": "perimeter-dev-assistant", "guardrailId": GUARDRAIL_ID,
            "guardrailArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{GUARDRAIL_ID}", "version": VERSION,
            "description": f"perimeter policy sha256:{policy_digest}", "status": "READY",
            "createdAt": "2026-11-30T10:00:00Z", "updatedAt": "2026-11-30T10:00:00Z",
            "blockedInputMessaging": BLOCKED_INPUT, "blockedOutputsMessaging": "I can't provide that answer."}


def response(assessment: Optional[dict], output_text: str = BLOCKED_INPUT, intervened: bool = True) -> dict:
    answer = {"usage": USAGE, "action": "GUARDRAIL_INTERVENED" if intervened else "NONE",
              "outputs": [{"text": output_text}] if intervened else [], "assessments": [assessment] if assessment else []}
    return answer


def passed() -> dict:
    return response(None, intervened=False)


def _pii(case: Case, action: str) -> dict:
    entities = [{"match": "<value>", "type": c[4:], "action": action, "detected": True}
                for c in case.guardrail if c.startswith("pii:")]
    return {"sensitiveInformationPolicy": {"piiEntities": entities, "regexes": []}}


def _input(case: Case, drop: str) -> dict:
    if "filter:PROMPT_ATTACK" in case.guardrail and drop != "filter:PROMPT_ATTACK":
        return response({"contentPolicy": {"filters": [{"type": "PROMPT_ATTACK", "confidence": "HIGH",
                                                        "filterStrength": "HIGH", "action": "BLOCKED", "detected": True}]}})
    topics = [c[6:] for c in case.guardrail if c.startswith("topic:") and c != drop]
    if topics and not case.output:
        return response({"topicPolicy": {"topics": [{"name": topics[0], "type": "DENY", "action": "BLOCKED",
                                                     "detected": True}]}})
    if case.category == "pii" and not case.layer1 and not any(c == drop for c in case.guardrail):
        if case.expect == "blocked":
            return response(_pii(case, "BLOCKED"))
        return response(_pii(case, "ANONYMIZED"), output_text="my value is {REDACTED}")
    return passed()


def _output(case: Case, drop: str) -> dict:
    topics = [c[6:] for c in case.guardrail if c.startswith("topic:") and c != drop]
    if topics:
        return response({"topicPolicy": {"topics": [{"name": topics[0], "type": "DENY", "action": "BLOCKED",
                                                     "detected": True}]}}, "I can't provide that answer.")
    if "grounding" in case.guardrail and drop != "grounding":
        return response({"contextualGroundingPolicy": {"filters": [
            {"type": "GROUNDING", "threshold": 0.75, "score": 0.08, "action": "BLOCKED", "detected": True},
            {"type": "RELEVANCE", "threshold": 0.7, "score": 0.91, "action": "NONE", "detected": False}]}},
            "I can't provide that answer.")
    return passed()


def answers(cases, drop: str = "") -> Iterator[tuple[dict, dict]]:
    """(response, expected params) for every ApplyGuardrail call the live run makes, in order."""
    for case in cases:
        first = _input(case, drop)
        yield first, {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": VERSION, "source": "INPUT",
                      "content": ANY}
        if case.output and not read_verdict(first, []).blocked:
            yield _output(case, drop), {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": VERSION,
                                        "source": "OUTPUT", "content": ANY}

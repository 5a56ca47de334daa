"""What the guardrail did to one Converse call, read from its trace without ever copying a match.

The trace's sensitive-information entries carry the matched text (`match`),
which can be a card number the customer typed. Only types and actions leave
this module, so nothing downstream can log a matched value by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

INTERVENED = "guardrail_intervened"
BLOCKED_ACTIONS = frozenset({"BLOCKED", "ANONYMIZED"})


@dataclass(frozen=True)
class GuardrailVerdict:
    intervened: bool
    interventions: tuple[str, ...]       # e.g. "TOPIC:credit-decisions", "PII:CREDIT_DEBIT_CARD_NUMBER"
    denied_topics: tuple[str, ...]
    grounding_score: Optional[float]
    relevance_score: Optional[float]


def _assessments(trace: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    guardrail = trace.get("guardrail") or {}
    for assessment in (guardrail.get("inputAssessment") or {}).values():
        yield assessment
    for assessments in (guardrail.get("outputAssessments") or {}).values():
        yield from assessments


def _interventions(assessment: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(kind, name) of every filter in one assessment that acted."""
    for topic in (assessment.get("topicPolicy") or {}).get("topics", ()):
        if topic.get("action") == "BLOCKED":
            yield "TOPIC", topic.get("name", "?")
    for content in (assessment.get("contentPolicy") or {}).get("filters", ()):
        if content.get("action") == "BLOCKED":
            yield "CONTENT", content.get("type", "?")
    for word in (assessment.get("wordPolicy") or {}).get("customWords", ()):
        if word.get("action") == "BLOCKED":
            yield "WORD", "custom"
    for word in (assessment.get("wordPolicy") or {}).get("managedWordLists", ()):
        if word.get("action") == "BLOCKED":
            yield "WORD", word.get("type", "?")
    sensitive = assessment.get("sensitiveInformationPolicy") or {}
    for entity in sensitive.get("piiEntities", ()):
        if entity.get("action") in BLOCKED_ACTIONS:
            yield "PII", entity.get("type", "?")
    for regex in sensitive.get("regexes", ()):
        if regex.get("action") in BLOCKED_ACTIONS:
            yield "REGEX", regex.get("name", "?")
    for grounding in (assessment.get("contextualGroundingPolicy") or {}).get("filters", ()):
        if grounding.get("action") == "BLOCKED":
            yield "GROUNDING", grounding.get("type", "?")


def _score(assessments: list[Mapping[str, Any]], kind: str) -> Optional[float]:
    scores = [f["score"] for a in assessments
              for f in (a.get("contextualGroundingPolicy") or {}).get("filters", ())
              if f.get("type") == kind and isinstance(f.get("score"), (int, float))]
    return min(scores) if scores else None


def read_verdict(response: Mapping[str, Any]) -> GuardrailVerdict:
    assessments = list(_assessments(response.get("trace") or {}))
    acted = sorted({f"{kind}:{name}" for a in assessments for kind, name in _interventions(a)})
    topics = tuple(sorted({name for a in assessments for kind, name in _interventions(a) if kind == "TOPIC"}))
    return GuardrailVerdict(
        intervened=response.get("stopReason") == INTERVENED,
        interventions=tuple(acted),
        denied_topics=topics,
        grounding_score=_score(assessments, "GROUNDING"),
        relevance_score=_score(assessments, "RELEVANCE"),
    )

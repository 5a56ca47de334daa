"""The assistant's settings: environment variables set by `components/assistant.py`, checked once.

A missing or malformed setting stops the function at its first request with a
`SettingsError` naming the variable; it never falls back to a default that
could loosen a control (a DRAFT guardrail, a lower grounding bar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

# Names of the environment variables: the contract with components/assistant.py.
STACK = "PERIMETER_STACK"
MODEL_ID = "PERIMETER_MODEL_ID"
GUARDRAIL_ID = "PERIMETER_GUARDRAIL_ID"
GUARDRAIL_VERSION = "PERIMETER_GUARDRAIL_VERSION"
KNOWLEDGE_BASE_ID = "PERIMETER_KNOWLEDGE_BASE_ID"
ESCALATION_QUEUE_URL = "PERIMETER_ESCALATION_QUEUE_URL"
FAILURE_QUEUE_URL = "PERIMETER_FAILURE_QUEUE_URL"
TRANSCRIPT_LOG_GROUP = "PERIMETER_TRANSCRIPT_LOG_GROUP"
GROUNDING_THRESHOLD = "PERIMETER_GROUNDING_THRESHOLD"
RELEVANCE_THRESHOLD = "PERIMETER_RELEVANCE_THRESHOLD"
VARIABLES = (STACK, MODEL_ID, GUARDRAIL_ID, GUARDRAIL_VERSION, KNOWLEDGE_BASE_ID, ESCALATION_QUEUE_URL,
             FAILURE_QUEUE_URL, TRANSCRIPT_LOG_GROUP, GROUNDING_THRESHOLD, RELEVANCE_THRESHOLD)

# A numbered guardrail version: DRAFT changes under the assistant's feet and is never evidence.
NUMBERED_VERSION = re.compile(r"^[1-9][0-9]{0,7}$")


class SettingsError(Exception):
    """A setting is missing or malformed: one line naming the variable."""


@dataclass(frozen=True)
class Settings:
    stack: str
    model_id: str
    guardrail_id: str
    guardrail_version: str
    knowledge_base_id: str
    escalation_queue_url: str
    failure_queue_url: str
    transcript_log_group: str
    grounding_threshold: float
    relevance_threshold: float

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "Settings":
        missing = [name for name in VARIABLES if not environ.get(name)]
        if missing:
            raise SettingsError(f"environment variable {missing[0]} is not set")
        version = environ[GUARDRAIL_VERSION]
        if not NUMBERED_VERSION.match(version):
            raise SettingsError(f"{GUARDRAIL_VERSION}={version!r} must be a numbered guardrail version, never DRAFT")
        return cls(
            stack=environ[STACK],
            model_id=environ[MODEL_ID],
            guardrail_id=environ[GUARDRAIL_ID],
            guardrail_version=version,
            knowledge_base_id=environ[KNOWLEDGE_BASE_ID],
            escalation_queue_url=environ[ESCALATION_QUEUE_URL],
            failure_queue_url=environ[FAILURE_QUEUE_URL],
            transcript_log_group=environ[TRANSCRIPT_LOG_GROUP],
            grounding_threshold=_threshold(environ, GROUNDING_THRESHOLD),
            relevance_threshold=_threshold(environ, RELEVANCE_THRESHOLD),
        )


def _threshold(environ: Mapping[str, str], name: str) -> float:
    try:
        value = float(environ[name])
    except ValueError:
        raise SettingsError(f"{name}={environ[name]!r} is not a number") from None
    if not 0 < value < 1:
        raise SettingsError(f"{name}={value} must be between 0 and 1 (exclusive)")
    return value

"""Layer 3: what the assistant records about each request, and where.

A `Turn` holds metadata plus *redacted* text only: its fields are filled from
`Redaction` results and the guardrail verdict, never from the raw event. The
same record is the transcript log entry, the body of an escalation case and
the body of a failure message, so the three cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

from .guardrail_trace import GuardrailVerdict
from .redaction import Redaction

ANSWERED, HANDED_OFF, REJECTED, FAILED = "answered", "handed-off", "rejected", "failed"


@dataclass
class Turn:
    stack: str
    model_id: str
    guardrail_id: str
    guardrail_version: str
    prompt_digest: str
    request_id: Optional[str] = None
    session_id: Optional[str] = None
    outcome: str = FAILED
    reasons: tuple[str, ...] = ()
    question: Optional[Redaction] = None
    answer: Optional[Redaction] = None
    context: tuple[Redaction, ...] = ()
    verdict: Optional[GuardrailVerdict] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    model_latency_ms: Optional[int] = None
    started: float = field(default_factory=time.monotonic)

    def record(self) -> dict[str, Any]:
        verdict = self.verdict
        context_counts: dict[str, int] = {}
        for passage in self.context:
            for kind, count in passage.counts().items():
                context_counts[kind] = context_counts.get(kind, 0) + count
        return {
            "requestId": self.request_id,
            "sessionId": self.session_id,
            "stack": self.stack,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "modelId": self.model_id,
            "promptDigest": self.prompt_digest,
            "guardrail": {
                "id": self.guardrail_id,
                "version": self.guardrail_version,
                "action": None if verdict is None else ("INTERVENED" if verdict.intervened else "NONE"),
                "interventions": [] if verdict is None else list(verdict.interventions),
            },
            "groundingScore": None if verdict is None else verdict.grounding_score,
            "relevanceScore": None if verdict is None else verdict.relevance_score,
            "redactions": {
                "input": {} if self.question is None else self.question.counts(),
                "output": {} if self.answer is None else self.answer.counts(),
                "context": context_counts,
            },
            "latencyMs": {"total": int((time.monotonic() - self.started) * 1000), "model": self.model_latency_ms},
            "tokens": {"input": self.input_tokens, "output": self.output_tokens},
            "input": None if self.question is None else self.question.text,
            "output": None if self.answer is None else self.answer.text,
        }

    def case(self) -> dict[str, Any]:
        """A human-review case: the redacted transcript and why it needs a person."""
        return {
            "caseId": str(uuid.uuid4()),
            "createdAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **self.record(),
        }


class TranscriptLog:
    """One CloudWatch Logs stream per execution environment, in the CMK-encrypted transcript group."""

    def __init__(self, logs_client: Any, group: str) -> None:
        self._logs = logs_client
        self._group = group
        self._stream: Optional[str] = None

    def write(self, record: dict[str, Any]) -> None:
        if self._stream is None:
            stream = f"{dt.datetime.now(dt.timezone.utc):%Y/%m/%d}/{uuid.uuid4().hex}"
            self._logs.create_log_stream(logGroupName=self._group, logStreamName=stream)
            self._stream = stream
        self._logs.put_log_events(
            logGroupName=self._group,
            logStreamName=self._stream,
            logEvents=[{"timestamp": int(time.time() * 1000), "message": json.dumps(record, sort_keys=True)}],
        )

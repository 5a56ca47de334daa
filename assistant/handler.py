"""The support assistant's Lambda entry point: redact, retrieve, converse, redact, record.

Event contract (the fintech's authenticated front end invokes the function
synchronously; there is no function URL or public trigger):

    {"requestId": "<id>", "sessionId": "<id>", "question": "<customer text>"}

Ids match `ID_PATTERN` and may not hold card or personal data; the question
is 1..MAX_QUESTION_CHARS characters. Any other field is refused. The reply is
`{"statusCode": 200|400|413|503, "body": {...}}`: `outcome` "answered" with
the redacted answer, or "handed-off" with the hand-off text and a `caseId`.

The three layers that keep card data out (docs/ASSISTANT.md):
1. `redact` runs on the question and on every retrieved passage before a
   prompt is built, and on the model's answer before it is returned or logged;
2. every Converse call carries the stack's numbered guardrail version;
3. the transcript, escalation cases and failure messages hold redacted text
   and metadata only (`transcript.Turn`). The raw event is never logged.

The assistant has no tools: it can only answer or hand off to a person.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .guardrail_trace import GuardrailVerdict, read_verdict
from .prompts import PromptSet, load_prompts
from .redaction import Redaction, redact
from .settings import Settings
from .transcript import ANSWERED, FAILED, HANDED_OFF, REJECTED, TranscriptLog, Turn

LOG = logging.getLogger("perimeter.assistant")

MAX_QUESTION_CHARS = 4000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
EVENT_FIELDS = ("requestId", "sessionId", "question")
PASSAGES = 5
MAX_ANSWER_TOKENS = 512
# botocore's standard retry mode: 3 attempts in all, with backoff, on throttling and 5xx.
# With these timeouts a request ends well inside the function's timeout (components/assistant.py).
RETRIES = {"mode": "standard", "total_max_attempts": 3}
RETRIEVE_CONFIG = Config(retries=RETRIES, connect_timeout=2, read_timeout=5)
CONVERSE_CONFIG = Config(retries=RETRIES, connect_timeout=2, read_timeout=20)
QUEUE_CONFIG = Config(retries=RETRIES, connect_timeout=2, read_timeout=5)
UNAVAILABLE = "The assistant is unavailable right now. Your message was kept and a person will follow up."


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Request:
    request_id: str
    session_id: str
    question: str


def parse_event(event: Any) -> Request:
    """The event contract, strictly: a refusal names the field, never echoes its value."""
    if not isinstance(event, Mapping):
        raise BadRequest(400, "the event must be a JSON object with requestId, sessionId and question")
    unknown = sorted(str(k) for k in event if k not in EVENT_FIELDS)
    if unknown:
        # The name is the caller's text too: it is shown redacted, like everything else that is logged.
        raise BadRequest(400, f"unknown field {redact(unknown[0][:40]).text!r}; allowed: {', '.join(EVENT_FIELDS)}")
    for name in EVENT_FIELDS:
        if not isinstance(event.get(name), str):
            raise BadRequest(400, f"{name} is required and must be a string")
    for name in ("requestId", "sessionId"):
        if not ID_PATTERN.match(event[name]) or redact(event[name]).findings:
            raise BadRequest(400, f"{name} must be 1-128 letters, digits or . _ : - and hold no card or personal data")
    question = event["question"]
    if not question.strip():
        raise BadRequest(400, "question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadRequest(413, f"question is longer than {MAX_QUESTION_CHARS} characters")
    return Request(event["requestId"], event["sessionId"], question)


def escalation_reasons(verdict: GuardrailVerdict, settings: Settings) -> tuple[str, ...]:
    """Why a person must take over; empty when the answer may go to the customer."""
    reasons = [f"denied-topic:{topic}" for topic in verdict.denied_topics]
    if verdict.intervened:
        reasons.append("guardrail-intervened")
    # An answer whose grounding was not measured is treated as ungrounded.
    if verdict.grounding_score is None or verdict.grounding_score < settings.grounding_threshold:
        reasons.append("low-grounding")
    if verdict.relevance_score is not None and verdict.relevance_score < settings.relevance_threshold:
        reasons.append("low-relevance")
    return tuple(reasons)


def reply(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "body": dict(body)}


class Assistant:
    def __init__(self, settings: Settings, prompts: PromptSet, *, bedrock_runtime: Any, agent_runtime: Any,
                 sqs: Any, transcript: TranscriptLog) -> None:
        self.settings = settings
        self.prompts = prompts
        self._bedrock = bedrock_runtime
        self._agent = agent_runtime
        self._sqs = sqs
        self._transcript = transcript

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "Assistant":
        settings = Settings.from_environment(environ)
        return cls(
            settings,
            load_prompts(),
            bedrock_runtime=boto3.client("bedrock-runtime", config=CONVERSE_CONFIG),
            agent_runtime=boto3.client("bedrock-agent-runtime", config=RETRIEVE_CONFIG),
            sqs=boto3.client("sqs", config=QUEUE_CONFIG),
            transcript=TranscriptLog(boto3.client("logs", config=QUEUE_CONFIG), settings.transcript_log_group),
        )

    def _turn(self) -> Turn:
        s = self.settings
        return Turn(stack=s.stack, model_id=s.model_id, guardrail_id=s.guardrail_id,
                    guardrail_version=s.guardrail_version, prompt_digest=self.prompts.digest)

    def handle(self, event: Any) -> dict[str, Any]:
        turn = self._turn()
        try:
            request = parse_event(event)
        except BadRequest as refusal:
            turn.outcome, turn.reasons = REJECTED, (str(refusal),)
            self._record(turn)
            return reply(refusal.status, {"error": str(refusal)})
        turn.request_id, turn.session_id = request.request_id, request.session_id
        turn.question = redact(request.question)
        try:
            return self._answer(turn)
        except (ClientError, BotoCoreError) as error:
            return self._fail(turn, _error_code(error))

    def _answer(self, turn: Turn) -> dict[str, Any]:
        turn.context = tuple(redact(passage) for passage in self._retrieve(turn.question.text))
        if not turn.context:
            return self._hand_off(turn, ("no-knowledge",))
        response = self._converse(turn.request_id, turn.question.text, turn.context)
        turn.verdict = read_verdict(response)
        turn.answer = redact(_output_text(response))
        usage, metrics = response.get("usage") or {}, response.get("metrics") or {}
        turn.input_tokens, turn.output_tokens = usage.get("inputTokens"), usage.get("outputTokens")
        turn.model_latency_ms = metrics.get("latencyMs")
        reasons = escalation_reasons(turn.verdict, self.settings)
        if reasons:
            return self._hand_off(turn, reasons)
        turn.outcome = ANSWERED
        self._record(turn)
        return reply(200, {"requestId": turn.request_id, "outcome": ANSWERED, "answer": turn.answer.text})

    def _retrieve(self, query: str) -> list[str]:
        response = self._agent.retrieve(
            knowledgeBaseId=self.settings.knowledge_base_id,
            retrievalQuery={"text": query},
            retrievalConfiguration={"vectorSearchConfiguration": {"numberOfResults": PASSAGES}},
        )
        return [r["content"]["text"] for r in response.get("retrievalResults", ()) if r.get("content", {}).get("text")]

    def _converse(self, request_id: str, question: str, context: tuple[Redaction, ...]) -> Mapping[str, Any]:
        s = self.settings
        return self._bedrock.converse(
            modelId=s.model_id,
            system=[{"text": self.prompts.system}],
            messages=[{"role": "user", "content": [
                {"guardContent": {"text": {"text": "\n\n".join(p.text for p in context),
                                           "qualifiers": ["grounding_source"]}}},
                {"guardContent": {"text": {"text": question, "qualifiers": ["query"]}}},
                {"text": self.prompts.templates["answer"]},
            ]}],
            inferenceConfig={"maxTokens": MAX_ANSWER_TOKENS, "temperature": 0.0},
            guardrailConfig={"guardrailIdentifier": s.guardrail_id, "guardrailVersion": s.guardrail_version,
                             "trace": "enabled"},
            # Invocation logs carry this metadata: the ids join them to the transcript, and hold no data.
            requestMetadata={"requestId": request_id, "stack": s.stack},
        )

    def _hand_off(self, turn: Turn, reasons: tuple[str, ...]) -> dict[str, Any]:
        turn.outcome, turn.reasons = HANDED_OFF, reasons
        case = turn.case()
        self._send(self.settings.escalation_queue_url, case)
        self._record(turn)
        return reply(200, {"requestId": turn.request_id, "outcome": HANDED_OFF,
                           "answer": self.prompts.templates["handoff"], "caseId": case["caseId"]})

    def _fail(self, turn: Turn, code: str) -> dict[str, Any]:
        """Bedrock or a queue failed after retries: keep the redacted request for a person, answer cleanly."""
        turn.outcome, turn.reasons = FAILED, (f"error:{code}",)
        try:
            self._send(self.settings.failure_queue_url, turn.case())
        except (ClientError, BotoCoreError) as error:
            LOG.error("failure queue unavailable (%s) for request %s", _error_code(error), turn.request_id)
        self._record(turn)
        return reply(503, {"requestId": turn.request_id, "error": UNAVAILABLE})

    def _send(self, queue_url: str, case: Mapping[str, Any]) -> None:
        self._sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(case, sort_keys=True))

    def _record(self, turn: Turn) -> None:
        try:
            self._transcript.write(turn.record())
        except (ClientError, BotoCoreError) as error:
            LOG.error("transcript log unavailable (%s) for request %s", _error_code(error), turn.request_id)


def _output_text(response: Mapping[str, Any]) -> str:
    content = ((response.get("output") or {}).get("message") or {}).get("content") or ()
    return "\n".join(block["text"] for block in content if isinstance(block.get("text"), str))


def _error_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "ClientError")
    return type(error).__name__


_assistant: Optional[Assistant] = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point (`assistant.handler.handler`); clients and prompts load once per environment."""
    global _assistant
    if _assistant is None:
        _assistant = Assistant.from_environment(os.environ)
    return _assistant.handle(event)

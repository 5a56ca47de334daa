"""The assistant's request path, end to end: moto's server for SQS and CloudWatch Logs, botocore's
Stubber (which validates every request and response against the real service models) for Bedrock.

The central assertion: a card number the handler receives, in any shape, reaches no Bedrock request,
no log record, no queue message and no reply.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.request

import boto3
import pytest
from botocore.stub import Stubber

from assistant import handler as assistant_handler
from assistant.handler import CONVERSE_CONFIG, Assistant, parse_event
from assistant.prompts import load_prompts
from assistant.settings import Settings, SettingsError
from assistant.transcript import TranscriptLog
from tests.data.look_alikes import support_messages
from tests.verify.conftest import moto_url  # noqa: F401  (the shared moto server fixture)

REGION = "eu-west-1"
GROUP = "/perimeter/test/transcripts"
GUARDRAIL_ID, GUARDRAIL_VERSION = "gr7abc123xyz", "3"
ENVIRONMENT = {
    "PERIMETER_STACK": "test", "PERIMETER_MODEL_ID": "anthropic.claude-3-haiku-20240307-v1:0",
    "PERIMETER_GUARDRAIL_ID": GUARDRAIL_ID, "PERIMETER_GUARDRAIL_VERSION": GUARDRAIL_VERSION,
    "PERIMETER_KNOWLEDGE_BASE_ID": "KB12345678", "PERIMETER_ESCALATION_QUEUE_URL": "set-by-fixture",
    "PERIMETER_FAILURE_QUEUE_URL": "set-by-fixture", "PERIMETER_TRANSCRIPT_LOG_GROUP": GROUP,
    "PERIMETER_GROUNDING_THRESHOLD": "0.75", "PERIMETER_RELEVANCE_THRESHOLD": "0.7",
}
PASSAGE = "Card replacement is free. A new card arrives in 5 to 7 working days."
# Well-known test card numbers (never issued to anyone), 14 to 19 digits.
TEST_PANS = ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
             "3530111333300000", "36227206271667", "4000056655665556", "6304000000000000018")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def shapes(pan: str) -> list[str]:
    """The shapes a customer types a card number in."""
    fours = [pan[i:i + 4] for i in range(0, len(pan), 4)]
    return [
        pan, " ".join(fours), "-".join(fours), ".".join(fours), "/".join(fours), "".join(fours[:2]) + " " + "-".join(fours[2:]),
        " ".join(fours[:2]) + "\n" + " ".join(fours[2:]), pan.translate(FULL_WIDTH), " ".join(fours).translate(ARABIC_INDIC),
        f"card#{pan},", f"x{'-'.join(fours)}y",
    ]


def digits_of(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdecimal())


@pytest.fixture
def aws(moto_url, monkeypatch):  # noqa: F811
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()
    sqs = boto3.client("sqs", endpoint_url=moto_url, region_name=REGION)
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName=GROUP)
    queues = {name: sqs.create_queue(QueueName=f"perimeter-test-{name}")["QueueUrl"] for name in ("escalations", "failures")}
    return sqs, logs, queues


class Bedrock:
    """Stubbed bedrock-runtime and bedrock-agent-runtime clients that also record every request."""

    def __init__(self) -> None:
        self.runtime = boto3.client("bedrock-runtime", region_name=REGION, config=CONVERSE_CONFIG)
        self.agent = boto3.client("bedrock-agent-runtime", region_name=REGION)
        self.requests: list[dict] = []
        for client in (self.runtime, self.agent):
            client.meta.events.register("provide-client-params.*.*", self._record)
        self.runtime_stub, self.agent_stub = Stubber(self.runtime), Stubber(self.agent)
        self.runtime_stub.activate()
        self.agent_stub.activate()

    def _record(self, params, **_):
        self.requests.append(json.loads(json.dumps(params)))

    def retrieves(self, *texts: str) -> "Bedrock":
        self.agent_stub.add_response("retrieve", {"retrievalResults": [
            {"content": {"text": t}, "location": {"type": "S3", "s3Location": {"uri": "s3://kb/faq.md"}}, "score": 0.8}
            for t in texts]})
        return self

    def answers(self, text: str, *, stop: str = "end_turn", grounding: float = 0.92, relevance: float = 0.9,
                topics: tuple[str, ...] = (), pii: tuple[tuple[str, str], ...] = ()) -> "Bedrock":
        input_assessment = {}
        if topics or pii:
            input_assessment[GUARDRAIL_ID] = {
                "topicPolicy": {"topics": [{"name": t, "type": "DENY", "action": "BLOCKED"} for t in topics]},
                "sensitiveInformationPolicy": {"piiEntities": [{"match": match, "type": kind, "action": "BLOCKED"}
                                                               for kind, match in pii],
                                               "regexes": []},
            }
        output_assessment = {GUARDRAIL_ID: [{"contextualGroundingPolicy": {"filters": [
            {"type": "GROUNDING", "threshold": 0.75, "score": grounding, "action": "BLOCKED" if grounding < 0.75 else "NONE"},
            {"type": "RELEVANCE", "threshold": 0.7, "score": relevance, "action": "NONE"}]}}]}
        self.runtime_stub.add_response("converse", {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": stop,
            "usage": {"inputTokens": 812, "outputTokens": 64, "totalTokens": 876},
            "metrics": {"latencyMs": 930},
            "trace": {"guardrail": {"inputAssessment": input_assessment, "outputAssessments": output_assessment}},
        })
        return self

    def refuses(self) -> "Bedrock":
        """A non-retryable error (botocore's Stubber bypasses the retry loop, so retries are tested over HTTP)."""
        self.runtime_stub.add_client_error("converse", service_error_code="AccessDeniedException",
                                           http_status_code=403, service_message="not authorized")
        return self


class BedrockRuntimeServer:
    """A bedrock-runtime endpoint on 127.0.0.1 that answers Converse from a script of (status, error type, body),
    so botocore's real retry loop runs: the standard mode, its attempt count and its backoff."""

    def __init__(self) -> None:
        self.script: list[tuple[int, str, dict]] = []
        self.attempts = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                server.attempts += 1
                status, error_type, body = server.script.pop(0)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error_type:
                    self.send_header("x-amzn-ErrorType", error_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def throttles(self, times: int) -> "BedrockRuntimeServer":
        self.script += [(429, "ThrottlingException", {"message": "Too many requests"})] * times
        return self

    def answers(self, text: str) -> "BedrockRuntimeServer":
        self.script.append((200, "", {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}}, "stopReason": "end_turn",
            "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15}, "metrics": {"latencyMs": 12},
            "trace": {"guardrail": {"outputAssessments": {GUARDRAIL_ID: [{"contextualGroundingPolicy": {"filters": [
                {"type": "GROUNDING", "threshold": 0.75, "score": 0.9, "action": "NONE"}]}}]}}}}))
        return self


@pytest.fixture
def bedrock_server():
    server = BedrockRuntimeServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def bedrock():
    return Bedrock()


@pytest.fixture
def assistant(aws, bedrock):
    sqs, logs, queues = aws
    settings = Settings.from_environment({**ENVIRONMENT, "PERIMETER_ESCALATION_QUEUE_URL": queues["escalations"],
                                          "PERIMETER_FAILURE_QUEUE_URL": queues["failures"]})
    return Assistant(settings, load_prompts(), bedrock_runtime=bedrock.runtime, agent_runtime=bedrock.agent,
                     sqs=sqs, transcript=TranscriptLog(logs, GROUP))


def transcripts(aws) -> list[dict]:
    _, logs, _ = aws
    records = []
    for stream in logs.describe_log_streams(logGroupName=GROUP)["logStreams"]:
        events = logs.get_log_events(logGroupName=GROUP, logStreamName=stream["logStreamName"])["events"]
        records += [json.loads(e["message"]) for e in events]
    return records


def messages(aws, queue: str) -> list[dict]:
    """Every message on the queue (received ones stay invisible, so each call drains what is new)."""
    sqs, _, queues = aws
    bodies = []
    while batch := sqs.receive_message(QueueUrl=queues[queue], MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in batch]
    return bodies


def event(question: str, request_id: str = "req-1") -> dict:
    return {"requestId": request_id, "sessionId": "sess-9", "question": question}


def test_grounded_answer_is_returned_and_recorded(assistant, bedrock, aws):
    bedrock.retrieves(PASSAGE).answers("Replacement cards are free and arrive in 5 to 7 working days.")
    reply = assistant.handle(event("How long does a replacement card take?"))
    assert reply == {"statusCode": 200, "body": {"requestId": "req-1", "outcome": "answered",
                                                 "answer": "Replacement cards are free and arrive in 5 to 7 working days."}}
    converse = bedrock.requests[-1]
    assert converse["guardrailConfig"] == {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "3", "trace": "enabled"}
    assert "toolConfig" not in converse  # the assistant has no tools that act
    [record] = transcripts(aws)
    assert record["outcome"] == "answered" and record["groundingScore"] == 0.92
    assert record["guardrail"] == {"id": GUARDRAIL_ID, "version": "3", "action": "NONE", "interventions": []}
    assert record["tokens"] == {"input": 812, "output": 64} and record["latencyMs"]["model"] == 930
    assert record["promptDigest"] == load_prompts().digest and not messages(aws, "escalations")


@pytest.mark.parametrize("pan", TEST_PANS)
def test_no_card_number_in_any_shape_leaves_the_handler(assistant, bedrock, aws, pan):
    """Every shape, on every path: answered (the model even echoes it), handed off, failed."""
    replies = []
    for index, shape in enumerate(shapes(pan)):
        question = f"My card {shape} was charged twice, exp 04/27 cvv 123. Please help"
        path = index % 3
        if path == 0:
            bedrock.retrieves(PASSAGE).answers(f"I see card {pan} in your message; duplicates are refunded.")
        elif path == 1:
            bedrock.retrieves(PASSAGE).answers("Sorry, I can't help with that.", stop="guardrail_intervened",
                                               pii=(("CREDIT_DEBIT_CARD_NUMBER", pan),))
        else:
            bedrock.retrieves(PASSAGE).refuses()
        replies.append(assistant.handle(event(question, request_id=f"req-{index}")))
    stored = transcripts(aws) + messages(aws, "escalations") + messages(aws, "failures")
    assert len(transcripts(aws)) == len(shapes(pan))
    assert {r["statusCode"] for r in replies} == {200, 503}
    for where, payload in (("bedrock request", bedrock.requests), ("log or queue", stored), ("reply", replies)):
        text = json.dumps(payload, ensure_ascii=False)
        assert pan not in digits_of(text), f"card number reached a {where}"
    assert all("[CARD ****" + pan[-4:] + "]" in json.dumps(r) for r in transcripts(aws) if r["input"])


def test_every_card_shape_of_the_corpus_is_kept_out_of_every_store(assistant, bedrock, aws):
    """The redaction corpus's card messages (30+ shapes), each through the handler with the model echoing it."""
    carrying = [m for m in support_messages() if m.pans]
    assert len({m.shape for m in carrying}) >= 30
    for index, message in enumerate(carrying):
        bedrock.retrieves(PASSAGE).answers(f"Noted: {message.text}", stop=("end_turn", "guardrail_intervened")[index % 2])
        reply = assistant.handle(event(message.text, request_id=f"req-{index}"))
        assert reply["statusCode"] == 200
        stored = json.dumps([reply, bedrock.requests[-2:]], ensure_ascii=False)
        for pan in message.pans:
            assert pan not in digits_of(stored), message.shape
    everything = digits_of(json.dumps(transcripts(aws) + messages(aws, "escalations"), ensure_ascii=False))
    assert not [m.shape for m in carrying for pan in m.pans if pan in everything]


def test_guardrail_intervention_hands_off_with_a_case(assistant, bedrock, aws):
    bedrock.retrieves(PASSAGE).answers("Sorry, I can't help with that.", stop="guardrail_intervened",
                                       pii=(("CREDIT_DEBIT_CARD_NUMBER", "4111111111111111"),))
    reply = assistant.handle(event("Here is my card 4111 1111 1111 1111, raise my limit"))
    assert reply["body"]["outcome"] == "handed-off" and reply["body"]["answer"] == load_prompts().templates["handoff"]
    [case] = messages(aws, "escalations")
    assert case["caseId"] == reply["body"]["caseId"] and "guardrail-intervened" in case["reasons"]
    assert case["guardrail"]["interventions"] == ["PII:CREDIT_DEBIT_CARD_NUMBER"]
    assert case["input"] == "Here is my card [CARD ****1111], raise my limit"


def test_denied_topic_hands_off_and_names_the_topic(assistant, bedrock, aws):
    bedrock.retrieves(PASSAGE).answers("Sorry.", stop="guardrail_intervened", topics=("CreditDecisions",))
    assistant.handle(event("Will you approve my loan?"))
    [case] = messages(aws, "escalations")
    assert case["reasons"][:2] == ["denied-topic:CreditDecisions", "guardrail-intervened"]


def test_low_grounding_hands_off(assistant, bedrock, aws):
    bedrock.retrieves(PASSAGE).answers("Our fees are 2% on everything.", grounding=0.41)
    reply = assistant.handle(event("What is the fee for foreign payments?"))
    assert reply["body"]["outcome"] == "handed-off"
    [case] = messages(aws, "escalations")
    assert case["reasons"] == ["low-grounding"] and case["groundingScore"] == 0.41
    assert case["output"] == "Our fees are 2% on everything."


def test_unmeasured_grounding_is_treated_as_ungrounded(assistant, bedrock, aws):
    bedrock.retrieves(PASSAGE)
    bedrock.runtime_stub.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": "Yes."}]}}, "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 5}})
    assert assistant.handle(event("Is it free?"))["body"]["outcome"] == "handed-off"
    assert messages(aws, "escalations")[0]["reasons"] == ["low-grounding"]


def test_no_retrieved_knowledge_hands_off_without_calling_the_model(assistant, bedrock, aws):
    bedrock.retrieves()
    reply = assistant.handle(event("What's the weather in Lisbon?"))
    assert reply["body"]["outcome"] == "handed-off"
    assert [r for r in bedrock.requests if "modelId" in r] == []
    bedrock.runtime_stub.assert_no_pending_responses()
    assert messages(aws, "escalations")[0]["reasons"] == ["no-knowledge"]


@pytest.fixture
def assistant_over_http(aws, bedrock, bedrock_server):
    """The assistant with a real HTTP bedrock-runtime client (handler's own retry config) against the local server."""
    sqs, logs, queues = aws
    settings = Settings.from_environment({**ENVIRONMENT, "PERIMETER_ESCALATION_QUEUE_URL": queues["escalations"],
                                          "PERIMETER_FAILURE_QUEUE_URL": queues["failures"]})
    runtime = boto3.client("bedrock-runtime", region_name=REGION, endpoint_url=bedrock_server.url, config=CONVERSE_CONFIG)
    return Assistant(settings, load_prompts(), bedrock_runtime=runtime, agent_runtime=bedrock.agent,
                     sqs=sqs, transcript=TranscriptLog(logs, GROUP))


def test_throttling_is_retried_then_answered(assistant_over_http, bedrock, bedrock_server, aws):
    bedrock.retrieves(PASSAGE)
    bedrock_server.throttles(2).answers("Replacement cards are free.")
    reply = assistant_over_http.handle(event("Is a replacement card free?"))
    assert reply["body"] == {"requestId": "req-1", "outcome": "answered", "answer": "Replacement cards are free."}
    assert bedrock_server.attempts == 3  # botocore's standard mode: 3 attempts in all


def test_persistent_throttling_fails_cleanly_and_keeps_the_request(assistant_over_http, bedrock, bedrock_server, aws):
    bedrock.retrieves(PASSAGE)
    bedrock_server.throttles(4)
    reply = assistant_over_http.handle(event("Is a replacement card free? My card is 5555-5555-5555-4444"))
    assert reply["statusCode"] == 503 and "person will follow up" in reply["body"]["error"]
    assert bedrock_server.attempts == 3  # gave up after the documented attempts, not more
    [failure] = messages(aws, "failures")
    assert failure["reasons"] == ["error:ThrottlingException"]
    assert failure["input"] == "Is a replacement card free? My card is [CARD ****4444]"
    assert transcripts(aws)[0]["outcome"] == "failed"


@pytest.mark.parametrize("bad, status, says", [
    ("not an object", 400, "must be a JSON object"),
    ({"requestId": "r", "sessionId": "s"}, 400, "question is required"),
    ({"requestId": "r", "sessionId": "s", "question": 42}, 400, "question is required and must be a string"),
    ({"requestId": "r", "sessionId": "s", "question": "hi", "card": "4111111111111111"}, 400, "unknown field 'card'"),
    ({"requestId": "r", "sessionId": "s", "question": "hi", "4111111111111111": "x"}, 400, "[CARD ****1111]"),
    ({"requestId": "4111111111111111", "sessionId": "s", "question": "hi"}, 400, "requestId must be"),
    ({"requestId": "r 1", "sessionId": "s", "question": "hi"}, 400, "requestId must be"),
    ({"requestId": "r", "sessionId": "s", "question": "   "}, 400, "question is empty"),
    ({"requestId": "r", "sessionId": "s", "question": "4111111111111111 " * 300}, 413, "longer than 4000"),
])
def test_malformed_or_oversized_events_are_refused_without_logging_the_body(assistant, bedrock, aws, bad, status, says):
    reply = assistant.handle(bad)
    assert reply["statusCode"] == status and says in reply["body"]["error"]
    assert bedrock.requests == []
    [record] = transcripts(aws)
    assert record["outcome"] == "rejected" and record["input"] is None and record["requestId"] is None
    assert "4111111111111111" not in digits_of(json.dumps([record, reply]))


def test_lambda_entry_point_builds_from_the_environment_once(monkeypatch, aws, bedrock):
    sqs, logs, queues = aws
    built = []

    def from_environment(environ):
        built.append(Settings.from_environment(environ))
        return Assistant(built[-1], load_prompts(), bedrock_runtime=bedrock.runtime, agent_runtime=bedrock.agent,
                         sqs=sqs, transcript=TranscriptLog(logs, GROUP))

    monkeypatch.setattr(assistant_handler, "_assistant", None)
    monkeypatch.setattr(Assistant, "from_environment", staticmethod(from_environment))
    for name, value in {**ENVIRONMENT, "PERIMETER_ESCALATION_QUEUE_URL": queues["escalations"],
                        "PERIMETER_FAILURE_QUEUE_URL": queues["failures"]}.items():
        monkeypatch.setenv(name, value)
    for _ in range(2):
        bedrock.retrieves(PASSAGE).answers("Free.")
        assert assistant_handler.handler(event("Is it free?"), None)["statusCode"] == 200
    assert len(built) == 1 and built[0].guardrail_version == "3"


@pytest.mark.parametrize("changes, says", [
    ({"PERIMETER_GUARDRAIL_VERSION": "DRAFT"}, "numbered guardrail version, never DRAFT"),
    ({"PERIMETER_GUARDRAIL_VERSION": ""}, "PERIMETER_GUARDRAIL_VERSION is not set"),
    ({"PERIMETER_GROUNDING_THRESHOLD": "high"}, "is not a number"),
    ({"PERIMETER_GROUNDING_THRESHOLD": "1.5"}, "between 0 and 1"),
])
def test_settings_refuse_anything_that_loosens_a_control(changes, says):
    with pytest.raises(SettingsError, match=re.escape(says)):
        Settings.from_environment({**ENVIRONMENT, **changes})


def test_event_contract_accepts_exactly_the_documented_fields():
    request = parse_event({"requestId": "a1.b2:c3-d4_e5", "sessionId": "s", "question": "Hello"})
    assert (request.request_id, request.session_id, request.question) == ("a1.b2:c3-d4_e5", "s", "Hello")

"""Live evaluation through botocore's Stubber: every category against a correctly configured guardrail, a
guardrail missing a control, throttling and access denied (no verdict, no record), and the allow-list."""

from __future__ import annotations

import io
import json
from contextlib import contextmanager

import pytest
from botocore import xform_name
from botocore.stub import Stubber

from perimeter.errors import HarnessError
from perimeter.evaluate import run as evaluate_run
from perimeter.evaluate.run import EvaluateOptions, build_record, build_report, run_cases, write_record
from perimeter.verify import aws
from perimeter.verify.aws import Connection, MutatingCallRefused, make_session

from . import stubbed_guardrail as stub
from .conftest import CLOCK, ROOT


@pytest.fixture
def outputs(tmp_path, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "t",
                        "AWS_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({
        "region": stub.REGION, "kmsKeyArns": {"guardrail": "arn:aws:kms:eu-west-1:111122223333:key/1"},
        "buckets": {"trail": {"name": "b"}}, "trail": {"name": "t"}, "logGroups": {"trail": {"name": "/l"}},
        "invocationLogging": {"bucket": "b", "logGroup": "/l"},
        "guardrail": {"id": stub.GUARDRAIL_ID, "version": stub.VERSION}, "vpcEndpointIds": ["vpce-1"]}))
    return str(path)


@contextmanager
def stubbed_aws(monkeypatch, calls: dict):
    """Each client the run creates gets a Stubber serving `calls[service]`: [(operation, response|error, params)]."""
    stubbers = []
    original = aws.Reader.client

    def client(self, service):
        fresh = service not in self._clients
        created = original(self, service)
        if fresh:
            stubber = Stubber(created)
            for operation, answer, params in calls.get(service, []):
                operation = xform_name(operation)
                if isinstance(answer, tuple):  # (code, http status, message)
                    stubber.add_client_error(operation, answer[0], answer[2], answer[1], expected_params=params)
                else:
                    stubber.add_response(operation, answer, params)
            stubber.activate()
            stubbers.append(stubber)
        return created

    monkeypatch.setattr(aws.Reader, "client", client)
    yield stubbers


def live_calls(inputs, drop=""):
    return {"bedrock": [("GetGuardrail", stub.get_guardrail(inputs.policy.digest()),
                         {"guardrailIdentifier": stub.GUARDRAIL_ID, "guardrailVersion": stub.VERSION})],
            "bedrock-runtime": [("ApplyGuardrail", answer, params)
                                for answer, params in stub.answers(inputs.test_set.cases, drop)]}


def run_live(inputs, outputs):
    options = EvaluateOptions(inputs.config.stack, str(ROOT), live=True, outputs_path=outputs)
    results, guardrail = run_cases(inputs, options)
    record = build_record(inputs, results, guardrail, "live", CLOCK)
    return results, record, build_report(inputs, results, record)


def test_every_category_passes_against_a_guardrail_configured_like_the_stack(dev, outputs, monkeypatch):
    with stubbed_aws(monkeypatch, live_calls(dev)) as stubbers:
        results, record, report = run_live(dev, outputs)
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    assert report.exit_code == 0, [f.message for f in report.findings]
    assert record["mode"] == "live" and record["passed"]
    assert record["guardrail"] == {"policyDigest": dev.policy.digest(), "id": stub.GUARDRAIL_ID,
                                   "version": stub.VERSION, "configDigest": dev.subject.digests["guardrailConfig"]}
    outcome = {r.case.id: r.outcome for r in results}
    assert outcome["atk-010"] == "blocked" and outcome["topic-013"] == "blocked"  # hidden / output side
    assert outcome["ground-004"] == "escalated" and outcome["pii-009"] == "masked" and outcome["benign-016"] == "answered"
    assert "filter:PROMPT_ATTACK=BLOCKED" in next(r for r in results if r.case.id == "atk-001").guardrail
    assert not any("<value>" in json.dumps(r.to_json()) for r in results)  # a match never reaches the record


def test_a_deployed_guardrail_missing_a_topic_fails_those_cases(dev, outputs, monkeypatch):
    with stubbed_aws(monkeypatch, live_calls(dev, drop="topic:InvestmentAdvice")):
        results, record, report = run_live(dev, outputs)
    failed = {r.case.id: r.reasons for r in results if not r.passed}
    assert set(failed) == {"topic-001", "topic-002", "topic-003", "topic-004"}  # 003: on the output side
    assert failed["topic-001"] == ("expected blocked, got answered",)
    assert not record["metrics"]["denied-topic"]["ok"] and report.exit_code == 1


def test_a_deployed_guardrail_that_lets_an_ssn_through_fails_the_pii_case(dev, outputs, monkeypatch):
    with stubbed_aws(monkeypatch, live_calls(dev, drop="pii:US_SOCIAL_SECURITY_NUMBER")):
        results, record, _ = run_live(dev, outputs)
    assert [r.case.id for r in results if not r.passed] == ["pii-009"]
    assert not record["passed"]


@pytest.mark.parametrize("error, reason", [
    (("ThrottlingException", 429, "Too many requests, please wait before trying again."), "ThrottlingException"),
    (("AccessDeniedException", 403, "User is not authorized to perform: bedrock:ApplyGuardrail"), "access denied"),
])
def test_a_call_aws_refuses_leaves_the_case_unevaluated_and_the_run_without_verdict(dev, outputs, monkeypatch, tmp_path,
                                                                                     error, reason):
    calls = live_calls(dev)
    first = calls["bedrock-runtime"][0]
    calls["bedrock-runtime"] = [(first[0], error, first[2])] + calls["bedrock-runtime"][1:]
    with stubbed_aws(monkeypatch, calls):
        results, record, report = run_live(dev, outputs)
    assert results[0].outcome is None and reason in results[0].reasons[0]
    assert all(r.outcome is not None for r in results[1:])
    assert report.exit_code == 2 and reason in report.no_verdict and not record["passed"]


def test_no_record_is_written_without_a_verdict(dev, outputs, monkeypatch, tmp_path):
    calls = live_calls(dev)
    calls["bedrock-runtime"][0] = ("ApplyGuardrail", ("ThrottlingException", 429, "Rate exceeded"),
                                   calls["bedrock-runtime"][0][2])
    monkeypatch.setattr(evaluate_run, "load_inputs", lambda options: dev)
    with stubbed_aws(monkeypatch, calls):
        report, path = evaluate_run.run_evaluate(
            EvaluateOptions("dev", str(ROOT), live=True, outputs_path=outputs, record_dir=str(tmp_path / "records")),
            CLOCK)
    assert report.exit_code == 2 and path is None and not (tmp_path / "records").exists()


def test_a_version_that_is_not_the_current_config_is_refused_before_any_case(dev, outputs, monkeypatch):
    calls = {"bedrock": [("GetGuardrail", stub.get_guardrail("0" * 64), None)]}
    with stubbed_aws(monkeypatch, calls), pytest.raises(HarnessError, match="not the stack's current guardrail config"):
        run_live(dev, outputs)


def test_the_evaluation_session_allows_exactly_verify_reads_plus_the_evaluation_calls():
    connection = Connection(stub.REGION)
    evaluation = make_session(connection, evaluation=True).client("bedrock", region_name=stub.REGION)
    verify_runtime = make_session(connection).client("bedrock-runtime", region_name=stub.REGION)
    with pytest.raises(MutatingCallRefused, match="bedrock:CreateGuardrailVersion"):
        evaluation.create_guardrail_version(guardrailIdentifier=stub.GUARDRAIL_ID)
    with pytest.raises(MutatingCallRefused, match="bedrock-runtime:ApplyGuardrail"):
        verify_runtime.apply_guardrail(guardrailIdentifier=stub.GUARDRAIL_ID, guardrailVersion="1", source="INPUT",
                                       content=[{"text": {"text": "hi"}}])
    assert set(aws.EVALUATION_OPERATIONS) == {("bedrock-runtime", "ApplyGuardrail"), ("lambda", "Invoke")}


def test_docs_list_the_evaluation_iam_policy_the_code_needs():
    text = (ROOT / "docs" / "verify.md").read_text(encoding="utf-8")
    block = text.split("<!-- iam-policy-evaluate:begin -->", 1)[1].split("<!-- iam-policy-evaluate:end -->", 1)[0]
    document = json.loads(block.strip().removeprefix("```json").removesuffix("```"))
    assert document == aws.iam_evaluation_policy_document()


def test_a_live_record_says_live_and_names_the_version(dev, outputs, monkeypatch, tmp_path):
    with stubbed_aws(monkeypatch, live_calls(dev)):
        _, record, _ = run_live(dev, outputs)
    path = write_record(record, str(tmp_path))
    assert path.endswith("20261201T093000Z-live.json")
    written = json.loads(open(path).read())
    assert written["mode"] == "live" and written["guardrail"]["version"] == stub.VERSION


def assistant_replies(inputs, answering=()):
    """The assistant's replies, one per case: a hand-off where the guardrail stops it, else the redacted answer."""
    from botocore.response import StreamingBody

    replies = []
    for case in inputs.test_set.cases:
        handed_off = case.expect in ("blocked", "escalated") and case.id not in answering
        text = "Let me pass you to a colleague." if handed_off else inputs.redact(case.output or "Here is how.").text
        body = json.dumps({"statusCode": 200, "body": {"requestId": f"evaluate-{case.id}", "answer": text,
                                                       "outcome": "handed-off" if handed_off else "answered"}}).encode()
        event = {"requestId": f"evaluate-{case.id}", "sessionId": "perimeter-evaluate", "question": case.input}
        replies.append(("Invoke", {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))},
                        {"FunctionName": FUNCTION, "InvocationType": "RequestResponse",
                         "Payload": json.dumps(event).encode()}))
    return replies


FUNCTION = f"arn:aws:lambda:{stub.REGION}:{stub.ACCOUNT}:function:perimeter-dev-assistant"


def run_end_to_end(inputs, outputs, replies, monkeypatch):
    document = json.loads(open(outputs).read())
    document["assistantFunctionArn"] = FUNCTION
    open(outputs, "w").write(json.dumps(document))
    calls = {**live_calls(inputs), "lambda": replies}
    with stubbed_aws(monkeypatch, calls) as stubbers:
        results, _ = run_cases(inputs, EvaluateOptions("dev", str(ROOT), live=True, end_to_end=True,
                                                        outputs_path=outputs))
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    return results


def test_end_to_end_the_assistant_hands_off_where_the_guardrail_stops(dev, outputs, monkeypatch):
    results = run_end_to_end(dev, outputs, assistant_replies(dev), monkeypatch)
    assert all(r.passed for r in results), [(r.case.id, r.reasons) for r in results if not r.passed]


def test_end_to_end_an_assistant_that_answers_a_credit_decision_fails(dev, outputs, monkeypatch):
    results = run_end_to_end(dev, outputs, assistant_replies(dev, answering={"topic-010"}), monkeypatch)
    failed = {r.case.id: r.reasons for r in results if not r.passed}
    assert failed == {"topic-010": ("end to end the assistant answered where the guardrail alone gave blocked",)}

"""Verify never passes blind: everything denied, everything throttled, a mix; and the documented attempt count.

A small fake AWS endpoint (started and stopped by a fixture) answers STS and
then denies or throttles every other call, counting the requests it gets.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from perimeter.verify import run as verify_run
from perimeter.verify.aws import DEFAULT_MAX_ATTEMPTS

from .conftest import run_cli, run_in_process
from .environment import ACCOUNT, REGION

IDENTITY = (f'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
            f"<Arn>arn:aws:iam::{ACCOUNT}:user/probe</Arn><UserId>AIDPROBE</UserId><Account>{ACCOUNT}</Account>"
            "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>")
OUTPUTS = {"region": REGION, "kmsKeyArns": {"documents": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111"},
           "buckets": {"documents": {"name": "probe-documents"}}, "trail": {"name": "probe-trail"},
           "logGroups": {"app": {"name": "/probe/app"}}, "invocationLogging": {"bucket": "b", "logGroup": "/probe/app"},
           "guardrail": {"id": "abcd1234efgh", "version": "1"}, "vpcEndpointIds": ["vpce-0a1b"]}


ERROR_CODES = {403: ("AccessDenied", "AccessDeniedException"), 429: ("Throttling", "ThrottlingException"),
               503: ("ServiceUnavailable", "ServiceUnavailableException")}


class FakeAws(ThreadingHTTPServer):
    """STS answers (unless `sts_status`); every other call gets `status` with that status's AWS error, in each
    protocol's own error format, as AWS sends it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status, self.sts_status, self.requests = 403, 200, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def error_body(status: int, body: bytes, headers) -> tuple[bytes, dict]:
    query_code, json_code = ERROR_CODES[status]
    if b"Action=" in body and b"Version=2016-11-15" in body:  # EC2's query dialect
        return (f"<Response><Errors><Error><Code>{query_code}</Code><Message>fake</Message></Error></Errors>"
                "<RequestID>1</RequestID></Response>").encode(), {}
    if b"Action=" in body:  # query protocol (STS)
        return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{query_code}</Code><Message>fake</Message>"
                "</Error><RequestId>1</RequestId></ErrorResponse>").encode(), {}
    if "x-amz-content-sha256" in headers:  # S3 and S3 Control: rest-xml
        return f"<Error><Code>{query_code}</Code><Message>fake</Message></Error>".encode(), {}
    return json.dumps({"__type": json_code, "message": "fake"}).encode(), {"x-amzn-ErrorType": json_code}


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        sts = b"Action=GetCallerIdentity" in body
        self.server.requests.append("sts" if sts else self.path)
        status = self.server.sts_status if sts else self.server.status
        payload, headers = (IDENTITY.encode(), {}) if status == 200 else error_body(status, body, self.headers)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_aws_endpoint():
    server = FakeAws()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def outputs_path(tmp_path):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(OUTPUTS))
    return path


@pytest.mark.parametrize("status, why", [(403, "access denied"), (429, "throttled")])
@pytest.mark.parametrize("strict", [False, True])
def test_nothing_verified_is_no_verdict_even_with_strict(fake_aws_endpoint, outputs_path, capsys, status, why, strict):
    fake_aws_endpoint.status = status
    code, out, err = run_in_process(capsys, "--outputs", str(outputs_path), "--endpoint-url", fake_aws_endpoint.url,
                                    "--format", "json", *(["--strict"] if strict else []))
    report = json.loads(out)
    assert code == 2
    assert err.splitlines() == [f"perimeter: no verdict: nothing was verified: all {len(report['notApplicable'])} "
                                "checks were not verifiable; exit 2: see the report's not-verifiable rows"]
    assert report["violations"] and all(v["enforcementLevel"] == "advisory" for v in report["violations"])
    assert all(why in n["reason"] for n in report["notApplicable"])


def test_attempts_per_call_match_the_documented_default(fake_aws_endpoint, monkeypatch):
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    fake_aws_endpoint.sts_status = 429
    result = run_cli("--region", REGION, "--endpoint-url", fake_aws_endpoint.url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "sts:GetCallerIdentity: throttled (Throttling) after every retry" in result.stderr
    assert fake_aws_endpoint.requests == ["sts"] * DEFAULT_MAX_ATTEMPTS == ["sts"] * 3  # docs/verify.md: 3 attempts


def test_aws_max_attempts_overrides_the_attempt_count(fake_aws_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    fake_aws_endpoint.sts_status = 503
    result = run_cli("--region", REGION, "--endpoint-url", fake_aws_endpoint.url)
    assert result.returncode == 2 and fake_aws_endpoint.requests == ["sts", "sts"]


@pytest.mark.parametrize("value", ["0", "many", "99"])
def test_bad_aws_max_attempts_is_one_line_exit_2(fake_aws_endpoint, monkeypatch, value):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", value)
    result = run_cli("--region", REGION, "--endpoint-url", fake_aws_endpoint.url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "AWS_MAX_ATTEMPTS" in result.stderr and fake_aws_endpoint.requests == []


def test_binary_body_is_not_an_aws_answer(fake_aws_endpoint, monkeypatch):
    def binary(handler):
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        handler.send_response(200)
        handler.send_header("Content-Length", "6")
        handler.end_headers()
        handler.wfile.write(b"\x00\xff\xfe\x80\x81\x82")
    monkeypatch.setattr(_Handler, "_answer", binary)
    monkeypatch.setattr(_Handler, "do_POST", binary)
    result = run_cli("--region", REGION, "--endpoint-url", fake_aws_endpoint.url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sts:GetCallerIdentity: the endpoint's answer is not an AWS response" in result.stderr


def test_some_mandatory_checks_denied_is_no_verdict_and_strict_fails(compliant, moto_gaps_answered, monkeypatch, capsys):
    endpoint_url, _, path = compliant
    answering = verify_run.make_session

    def kms_denied(connection):
        session = answering(connection)

        def deny(model, **_):
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, model.name)
        session.events.register("before-call.kms", deny)
        return session

    monkeypatch.setattr(verify_run, "make_session", kms_denied)
    args = ("--outputs", str(path), "--endpoint-url", endpoint_url, "--format", "json")
    code, out, err = run_in_process(capsys, *args)
    assert code == 2 and "mandatory check(s) not verifiable (" in err
    assert "cmk-encryption-at-rest" in err and "kms-key-rotation-enabled" in err
    report = json.loads(out)
    assert any(e["status"] == "COMPLIANT" for e in report["evaluations"])  # the rest was verified
    code, _, err = run_in_process(capsys, *args, "--strict")
    assert code == 1 and err.rstrip().endswith("exit 1 (--strict): see the report's not-verifiable rows")

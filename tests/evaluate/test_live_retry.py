"""Throttling is retried by verify's client (botocore standard mode) against a real HTTP endpoint: Stubber
answers before the retry layer, so this runs a one-route server that throttles, then answers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from perimeter.evaluate.live import LiveTarget, evaluate_live
from perimeter.verify.aws import Connection, Reader, make_session

from . import stubbed_guardrail as stub
from .conftest import evaluation_inputs


def serve(throttled_answers: int):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append((self.path, body["source"]))
            if len(requests) <= throttled_answers:
                payload, status, headers = {"message": "Too many requests, please wait before trying again."}, 429, \
                    {"x-amzn-ErrorType": "ThrottlingException"}
            else:
                payload, status, headers = stub.response({"contentPolicy": {"filters": [
                    {"type": "PROMPT_ATTACK", "confidence": "HIGH", "action": "BLOCKED"}]}}), 200, {}
            data = json.dumps(payload).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, requests


@pytest.mark.parametrize("throttled, attempts, evaluated", [(1, "3", True), (3, "3", False)])
def test_throttling_is_retried_then_reported(monkeypatch, throttled, attempts, evaluated):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_MAX_ATTEMPTS": attempts}.items():
        monkeypatch.setenv(name, value)
    server, requests = serve(throttled)
    try:
        connection = Connection(stub.REGION, f"http://127.0.0.1:{server.server_port}")
        reader = Reader(make_session(connection, evaluation=True), connection)
        case = next(c for c in evaluation_inputs("dev").test_set.cases if c.id == "atk-001")
        result = evaluate_live(case, reader, LiveTarget(stub.GUARDRAIL_ID, stub.VERSION),
                               evaluation_inputs("dev").redact)
    finally:
        server.shutdown()
    assert requests[0] == (f"/guardrail/{stub.GUARDRAIL_ID}/version/{stub.VERSION}/apply", "INPUT")
    if evaluated:
        assert len(requests) == 2 and result.outcome == "blocked" and result.passed
    else:
        assert len(requests) == 3 and result.outcome is None and "ThrottlingException" in result.reasons[0]

"""moto in server mode on 127.0.0.1, owned by the tests: started once, reset before each test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from moto.server import ThreadedMotoServer

from .environment import ACCOUNT, GUARDRAIL, REGION, build_compliant

PERIMETER = os.path.join(os.path.dirname(sys.executable), "perimeter")
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    # moto answers APIs it lacks with HTTP 500; retrying those only slows the suite.
    "AWS_MAX_ATTEMPTS": "1",
}


@pytest.fixture(scope="session")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    # Never read the developer's real profile or credentials.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws(moto_url):
    """A fresh moto account for each test."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()
    return moto_url


@pytest.fixture
def compliant(aws, tmp_path):
    """(endpoint url, outputs document, outputs path) for the compliant deployment."""
    outputs = build_compliant(aws)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return aws, outputs, path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PERIMETER, "verify", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))


# moto 5.2.5 lacks these reads (FIELD-NOTES §5/§8). Answered in-process with compliant,
# service-model-valid responses, so a run can be fully verified and reach a verdict.
def _moto_gap_answers(guardrail: dict) -> dict:
    now = "2026-01-01T00:00:00Z"
    arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{guardrail['id']}"
    card = [{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}]
    return {
        ("bedrock", "GetGuardrail"): {
            "name": "perimeter", "guardrailId": guardrail["id"], "guardrailArn": arn, "version": guardrail["version"],
            "status": "READY", "createdAt": now, "updatedAt": now, "blockedInputMessaging": "blocked",
            "blockedOutputsMessaging": "blocked", "sensitiveInformationPolicy": {"piiEntities": card}},
        ("securityhub", "GetEnabledStandards"): {"StandardsSubscriptions": [{
            "StandardsSubscriptionArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/pci-dss/v/4.0.1",
            "StandardsArn": f"arn:aws:securityhub:{REGION}::standards/pci-dss/v/4.0.1", "StandardsInput": {},
            "StandardsStatus": "READY"}]},
        ("opensearchserverless", "ListAccessPolicies"): {"accessPolicySummaries": []},
    }


@pytest.fixture
def moto_gaps_answered(monkeypatch):
    """In-process runs (perimeter.cli.main) whose moto gaps are answered: a fully verifiable account."""
    from botocore.awsrequest import AWSResponse

    from perimeter.verify import run as verify_run

    answers = _moto_gap_answers(GUARDRAIL)
    original = verify_run.make_session

    def answering(connection):
        session = original(connection)

        def answer(model, **_):
            key = (model.service_model.service_name, model.name)
            if key in answers:
                return AWSResponse(None, 200, {}, None), answers[key]
            return None
        session.events.register("before-call", answer)
        return session

    monkeypatch.setattr(verify_run, "make_session", answering)
    return answers


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    from perimeter.cli import main

    code = main(["verify", "--quiet", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err

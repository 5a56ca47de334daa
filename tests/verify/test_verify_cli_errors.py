"""No verdict, one line, no traceback: an unreachable endpoint and a malformed outputs file."""

from __future__ import annotations

import json
import socket

import pytest

from .conftest import run_cli


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket closes


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("perimeter: ")
    for fragment in fragments:
        assert fragment in result.stderr


def test_unreachable_endpoint_is_no_verdict(compliant):
    _, _, path = compliant
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_cli("--outputs", str(path), "--endpoint-url", url, "--format", "json")
    assert_one_line_error(result, f"cannot verify against {url}", "could not reach AWS")


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "is not valid JSON"),
    (json.dumps({"kmsKeyArns": "arn:aws:kms:eu-west-1:123456789012:key/x"}), "invalid outputs"),
    (json.dumps({"region": "eu-west-1", "kmsKeyArns": {"documents": "not-an-arn"},
                 "buckets": {"documents": {"name": "b"}}, "trail": {"name": "t"}, "logGroups": {"app": {"name": "g"}},
                 "invocationLogging": {"bucket": "b", "logGroup": "g"}, "guardrail": {"id": "g", "version": "1"},
                 "vpcEndpointIds": ["vpce-0a1b"]}),
     "invalid outputs at kmsKeyArns/documents: 'not-an-arn' does not match"),
])
def test_malformed_outputs_file_is_one_line_exit_2(tmp_path, content, fragment):
    path = tmp_path / "outputs.json"
    path.write_text(content)
    assert_one_line_error(run_cli("--outputs", str(path), "--endpoint-url", "http://127.0.0.1:9"), str(path), fragment)


def test_missing_region_is_one_line_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert_one_line_error(run_cli("--stack", "dev"), "no region")

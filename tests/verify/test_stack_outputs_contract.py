"""The reference stacks export what `perimeter verify --outputs` needs, in its contract's shape."""

import os

import pytest

from perimeter.harness.project import load_project
from perimeter.harness.runner import run_phases
from perimeter.verify.outputs import validate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_update_phase_outputs_satisfy_the_verify_contract(stack, tmp_path):
    outputs = run_phases(load_project(ROOT, stack), ("update",), timeout=300)["update"].outputs
    parsed = validate(outputs, f"stack {stack} outputs")
    assert set(parsed["buckets"]) == {"knowledge", "trail", "invocations", "config"}
    assert parsed["guardrail"]["version"] == "1"
    # bedrock-runtime, bedrock-agent-runtime, bedrock, bedrock-agent, kms, logs, sts, sqs
    assert len(parsed["vpcEndpointIds"]) == 8
    assert set(parsed["logGroups"]) == {"trail", "invocations", "transcripts"}

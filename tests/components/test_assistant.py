"""The assistant under the mock runtime: private, on its CMK, capped, with its queues; alerts reach people."""

import ast
import copy
import json

import pulumi
import pytest

from components.assistant import code_archive
from tests.components.conftest import ACCOUNT_ID, ROOT, created, run_program, stack_config

FUNCTION = "aws:lambda/function:Function"
QUEUE = "aws:sqs/queue:Queue"


def test_function_is_private_with_no_public_trigger(preview):
    function = preview.one(FUNCTION, "assistant").inputs
    subnets = {s.urn for s in preview.of_type("aws:ec2/subnet:Subnet")}
    assert function["vpcConfig"]["securityGroupIds"] and len(function["vpcConfig"]["subnetIds"]) == len(subnets)
    # Nothing invokes it but the front end's own IAM identity: no URL, no resource-based permission, no trigger.
    for public_path in ("aws:lambda/functionUrl:FunctionUrl", "aws:lambda/permission:Permission",
                        "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:apigateway/restApi:RestApi"):
        assert preview.of_type(public_path) == []
    group = preview.one("aws:ec2/securityGroup:SecurityGroup", "assistant-function").inputs
    assert "ingress" not in group
    egress = preview.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "assistant-function-https-out").inputs
    assert (egress["fromPort"], egress["toPort"], egress["cidrIpv4"]) == (443, 443, preview.setting("vpcCidr"))


def test_function_runs_as_the_app_role_with_its_cmk_limits_and_log_group(deployed):
    function = deployed.one(FUNCTION, "assistant").inputs
    assert function["role"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-app"
    assert function["kmsKeyArn"] == created(deployed, "aws:kms/key:Key", "keys-assistant")["arn"]
    expected_concurrency = deployed.config.get("perimeter:assistant", {}).get("reservedConcurrency", 10)
    assert function["reservedConcurrentExecutions"] == expected_concurrency
    assert "deadLetterConfig" not in function  # Lambda's async DLQ would receive the raw event
    assert function["loggingConfig"]["logGroup"] == f"/perimeter/{deployed.stack}/assistant-runtime"
    assert function["handler"] == "assistant.handler.handler" and function["runtime"].startswith("python3")


def test_function_calls_bedrock_with_the_stacks_numbered_guardrail_version(deployed):
    variables = deployed.one(FUNCTION, "assistant").inputs["environment"]["variables"]
    version = created(deployed, "aws:bedrock/guardrailVersion:GuardrailVersion")["version"]
    assert variables["PERIMETER_GUARDRAIL_VERSION"] == version != "DRAFT"
    assert variables["PERIMETER_GUARDRAIL_ID"] == created(deployed, "aws:bedrock/guardrail:Guardrail")["guardrailId"]
    assert variables["PERIMETER_GROUNDING_THRESHOLD"] == str(deployed.setting("guardrail")["groundingThreshold"])
    assert variables["PERIMETER_TRANSCRIPT_LOG_GROUP"] == f"/perimeter/{deployed.stack}/transcripts"
    geography = deployed.setting("inferenceGeography")
    model = deployed.setting("model")["id"]
    assert variables["PERIMETER_MODEL_ID"] == (model if geography == "none" else f"{geography}.{model}")


def test_queues_are_on_the_assistant_cmk_with_bounded_retention_and_a_redrive(deployed):
    queues = {q.name: q.inputs for q in deployed.of_type(QUEUE)}
    assert set(queues) == {"assistant-escalations", "assistant-escalations-redrive", "assistant-failures"}
    key = created(deployed, "aws:kms/key:Key", "keys-assistant")["arn"]
    for queue in queues.values():
        assert queue["kmsMasterKeyId"] == key and queue["messageRetentionSeconds"] <= 14 * 24 * 3600
    policies = {p.name: p.json("policy") for p in deployed.of_type("aws:sqs/queuePolicy:QueuePolicy")}
    assert set(policies) == set(queues)
    for policy in policies.values():
        (deny,) = policy["Statement"]
        assert (deny["Effect"], deny["Principal"], deny["Condition"]) == (
            "Deny", {"AWS": "*"}, {"Bool": {"aws:SecureTransport": "false"}})
    redrive = json.loads(queues["assistant-escalations"]["redrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(f":perimeter-{deployed.stack}-escalations-redrive")


def test_archive_is_the_handler_package_and_vendored_stdnum_without_caches():
    files = sorted(code_archive().assets)
    assert "assistant/handler.py" in files and "assistant/prompts/system.md" in files and "stdnum/luhn.py" in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]
    assert not [f for f in files if f.startswith(("tests/", "components/", "perimeter/"))]


def test_assistant_code_uses_no_aws_operation_that_acts():
    """The model never acts: the handler's AWS calls only read knowledge, converse, and record or hand off."""
    clients, operations = set(), set()
    for path in (ROOT / "assistant").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "client" and isinstance(node.func.value, ast.Name) and node.func.value.id == "boto3":
                clients.add(node.args[0].value)
            if isinstance(node.func.value, ast.Attribute) and node.func.value.attr in {"_bedrock", "_agent", "_sqs", "_logs"}:
                operations.add(node.func.attr)
    assert clients == {"bedrock-runtime", "bedrock-agent-runtime", "sqs", "logs"}
    assert operations == {"retrieve", "converse", "send_message", "create_log_stream", "put_log_events"}


def test_alarm_topic_reaches_the_configured_people(deployed):
    subscriptions = {(s.inputs["protocol"], s.inputs["endpoint"]) for s in
                     deployed.of_type("aws:sns/topicSubscription:TopicSubscription")}
    alerts = deployed.config.get("perimeter:alerts", {})
    assert subscriptions == ({("email", e) for e in alerts.get("emails", [])}
                             | {("https", u) for u in alerts.get("httpsEndpoints", [])})
    if deployed.stack in ("staging", "prod"):
        assert subscriptions


def test_high_severity_findings_are_routed_to_the_alarm_topic(deployed):
    rules = {r.name: json.loads(r.inputs["eventPattern"]) for r in deployed.of_type("aws:cloudwatch/eventRule:EventRule")}
    assert rules["posture-guardduty-high"]["detail"]["severity"] == [{"numeric": [">=", 7]}]
    assert rules["posture-securityhub-critical-high"]["detail"]["findings"]["Severity"]["Label"] == ["CRITICAL", "HIGH"]
    pci = rules["posture-securityhub-pci-dss-failed"]["detail"]["findings"]["Compliance"]
    assert pci["Status"] == ["FAILED"]
    topic = created(deployed, "aws:sns/topic:Topic")["arn"]
    targets = {t.name: t.inputs for t in deployed.of_type("aws:cloudwatch/eventTarget:EventTarget")}
    assert set(targets) == set(rules) and all(t["arn"] == topic for t in targets.values())


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_alerts_are_required_where_people_must_be_paged(stack):
    config = copy.deepcopy(stack_config(stack))
    del config["perimeter:alerts"]
    registered = []
    with pytest.raises(pulumi.RunError, match=rf"^perimeter:alerts is required in {stack}; allowed: "):
        run_program(config, stack, registered=registered)
    assert registered == []

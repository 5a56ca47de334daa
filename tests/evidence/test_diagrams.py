"""PCI DSS 1.2.3 / 1.2.4 diagrams: complete for the reference stacks, derived from what the stack holds.

The dev stack's diagrams are also golden files of the evidence pack (tests/evidence/golden/dev/, `make regen`).
"""

from __future__ import annotations

import os

import pytest

from perimeter.engine.preview import PreviewOptions, run_preview
from perimeter.evidence.diagrams import (
    ENDPOINT,
    SUBNET,
    VPC,
    Stack,
    data_flow_graph,
    network_graph,
    node_id,
    to_dot,
    to_mermaid,
)
from perimeter.report import Resource

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@pytest.fixture(scope="module", params=["dev", "prod"])
def reference(request):
    report = run_preview(PreviewOptions(ROOT, request.param, os.path.join(ROOT, "policies"),
                                        os.path.join(ROOT, "policies", "config", f"{request.param}.json"),
                                        phases=("preview",)))
    return Stack(report.resources)


def test_every_vpc_subnet_and_endpoint_is_in_the_network_diagram(reference):
    diagram = to_mermaid(network_graph(reference))
    expected = reference.of_type(VPC, SUBNET, ENDPOINT)
    assert len(reference.of_type(VPC)) >= 1 and len(reference.of_type(SUBNET)) >= 2 and len(reference.of_type(ENDPOINT)) >= 2
    missing = [r.name for r in expected if node_id(r) not in diagram or r.name not in diagram]
    assert not missing


def test_the_assistant_reaches_only_the_endpoints_and_the_flow_removes_card_data_before_any_call(reference):
    network = network_graph(reference)
    functions = [r for r in reference.of_type("aws:lambda/function:Function")]
    assert functions, "the reference stack deploys the assistant function"
    sources = {source for source, *_ in network.edges if not source.startswith("r_Subnet")}
    assert sources <= {node_id(f) for f in functions}  # nothing else initiates traffic
    assert "no_internet" in network.nodes
    flow = data_flow_graph(reference)
    redaction = node_id(functions[0]) + "_redaction"
    assert "CARD DATA REMOVED HERE" in flow.nodes[redaction][0]
    assert flow.nodes[redaction][1] == "card_data_free" and flow.nodes[node_id(functions[0])][1] == "may_hold_card_data"
    # Whatever leaves the function leaves through redaction: every store and endpoint is reached from it.
    from_function = {target for source, target, *_ in flow.edges if source == node_id(functions[0])}
    assert from_function == {redaction}
    guardrail = reference.of_type("aws:bedrock/guardrail:Guardrail")[0]
    assert "card numbers BLOCKED on input and output" in flow.nodes[node_id(guardrail)][0]


def resource(kind: str, name: str, inputs=None, **deps) -> Resource:
    return Resource(f"urn:pulumi:t::p::{kind}::{name}", kind, name, None, inputs or {},
                    {k: [f"urn:pulumi:t::p::{v.type}::{v.name}" for v in vs] for k, vs in deps.items()})


def small_stack(egress_cidr: str = "10.0.0.0/16", extra: tuple = ()) -> Stack:
    vpc = resource(VPC, "main", {"cidrBlock": "10.0.0.0/16"})
    subnet = resource(SUBNET, "private-a", {"cidrBlock": "10.0.1.0/24", "availabilityZone": "eu-west-1a",
                                            "vpcId": UNKNOWN}, vpcId=[vpc])
    app_sg = resource("aws:ec2/securityGroup:SecurityGroup", "app", vpcId=[vpc])
    endpoint_sg = resource("aws:ec2/securityGroup:SecurityGroup", "endpoints", vpcId=[vpc])
    egress = resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "app-out",
                      {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": egress_cidr},
                      securityGroupId=[app_sg])
    ingress = resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "endpoints-in",
                       {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0},
                       securityGroupId=[endpoint_sg], referencedSecurityGroupId=[app_sg])
    endpoint = resource(ENDPOINT, "bedrock-runtime", {"vpcEndpointType": "Interface", "privateDnsEnabled": True,
                                                      "serviceName": "com.amazonaws.eu-west-1.bedrock-runtime"},
                        vpcId=[vpc], subnetIds=[subnet], securityGroupIds=[endpoint_sg])
    guardrail = resource("aws:bedrock/guardrail:Guardrail", "gr", {"sensitiveInformationPolicyConfig": {
        "piiEntitiesConfigs": [{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "ANONYMIZE"}]}})
    queue = resource("aws:sqs/queue:Queue", "escalations")
    function = resource("aws:lambda/function:Function", "assistant", vpcConfig=[subnet, app_sg],
                        environment=[guardrail, queue])
    return Stack([vpc, subnet, app_sg, endpoint_sg, egress, ingress, endpoint, guardrail, queue, function, *extra])


def test_reachability_needs_both_the_egress_and_the_ingress_rule():
    network = network_graph(small_stack())
    assert ("r_Function_assistant", "r_VpcEndpoint_bedrock_runtime", "tcp/443", False) in network.edges
    closed = network_graph(small_stack(egress_cidr="10.9.0.0/16"))  # egress elsewhere: no path to the endpoint
    assert not [e for e in closed.edges if e[1] == "r_VpcEndpoint_bedrock_runtime"]
    assert ("r_Function_assistant", "outside_10_9_0_0_16", "egress allowed", False) in closed.edges


def test_a_resource_the_program_adds_appears_in_both_diagrams():
    log_group = resource("aws:cloudwatch/logGroup:LogGroup", "transcripts")
    stack = small_stack(extra=(log_group,))
    stack.by_urn["urn:pulumi:t::p::aws:lambda/function:Function::assistant"].property_dependencies["loggingConfig"] = \
        [log_group.urn]
    flow = to_mermaid(data_flow_graph(stack))
    assert 'r_Function_assistant_redaction -->|"redacted text"| r_LogGroup_transcripts' in flow
    assert 'r_Function_assistant_redaction -->|"redacted text"| r_Queue_escalations' in flow
    assert "layer 2: card numbers BLOCKED on input and output" in flow
    gateway = resource("aws:ec2/internetGateway:InternetGateway", "igw", vpcId=[stack.of_type(VPC)[0]])
    network = to_mermaid(network_graph(Stack([*stack.resources, gateway])))
    assert "InternetGateway igw" in network and "no_internet" not in network


def test_labels_cannot_break_the_diagram_syntax():
    hostile = resource("aws:sqs/queue:Queue", 'q"]\x1b[31m|x')
    stack = small_stack()
    function = stack.by_urn["urn:pulumi:t::p::aws:lambda/function:Function::assistant"]
    function.property_dependencies["deadLetterConfig"] = [hostile.urn]
    stack = Stack([*stack.resources, hostile])
    for text in (to_mermaid(data_flow_graph(stack)), to_dot(data_flow_graph(stack))):
        assert "\x1b" not in text and 'q"]' not in text


@pytest.mark.parametrize("logging_config, label", [
    ({"textDataDeliveryEnabled": False}, "invocation log: metadata only (text delivery off)"),
    ({"textDataDeliveryEnabled": True}, "invocation log: prompts and completions"),
    ({}, "invocation log: prompts and completions"),  # pulumi-aws defaults text delivery to true
])
def test_invocation_log_edges_say_what_the_log_holds_in_a_stable_order(logging_config, label):
    # A bucket and a log group with one name: the diagram must not depend on registration order.
    bucket = resource("aws:s3/bucket:Bucket", "invocations")
    group = resource("aws:cloudwatch/logGroup:LogGroup", "invocations")
    flows = []
    for order in ((bucket, group), (group, bucket)):
        logging = resource("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
                           "logging", {"loggingConfig": logging_config}, loggingConfig=list(order))
        flows.append(to_mermaid(data_flow_graph(Stack([*small_stack().resources, *order, logging]))))
    assert flows[0] == flows[1]
    assert f'-.->|"{label}"| r_Bucket_invocations' in flows[0]
    assert f'-.->|"{label}"| r_LogGroup_invocations' in flows[0]

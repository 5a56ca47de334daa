"""Private network: no path to the internet; HTTPS-only endpoints with private DNS and restrictive policies."""

import ipaddress

import pytest

from components.private_network import INTERFACE_SERVICES
from tests.components.conftest import ACCOUNT_ID, created

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INTERNET_PATHS = ("aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
                  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "aws:ec2/route:Route")


def test_no_internet_gateway_nat_public_ip_or_route(preview):
    for resource_type in INTERNET_PATHS:
        assert not preview.of_type(resource_type)
    assert preview.one("aws:ec2/routeTable:RouteTable").inputs.get("routes") in (None, [])


def test_private_subnets_in_each_available_zone(preview):
    vpc_cidr = ipaddress.IPv4Network(preview.setting("vpcCidr"))
    subnets = preview.of_type("aws:ec2/subnet:Subnet")
    assert sorted(s.inputs["availabilityZone"] for s in subnets) == [f"{preview.region}{z}" for z in "abc"]
    for subnet in subnets:
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
        assert subnet.inputs["assignIpv6AddressOnCreation"] is False
        assert ipaddress.IPv4Network(subnet.inputs["cidrBlock"]).subnet_of(vpc_cidr)
    assert len(preview.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")) == len(subnets)


def test_default_security_group_is_closed(preview):
    default = preview.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs
    assert default.get("ingress") in (None, []) and default.get("egress") in (None, [])


def test_endpoint_security_group_allows_https_within_the_vpc_only(preview):
    cidr = preview.setting("vpcCidr")
    for rule_type, name in (("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "network-endpoints-https-in"),
                            ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "network-endpoints-https-out")):
        rule = preview.one(rule_type, name)
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
        assert rule.inputs["cidrIpv4"] == cidr
        assert "cidrIpv6" not in rule.inputs
    group = preview.one("aws:ec2/securityGroup:SecurityGroup", "network-endpoints").inputs
    assert "ingress" not in group and "egress" not in group


def test_interface_endpoints_are_private_with_private_dns(preview):
    endpoints = {e.inputs["serviceName"]: e.inputs for e in preview.of_type(ENDPOINT)}
    for service in INTERFACE_SERVICES:
        endpoint = endpoints[f"com.amazonaws.{preview.region}.{service}"]
        assert endpoint["vpcEndpointType"] == "Interface"
        assert endpoint["privateDnsEnabled"] is True
    s3 = endpoints[f"com.amazonaws.{preview.region}.s3"]
    assert s3["vpcEndpointType"] == "Gateway"
    assert len(endpoints) == len(INTERFACE_SERVICES) + 1


@pytest.mark.parametrize("service", INTERFACE_SERVICES + ("s3",))
def test_every_endpoint_policy_names_the_workload_role_and_scoped_resources(deployed, service):
    endpoint = deployed.one(ENDPOINT, f"network-{service}")
    for statement in endpoint.json("policy")["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-app"]}
        assert "*" not in statement["Resource"] and not any("*" == a or a.endswith(":*") for a in statement["Action"])


def test_runtime_endpoint_allows_only_the_approved_model_and_guardrail(deployed):
    statements = {s["Sid"]: s for s in deployed.one(ENDPOINT, "network-bedrock-runtime").json("policy")["Statement"]}
    invoke = statements["InvokeApprovedModel"]
    model = deployed.setting("model")["id"]
    assert invoke["Resource"] and all(r.endswith(model) and ":bedrock:" in r for r in invoke["Resource"])
    assert statements["ApplyPerimeterGuardrail"]["Resource"] == [
        created(deployed, "aws:bedrock/guardrail:Guardrail")["guardrailArn"]]


def test_flow_logs_capture_all_traffic_to_an_encrypted_group(deployed):
    flow = deployed.one("aws:ec2/flowLog:FlowLog").inputs
    assert flow["trafficType"] == "ALL" and flow["logDestinationType"] == "cloud-watch-logs"
    assert flow["logDestination"].endswith(f":log-group:/perimeter/{deployed.stack}/vpc-flow-logs")

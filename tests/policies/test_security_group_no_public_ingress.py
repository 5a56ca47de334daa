import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "security-group-no-public-ingress"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

HTTPS_FROM_VPC = {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"],
                  "securityGroups": [UNKNOWN]}
OPEN_EGRESS = {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
COMPLIANT = {
    SECURITY_GROUP: {"vpcId": UNKNOWN, "description": "app", "ingress": [HTTPS_FROM_VPC], "egress": [OPEN_EGRESS]},
    SECURITY_GROUP_RULE: {"type": "ingress", "securityGroupId": UNKNOWN, "protocol": "tcp", "fromPort": 443,
                          "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]},
    INGRESS_RULE: {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
                   "cidrIpv4": "10.0.0.0/16"},
}


def subject(type_, **changes):
    inputs = {**COMPLIANT[type_], **changes}
    return resource(type_, "app", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_, changes, named", [
    (SECURITY_GROUP, {"ingress": [HTTPS_FROM_VPC, {**HTTPS_FROM_VPC, "fromPort": 22, "toPort": 22,
                                                   "cidrBlocks": ["0.0.0.0/0"]}]}, "ingress[1]"),
    (SECURITY_GROUP, {"ingress": [{**HTTPS_FROM_VPC, "ipv6CidrBlocks": ["::/0"]}]}, "::/0 on tcp port 443"),
    (SECURITY_GROUP, {"ingress": [{**HTTPS_FROM_VPC, "protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}]},
     "all protocols and ports"),
    (SECURITY_GROUP_RULE, {"cidrBlocks": ["0.0.0.0/0"], "fromPort": 8000, "toPort": 8080}, "tcp ports 8000-8080"),
    (SECURITY_GROUP_RULE, {"cidrBlocks": None, "ipv6CidrBlocks": ["::/0"]}, "::/0"),
    (INGRESS_RULE, {"cidrIpv4": "0.0.0.0/0"}, "0.0.0.0/0 on tcp port 443"),
    (INGRESS_RULE, {"cidrIpv4": None, "cidrIpv6": "::/0"}, "::/0"),
])
def test_each_ingress_from_anywhere_blocks_and_names_the_ports(type_, changes, named):
    result = analyze(POLICY, subject(type_, **changes))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_egress_rule_to_anywhere_is_out_of_scope():
    assert analyze(POLICY, subject(SECURITY_GROUP_RULE, type="egress", cidrBlocks=["0.0.0.0/0"])).clean


def test_open_ingress_still_blocks_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, subject(INGRESS_RULE, cidrIpv4="0.0.0.0/0", referencedSecurityGroupId=UNKNOWN,
                                     fromPort=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run
    assert "tcp ports (unknown range)" in result.violations[0][0]


@pytest.mark.parametrize("type_, changes", [
    (SECURITY_GROUP, {"ingress": UNKNOWN}),
    (SECURITY_GROUP, {"ingress": [{**HTTPS_FROM_VPC, "cidrBlocks": [UNKNOWN]}]}),
    (INGRESS_RULE, {"cidrIpv4": UNKNOWN}),
    (SECURITY_GROUP_RULE, {"type": UNKNOWN, "cidrBlocks": ["0.0.0.0/0"]}),
])
def test_unknown_cidrs_or_direction_are_deferred(type_, changes):
    result = analyze(POLICY, subject(type_, **changes))
    assert result.clean and len(result.deferred) == 1


@pytest.mark.parametrize("ingress", [["0.0.0.0/0"], "tcp/22", [HTTPS_FROM_VPC, 22]])
def test_ingress_entries_that_are_not_rules_block_and_name_the_entry(ingress):
    result = analyze(POLICY, subject(SECURITY_GROUP, ingress=ingress))
    assert len(result.violations) == 1 and not result.cant_run
    assert "not an ingress rule object" in result.violations[0][0]


@pytest.mark.parametrize("type_, changes, finding", [
    (SECURITY_GROUP_RULE, {"cidrBlocks": ["10.1.2.3/0"]},
     "SecurityGroupRule 'app' rule allows ingress from 10.1.2.3/0 on tcp port 443."),
    (INGRESS_RULE, {"cidrIpv4": None, "cidrIpv6": "2001:db8::1/0"},
     "SecurityGroupIngressRule 'app' rule allows ingress from 2001:db8::1/0 on tcp port 443."),
    (SECURITY_GROUP_RULE, {"cidrBlocks": ["0.0.0.0/0"], "protocol": UNKNOWN},
     "SecurityGroupRule 'app' rule allows ingress from 0.0.0.0/0 on unknown protocol port 443."),
], ids=["ipv4-host-bits", "ipv6-host-bits", "unknown-protocol"])
def test_a_slash_zero_written_with_host_bits_is_still_the_whole_internet(type_, changes, finding):
    result = analyze(POLICY, subject(type_, **changes))
    assert len(result.violations) == 1 and finding in result.violations[0][0].splitlines()


def test_a_value_that_is_not_a_cidr_is_not_read_as_the_internet():
    result = analyze(POLICY, subject(SECURITY_GROUP_RULE, cidrBlocks=["not-a-cidr"]))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("ingress, reason", [
    (UNKNOWN, "SecurityGroup 'app': ingress is unknown at preview"),
    ([HTTPS_FROM_VPC, UNKNOWN], "SecurityGroup 'app': ingress[1] is unknown at preview"),
], ids=["list", "one-rule"])
def test_unknown_ingress_is_deferred_naming_what_is_unknown(ingress, reason):
    result = analyze(POLICY, subject(SECURITY_GROUP, ingress=ingress))
    assert result.clean and [d["message"] for d in result.deferred] == [reason]


@pytest.mark.parametrize("type_, changes, finding", [
    (SECURITY_GROUP_RULE, {"cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"], "protocol": "all"},
     "SecurityGroupRule 'app' rule allows ingress from 0.0.0.0/0, ::/0 on all protocols and ports."),
    (SECURITY_GROUP, {"ingress": ["junk"]},
     "SecurityGroup 'app' ingress[0] is 'junk', not an ingress rule object, so what it admits cannot be read."),
], ids=["every-open-cidr-and-protocol-all", "unreadable-entry"])
def test_finding_names_every_open_cidr_and_what_it_admits(type_, changes, finding):
    result = analyze(POLICY, subject(type_, **changes))
    assert len(result.violations) == 1 and finding in result.violations[0][0].splitlines()


@pytest.mark.parametrize("changes, reason", [
    ({"type": UNKNOWN, "cidrBlocks": ["0.0.0.0/0"]},
     "SecurityGroupRule 'app': type (ingress or egress) of a rule open to the internet is unknown at preview"),
    ({"cidrBlocks": UNKNOWN}, "SecurityGroupRule 'app': rule CIDR blocks is unknown at preview"),
], ids=["type", "cidr-blocks"])
def test_rule_deferral_names_the_unknown_input(changes, reason):
    result = analyze(POLICY, subject(SECURITY_GROUP_RULE, **changes))
    assert result.clean and [d["message"] for d in result.deferred] == [reason]

import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "vpc-default-security-group-closed"
VPC = resource(aws.ec2.Vpc, "main", cidr_block="10.40.0.0/16", enable_dns_support=True)
CLOSED = resource(aws.ec2.DefaultSecurityGroup, "main-default", vpc_id=UNKNOWN, ingress=[], egress=[],
                  property_dependencies={"vpcId": [VPC]})
SELF_INGRESS = {"protocol": "-1", "from_port": 0, "to_port": 0, "self": True}
ALL_EGRESS = {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}


def test_vpc_with_closed_default_group_passes_at_preview():
    run(POLICY, [VPC, CLOSED]).assert_clean()


def test_absent_rule_lists_mean_no_rules():
    run(POLICY, [VPC, CLOSED.replace(ingress=None, egress=None)]).assert_clean()


def test_known_vpc_id_matches_at_update():
    vpc = dataclasses.replace(VPC, outputs={**VPC.inputs, "id": "vpc-0abc"})
    group = resource(aws.ec2.DefaultSecurityGroup, "main-default", vpc_id="vpc-0abc", ingress=[], egress=[])
    run(POLICY, [vpc, group]).assert_clean()
    run(POLICY, [vpc, group.replace(vpc_id="vpc-0other")]).assert_violation("no aws.ec2.DefaultSecurityGroup", on=vpc)


@pytest.mark.parametrize("changes, named", [
    ({"ingress": [SELF_INGRESS]}, "1 ingress rule(s)"),
    ({"egress": [ALL_EGRESS]}, "1 egress rule(s)"),
    ({"ingress": [SELF_INGRESS], "egress": [ALL_EGRESS]}, "1 ingress rule(s) and 1 egress rule(s)"),
    ({"ingress": SELF_INGRESS}, "declares 1 ingress rule(s);"),  # one rule given bare, not in a list
])
def test_default_group_with_rules_blocks(changes, named):
    run(POLICY, [VPC, CLOSED.replace(**changes)]).assert_violation(named, "ingress=[]", on=CLOSED)


def test_vpc_without_a_managed_default_group_blocks():
    run(POLICY, [VPC]).assert_violation("no aws.ec2.DefaultSecurityGroup", on=VPC)


def test_default_group_of_another_vpc_does_not_cover():
    other = resource(aws.ec2.Vpc, "other", cidr_block="10.41.0.0/16")
    run(POLICY, [VPC, other, CLOSED]).assert_violation("no aws.ec2.DefaultSecurityGroup", on=other)


def test_managed_group_requirement_can_be_switched_off_but_rules_are_still_checked():
    run(POLICY, [VPC], config={"requireManagedDefaultSecurityGroup": False}).assert_clean()
    run(POLICY, [VPC, CLOSED.replace(egress=[ALL_EGRESS])],
        config={"requireManagedDefaultSecurityGroup": False}).assert_violation("egress")


def test_unknown_rules_or_vpc_id_are_deferred():
    run(POLICY, [VPC, CLOSED.unknown("ingress")]).assert_deferred("ingress unknown at preview")
    unresolved = resource(aws.ec2.DefaultSecurityGroup, "main-default", vpc_id=UNKNOWN, ingress=[], egress=[])
    run(POLICY, [VPC, unresolved]).assert_deferred("vpcId is unknown at preview")


def test_waiver_waives_the_missing_group():
    run(POLICY, [VPC], waivers=[waiver(VPC, reason="Legacy VPC closed by Firewall Manager policy FMS-12")]).assert_waived()


def test_finding_and_deferral_texts_and_urns():
    result = run(POLICY, [VPC, CLOSED.replace(ingress=[SELF_INGRESS, SELF_INGRESS])]).assert_violation(on=CLOSED)
    assert ("\nDefaultSecurityGroup 'main-default' declares 2 ingress rule(s); a VPC's default security group must "
            "allow no traffic: set ingress=[] and egress=[] and use dedicated security groups.\n") in result.violations[0][0]
    result = run(POLICY, [VPC]).assert_violation(on=VPC)
    assert ("\nVpc 'main' has no aws.ec2.DefaultSecurityGroup in this stack, so its default group keeps AWS's rules "
            "(all traffic among members, all egress).\n") in result.violations[0][0]
    result = run(POLICY, [VPC, CLOSED.unknown("ingress").unknown("egress")]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (CLOSED.urn, "DefaultSecurityGroup 'main-default': ingress, egress unknown at preview")]
    unresolved = resource(aws.ec2.DefaultSecurityGroup, "main-default", vpc_id=UNKNOWN, ingress=[], egress=[])
    result = run(POLICY, [VPC, unresolved]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (VPC.urn, "Vpc 'main': a default security group's vpcId is unknown at preview")]


def test_known_rules_block_beside_an_unknown_direction():
    run(POLICY, [VPC, CLOSED.replace(ingress=[SELF_INGRESS]).unknown("egress")]).assert_violation("1 ingress rule(s);")


def test_every_vpc_is_checked_after_a_covered_one():
    other = resource(aws.ec2.Vpc, "other", cidr_block="10.41.0.0/16")
    run(POLICY, [VPC, CLOSED, other]).assert_violation("Vpc 'other'", on=other)

import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "network-resources-attached"
SUBNET = resource(aws.ec2.Subnet, "private-a", vpc_id=UNKNOWN, cidr_block="10.40.1.0/24")
EIP = resource(aws.ec2.Eip, "nat", domain="vpc")
NAT = resource(aws.ec2.NatGateway, "nat", subnet_id=UNKNOWN, allocation_id=UNKNOWN,
               property_dependencies={"subnetId": [SUBNET], "allocationId": [EIP]})
NACL = resource(aws.ec2.NetworkAcl, "private", vpc_id=UNKNOWN, subnet_ids=UNKNOWN,
                property_dependencies={"subnetIds": [SUBNET]})
IN_USE = [SUBNET, EIP, NAT, NACL]


def with_outputs(subject, **outputs):
    """The state AnalyzeStack sees at update: the inputs plus outputs, by wire name."""
    return dataclasses.replace(subject, outputs={**subject.inputs, **outputs})


def test_stack_whose_addresses_and_acls_are_used_passes_at_preview():
    run(POLICY, IN_USE).assert_clean()


ADDRESS_USERS = [
    [resource(aws.ec2.EipAssociation, "bastion", allocation_id=UNKNOWN, instance_id="i-0abc",
              property_dependencies={"allocationId": [EIP]})],
    [resource(aws.ec2.NatGateway, "regional", availability_mode="regional", vpc_id="vpc-0abc",
              availability_zone_addresses=[{"availability_zone": "eu-west-1a", "allocation_ids": [UNKNOWN]}],
              property_dependencies={"availabilityZoneAddresses": [EIP]})],
    [resource(aws.lb.LoadBalancer, "ingress", load_balancer_type="network",
              subnet_mappings=[{"subnet_id": UNKNOWN, "allocation_id": UNKNOWN}],
              property_dependencies={"subnetMappings": [SUBNET, EIP]})],
    [resource(aws.alb.LoadBalancer, "ingress", load_balancer_type="network",
              subnet_mappings=[{"subnet_id": "subnet-0abc", "allocation_id": UNKNOWN}],
              property_dependencies={"subnetMappings": [EIP]})],
]
USER_IDS = ["association", "regional-nat", "nlb", "alb-module-nlb"]


@pytest.mark.parametrize("users", ADDRESS_USERS, ids=USER_IDS)
def test_each_way_of_using_an_address_counts(users):
    run(POLICY, [SUBNET, EIP, NACL] + users).assert_clean()


@pytest.mark.parametrize("attached", [{"instance": "i-0abc"}, {"network_interface": UNKNOWN}])
def test_an_address_attached_inline_is_in_use(attached):
    run(POLICY, [EIP.replace(**attached)]).assert_clean()


def test_known_ids_match_at_update():
    eip = with_outputs(EIP, id="eipalloc-0abc", allocationId="eipalloc-0abc", publicIp="203.0.113.7")
    nacl = with_outputs(NACL.replace(subnet_ids=None), id="acl-0abc")
    acl_association = resource(aws.ec2.NetworkAclAssociation, "private-a", network_acl_id="acl-0abc",
                               subnet_id="subnet-0abc")
    nat = resource(aws.ec2.NatGateway, "nat", subnet_id="subnet-0abc", allocation_id="eipalloc-0other",
                   secondary_allocation_ids=["eipalloc-0abc"])
    run(POLICY, [eip, nat, nacl, acl_association]).assert_clean()
    by_ip = resource(aws.ec2.EipAssociation, "legacy", public_ip="203.0.113.7", instance_id="i-0abc")
    run(POLICY, [eip, by_ip, nacl, acl_association]).assert_clean()
    run(POLICY, [eip, nat.replace(secondary_allocation_ids=None), nacl, acl_association]).assert_violation(
        "attached to nothing", on=eip)
    run(POLICY, [eip, nat, nacl, acl_association.replace(network_acl_id="acl-0other")]).assert_violation(
        "associated with no subnet", on=nacl)


@pytest.mark.parametrize("users", [[]] + ADDRESS_USERS, ids=["nat"] + USER_IDS)
def test_unattached_address_blocks_on_the_address(users):
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    run(POLICY, IN_USE + users + [spare]).assert_violation(
        "Eip 'spare' is attached to nothing; use it (a NAT gateway's allocation_id, a load balancer's "
        "subnet_mappings) or remove it.", on=spare, count=1)


def test_load_balancer_without_an_address_does_not_use_one():
    balancer = resource(aws.lb.LoadBalancer, "internal", load_balancer_type="network", internal=True,
                        subnet_mappings=[{"subnet_id": UNKNOWN}], property_dependencies={"subnetMappings": [SUBNET]})
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    run(POLICY, IN_USE + [balancer, spare]).assert_violation("attached to nothing", on=spare)


def test_unassociated_network_acl_blocks_on_the_acl():
    for unused in (NACL.replace(subnet_ids=None), NACL.replace(subnet_ids=[])):
        run(POLICY, [SUBNET, EIP, NAT, unused]).assert_violation(
            "NetworkAcl 'private' is associated with no subnet; set subnet_ids, add an aws.ec2.NetworkAclAssociation, "
            "or remove it.", on=unused)


def test_association_resource_counts_for_an_acl():
    association = resource(aws.ec2.NetworkAclAssociation, "private-a", network_acl_id=UNKNOWN, subnet_id=UNKNOWN,
                           property_dependencies={"networkAclId": [NACL], "subnetId": [SUBNET]})
    run(POLICY, [SUBNET, EIP, NAT, NACL.replace(subnet_ids=None), association]).assert_clean()


def test_reference_preview_cannot_resolve_defers_only_unmatched_resources():
    from_elsewhere = resource(aws.ec2.EipAssociation, "imported", allocation_id=UNKNOWN, instance_id="i-0abc")
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    run(POLICY, IN_USE + [spare, from_elsewhere]).assert_deferred("Eip 'spare': a reference to it is unknown at preview")
    run(POLICY, IN_USE + [from_elsewhere]).assert_clean()
    acl_association = resource(aws.ec2.NetworkAclAssociation, "x", network_acl_id=UNKNOWN, subnet_id="subnet-0abc")
    run(POLICY, [SUBNET, EIP, NAT, NACL.replace(subnet_ids=None), acl_association]).assert_deferred(
        "NetworkAcl 'private': a reference to it is unknown")


def test_an_unresolved_reference_from_another_type_does_not_defer():
    acl_association = resource(aws.ec2.NetworkAclAssociation, "x", network_acl_id=UNKNOWN, subnet_id="subnet-0abc")
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    run(POLICY, IN_USE + [spare, acl_association]).assert_violation("attached to nothing", on=spare)


def test_waiver_waives():
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    run(POLICY, IN_USE + [spare],
        waivers=[waiver(spare, reason="Reserved for the allow-listed partner egress address (NET-77)")]).assert_waived()


def test_known_allocation_ids_inside_mappings_match_at_update():
    eip = with_outputs(EIP, id="eipalloc-0abc", allocationId="eipalloc-0abc")
    balancer = resource(aws.lb.LoadBalancer, "ingress", load_balancer_type="network",
                        subnet_mappings=[{"subnet_id": "subnet-0abc", "allocation_id": "eipalloc-0abc"}])
    regional = resource(aws.ec2.NatGateway, "regional", availability_mode="regional", vpc_id="vpc-0abc",
                        availability_zone_addresses=[{"availability_zone": "eu-west-1a",
                                                      "allocation_ids": ["eipalloc-0abc"]}])
    for user in (balancer, regional):
        run(POLICY, [eip, user]).assert_clean()
    # A subnet id in a mapping is not an allocation id, even when equal to one.
    subnet_only = balancer.replace(subnet_mappings=[{"subnet_id": "eipalloc-0abc"}])
    run(POLICY, [eip, subnet_only]).assert_violation("attached to nothing", on=eip)


def test_deferral_names_the_unmatched_resource():
    spare = resource(aws.ec2.Eip, "spare", domain="vpc")
    balancer = resource(aws.lb.LoadBalancer, "ingress", load_balancer_type="network", subnet_mappings=UNKNOWN)
    result = run(POLICY, [spare, balancer]).assert_deferred("Eip 'spare': a reference to it is unknown at preview")
    assert result.deferred[0]["urn"] == "urn:pulumi:test::perimeter::aws:ec2/eip:Eip::spare"

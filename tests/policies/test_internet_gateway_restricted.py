import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "internet-gateway-restricted"
VPC = resource(aws.ec2.Vpc, "main", cidr_block="10.40.0.0/16")
IGW = resource(aws.ec2.InternetGateway, "igw", vpc_id=UNKNOWN, property_dependencies={"vpcId": [VPC]})
DETACHED_IGW = resource(aws.ec2.InternetGateway, "spare")
NAT = resource(aws.ec2.NatGateway, "nat", subnet_id=UNKNOWN)
PRIVATE_TABLE = resource(aws.ec2.RouteTable, "private", vpc_id=UNKNOWN, routes=[
    {"cidr_block": "0.0.0.0/0", "nat_gateway_id": UNKNOWN}, {"cidr_block": "10.50.0.0/16", "gateway_id": "vgw-0abc"}],
    property_dependencies={"routes": [NAT]})
ROUTE_TO_NAT = resource(aws.ec2.Route, "egress", route_table_id=UNKNOWN, destination_cidr_block="0.0.0.0/0",
                        nat_gateway_id=UNKNOWN, property_dependencies={"natGatewayId": [NAT]})


def test_private_routing_passes():
    run(POLICY, [VPC, DETACHED_IGW, NAT, PRIVATE_TABLE, ROUTE_TO_NAT]).assert_clean()


def test_attached_gateway_blocks():
    run(POLICY, [VPC, IGW]).assert_violation("attached to a VPC", on=IGW)
    attachment = resource(aws.ec2.InternetGatewayAttachment, "attach", internet_gateway_id=UNKNOWN, vpc_id=UNKNOWN)
    run(POLICY, [VPC, DETACHED_IGW, attachment]).assert_violation("attaches an internet gateway", on=attachment)


@pytest.mark.parametrize("destination", [{"destination_cidr_block": "0.0.0.0/0"},
                                         {"destination_ipv6_cidr_block": "::/0"}], ids=["ipv4", "ipv6"])
def test_default_route_to_an_internet_gateway_blocks(destination):
    route = resource(aws.ec2.Route, "public", route_table_id=UNKNOWN, gateway_id=UNKNOWN, **destination,
                     property_dependencies={"gatewayId": [DETACHED_IGW]})
    run(POLICY, [DETACHED_IGW, route]).assert_violation("to an internet gateway", on=route)
    literal = route.replace(gateway_id="igw-0abc", property_dependencies=None)
    run(POLICY, [literal]).assert_violation("to an internet gateway")


def test_inline_default_route_to_an_internet_gateway_blocks():
    table = PRIVATE_TABLE.replace(routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}])
    run(POLICY, [table]).assert_violation("routes[0] sends 0.0.0.0/0", on=table)


def test_narrow_routes_and_unknown_gateways_of_other_kinds():
    narrow = resource(aws.ec2.Route, "office", route_table_id=UNKNOWN, destination_cidr_block="203.0.113.0/24",
                      gateway_id="igw-0abc")
    run(POLICY, [narrow]).assert_clean()
    unresolved = resource(aws.ec2.Route, "maybe", route_table_id=UNKNOWN, destination_cidr_block="0.0.0.0/0",
                          gateway_id=UNKNOWN)
    run(POLICY, [unresolved]).assert_deferred("gatewayId is unknown at preview")


def test_waiver_authorizes_a_public_route_table():
    table = PRIVATE_TABLE.replace(routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}])
    run(POLICY, [table], waivers=[waiver(table, reason="Public subnets of the internet-facing ALB (ARCH-7)")]).assert_waived()


def test_default_route_table_route_to_an_internet_gateway_blocks():
    table = resource(aws.ec2.DefaultRouteTable, "default", default_route_table_id=UNKNOWN,
                     routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}])
    run(POLICY, [table]).assert_violation("routes[0] sends 0.0.0.0/0", on=table)


def test_findings_say_what_opens_the_vpc():
    result = run(POLICY, [VPC, IGW]).assert_violation(on=IGW)
    assert ("InternetGateway 'igw' is attached to a VPC (vpc_id set): the VPC gets a path to and from the internet."
            in result.violations[0][0])
    attachment = resource(aws.ec2.InternetGatewayAttachment, "attach", internet_gateway_id=UNKNOWN, vpc_id=UNKNOWN)
    result = run(POLICY, [attachment]).assert_violation(on=attachment)
    assert ("InternetGatewayAttachment 'attach' attaches an internet gateway to a VPC: the VPC gets a path to and "
            "from the internet." in result.violations[0][0])
    route = resource(aws.ec2.Route, "public", route_table_id=UNKNOWN, gateway_id="igw-0abc",
                     destination_cidr_block="0.0.0.0/0", destination_ipv6_cidr_block="::/0")
    run(POLICY, [route]).assert_violation("Route 'public': route sends 0.0.0.0/0, ::/0 to an internet gateway.", on=route)


def test_a_destination_written_with_host_bits_is_still_everywhere():
    route = resource(aws.ec2.Route, "public", route_table_id=UNKNOWN, destination_cidr_block="10.0.0.0/0",
                     gateway_id="igw-0abc")
    run(POLICY, [route]).assert_violation("sends 10.0.0.0/0", on=route)


def test_an_empty_destination_is_not_everywhere():
    # Outputs carry "" for the destination a route does not use.
    table = PRIVATE_TABLE.replace(routes=[{"cidr_block": "10.50.0.0/16", "ipv6_cidr_block": "", "gateway_id": "igw-0abc"}])
    run(POLICY, [table]).assert_clean()


def test_a_default_route_to_a_gateway_of_another_kind_passes():
    vgw = resource(aws.ec2.VpnGateway, "vpn", vpc_id=UNKNOWN)
    route = resource(aws.ec2.Route, "to-vpn", route_table_id=UNKNOWN, destination_cidr_block="0.0.0.0/0",
                     gateway_id=UNKNOWN, property_dependencies={"gatewayId": [vgw]})
    run(POLICY, [vgw, route]).assert_clean()


def test_inline_route_built_from_an_internet_gateway_blocks():
    table = resource(aws.ec2.RouteTable, "private", vpc_id=UNKNOWN, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": UNKNOWN}],
                     property_dependencies={"routes": [DETACHED_IGW]})
    run(POLICY, [DETACHED_IGW, table]).assert_violation("RouteTable 'private': routes[0] sends 0.0.0.0/0", on=table)


def test_unknown_gateway_and_unknown_routes_are_deferred_on_their_resource():
    unresolved = resource(aws.ec2.Route, "maybe", route_table_id=UNKNOWN, destination_cidr_block="0.0.0.0/0",
                          gateway_id=UNKNOWN)
    result = run(POLICY, [unresolved])
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (unresolved.urn, "Route 'maybe': route gatewayId is unknown at preview")]
    table = PRIVATE_TABLE.unknown("routes")
    result = run(POLICY, [table])
    assert [(d["urn"], d["message"]) for d in result.deferred] == [(table.urn, "RouteTable 'private': routes unknown at preview")]


def test_every_route_table_is_read_after_one_with_unknown_routes():
    public = resource(aws.ec2.RouteTable, "public", vpc_id=UNKNOWN, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}])
    result = run(POLICY, [PRIVATE_TABLE.unknown("routes"), public])
    assert result.urns == [public.urn] and len(result.deferred) == 1

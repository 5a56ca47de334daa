"""internet-gateway-restricted: no VPC gets an internet gateway, and no route sends 0.0.0.0/0 to one, unless waived.

Why: an internet gateway attached to a VPC, and a default route to it, are
what make a subnet reachable from and able to reach the whole internet
(PCI DSS 1.3.1, 1.3.2, 1.4.1; AWS Config INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY
and NO_UNRESTRICTED_ROUTE_TO_IGW). In this perimeter private subnets reach AWS
through VPC endpoints and the outside world, if at all, through a NAT gateway
in a public subnet that the security team knows about. So every internet
gateway attachment (`aws.ec2.InternetGateway(vpc_id=...)` or
`aws.ec2.InternetGatewayAttachment`) and every route from 0.0.0.0/0 or ::/0
to an internet gateway (`aws.ec2.Route`, inline `routes` of
`aws.ec2.RouteTable` / `DefaultRouteTable`) is a finding; the authorized ones
(the public subnets of an internet-facing load balancer or NAT gateway) carry
a waiver, whose reason, approver and expiry are the authorization record
Config's rule parameters cannot hold. A gateway id is an internet gateway's
when it comes from an `aws.ec2.InternetGateway` in the stack (property
dependency) or starts with `igw-`; an unknown id that may be one is deferred.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from ..model import Deferred, ResourceView, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe

INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
ATTACHMENT = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLES = ("aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable")
# Route fields: (IPv4 destination, IPv6 destination) per shape.
DESTINATIONS = {ROUTE: ("destinationCidrBlock", "destinationIpv6CidrBlock"), "inline": ("cidrBlock", "ipv6CidrBlock")}


def _everywhere(cidr) -> bool:
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _to_gateway(stack: StackView, resource: ResourceView, prop: str, gateway) -> object:
    """True, False, or None (unknown) for whether `gateway` is an internet gateway."""
    if isinstance(gateway, str):
        return gateway.startswith("igw-")
    if is_unknown(gateway):
        sources = {s.type for s in stack.sources_of(resource, prop)}
        return True if sources == {INTERNET_GATEWAY} else (False if sources and INTERNET_GATEWAY not in sources else None)
    return False


def _route_outcomes(stack: StackView, resource: ResourceView, label: str, route, shape: str, prop: str):
    if not isinstance(route, Mapping):
        return
    cidrs = [route.get(field) for field in DESTINATIONS[shape]]
    open_to = [c for c in cidrs if _everywhere(c)]
    if not open_to:
        return
    target = _to_gateway(stack, resource, prop, route.get("gatewayId"))
    if target is True:
        yield Violation(f"{describe(resource)}: {label} sends {', '.join(open_to)} to an internet gateway.", resource.urn)
    elif target is None:
        yield Deferred(f"{describe(resource)}: {label} gatewayId is unknown at preview", resource.urn)


def check(stack: StackView, config):
    for gateway in stack.of_type(INTERNET_GATEWAY):
        vpc = gateway.get("vpcId")
        if vpc is not None:
            yield Violation(f"{describe(gateway)} is attached to a VPC (vpc_id set): the VPC gets a path to and from "
                            "the internet.", gateway.urn)
    for attachment in stack.of_type(ATTACHMENT):
        yield Violation(f"{describe(attachment)} attaches an internet gateway to a VPC: the VPC gets a path to and "
                        "from the internet.", attachment.urn)
    for route in stack.of_type(ROUTE):
        yield from _route_outcomes(stack, route, "route", route.props, ROUTE, "gatewayId")
    for table in stack.of_type(*ROUTE_TABLES):
        routes = as_list(table.get("routes"))
        if is_unknown(routes):
            yield Deferred(f"{describe(table)}: routes unknown at preview", table.urn)
            continue
        for index, route in enumerate(routes):
            yield from _route_outcomes(stack, table, f"routes[{index}]", route, "inline", "routes")


RULE = Rule(
    name="internet-gateway-restricted",
    description=("No internet gateway is attached to a VPC and no route sends 0.0.0.0/0 or ::/0 to one, except "
                 "where a waiver authorizes it."),
    severity="high",
    pci_dss=("1.3.1", "1.3.2", "1.4.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Keep subnets private: reach AWS services through VPC endpoints and, where outbound internet is "
                 "needed, a NAT gateway in a designated public subnet; record each authorized internet gateway and "
                 "public route table as a waiver (reason, approver, expiry) in the policy config."),
    check=check,
    resource_types=(INTERNET_GATEWAY, ATTACHMENT, ROUTE) + ROUTE_TABLES,
    scope="stack",
    violation_example=('aws.ec2.Route("default", route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", '
                       'gateway_id=igw.id)'),
)

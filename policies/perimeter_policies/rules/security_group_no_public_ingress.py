"""security-group-no-public-ingress: no security group admits the whole internet.

Why: PCI DSS 1.3.1 and 1.4.2 restrict inbound traffic to what is necessary and
forbid unfiltered inbound traffic from untrusted networks. An ingress rule from
0.0.0.0/0 or ::/0 admits every address on the internet to whatever listens on
those ports; in this perimeter traffic arrives through load balancers, VPC
endpoints and peered CIDRs, never from "anywhere". Covered: inline `ingress`
blocks of `aws.ec2.SecurityGroup`, `aws.ec2.SecurityGroupRule(type="ingress")`
and `aws.vpc.SecurityGroupIngressRule`. Egress is out of scope. An ingress
entry that is not a rule object (e.g. a string) cannot be read and is a
violation naming it.
"""

import ipaddress
from collections.abc import Mapping

from ..model import UNKNOWN, ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALL_PROTOCOLS = ("-1", "all")


def check(resource: ResourceView, config):
    if resource.type == SECURITY_GROUP:
        rules = as_list(resource.get("ingress"))
        if is_unknown(rules):
            yield unknown_at_preview(resource, "ingress")
            return
        for index, rule in enumerate(rules):
            yield from _ingress(resource, f"ingress[{index}]", rule, ("cidrBlocks", "ipv6CidrBlocks"), "protocol")
    elif resource.type == SECURITY_GROUP_RULE:
        direction = resource.get("type")
        if direction == "ingress" or is_unknown(direction):
            # An unknown direction matters only if the rule is open; _ingress then defers.
            yield from _ingress(resource, "rule", resource.props, ("cidrBlocks", "ipv6CidrBlocks"), "protocol",
                                direction_known=not is_unknown(direction))
    else:
        yield from _ingress(resource, "rule", resource.props, ("cidrIpv4", "cidrIpv6"), "ipProtocol")


def _ingress(resource: ResourceView, label: str, rule, cidr_fields: tuple, protocol_field: str,
             direction_known: bool = True):
    if is_unknown(rule):
        yield unknown_at_preview(resource, label)
        return
    if not isinstance(rule, Mapping):
        yield Violation(f"{describe(resource)} {label} is {rule!r}, not an ingress rule object, so what it admits "
                        "cannot be read.")
        return
    cidrs = [cidr for field in cidr_fields for cidr in _as_cidr_list(rule.get(field))]
    open_to_all = [c for c in cidrs if not is_unknown(c) and _is_anywhere(c)]
    if open_to_all and direction_known:
        yield Violation(f"{describe(resource)} {label} allows ingress from {', '.join(open_to_all)} "
                        f"on {_ports(rule, protocol_field)}.")
    elif open_to_all:
        yield unknown_at_preview(resource, "type (ingress or egress) of a rule open to the internet")
    elif any(is_unknown(c) for c in cidrs):
        yield unknown_at_preview(resource, f"{label} CIDR blocks")


def _as_cidr_list(value) -> list:
    value = as_list(value)
    return [UNKNOWN] if is_unknown(value) else value


def _is_anywhere(cidr) -> bool:
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _ports(rule, protocol_field: str) -> str:
    protocol = rule.get(protocol_field)
    if is_unknown(protocol):
        protocol = "unknown protocol"
    elif str(_number(protocol)).lower() in ALL_PROTOCOLS:
        return "all protocols and ports"
    low, high = rule.get("fromPort"), rule.get("toPort")
    if any(is_unknown(p) or p is None for p in (low, high)):
        return f"{protocol} ports (unknown range)"
    low, high = _number(low), _number(high)
    return f"{protocol} port {low}" if low == high else f"{protocol} ports {low}-{high}"


def _number(port):
    # Numbers cross the engine's protobuf Struct as floats: 22 arrives as 22.0.
    return int(port) if isinstance(port, float) and port.is_integer() else port


RULE = Rule(
    name="security-group-no-public-ingress",
    description="Security groups must not allow ingress from 0.0.0.0/0 or ::/0.",
    severity="high",
    pci_dss=("1.3.1", "1.4.2"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Replace 0.0.0.0/0 and ::/0 in cidr_blocks / ipv6_cidr_blocks (aws.ec2.SecurityGroup ingress, "
                 "aws.ec2.SecurityGroupRule) or cidr_ipv4 / cidr_ipv6 (aws.vpc.SecurityGroupIngressRule) with the "
                 "specific CIDRs, security groups (referenced_security_group_id) or prefix lists that need access."),
    check=check,
    resource_types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE),
    violation_example=('aws.ec2.SecurityGroup("app", vpc_id=vpc.id, ingress=[{"protocol": "tcp", "from_port": 22, '
                       '"to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}])'),
)

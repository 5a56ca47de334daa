"""nacl-no-public-admin-ports: network ACLs do not admit administrative ports from the internet.

Why: a network ACL is the subnet's stateless first filter. An ingress entry
that allows 0.0.0.0/0 or ::/0 on SSH (22) or RDP (3389) opens remote
administration of every instance in the subnet to the internet, with only a
security group left in the way (PCI DSS 1.3.1, 1.4.2; AWS Config
NACL_NO_UNRESTRICTED_SSH_RDP). Covered: inline `ingress` entries of
`aws.ec2.NetworkAcl` and `aws.ec2.DefaultNetworkAcl`, and
`aws.ec2.NetworkAclRule` with `egress` false (the default). An entry is open
when its action is `allow`, its CIDR is the whole internet, its protocol is
TCP (6), UDP (17) or all (-1), and its port range (all ports for protocol -1)
covers an administrative port. The ports are configurable (`adminPorts`).
An entry that is not an object cannot be read and is a violation; values
unknown at preview are deferred when they decide the verdict.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from numbers import Real

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle

NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
DEFAULT_NETWORK_ACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
NETWORK_ACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
ALL_PROTOCOLS = ("-1", "all")
PORT_PROTOCOLS = ("6", "tcp", "17", "udp")
# Wire names of (action, cidr, ipv6 cidr) for each shape.
FIELDS = {"inline": ("action", "cidrBlock", "ipv6CidrBlock"), "rule": ("ruleAction", "cidrBlock", "ipv6CidrBlock")}


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers cross the engine's protobuf Struct as floats
    # Any other value (None, a bool, a list) reads as text that is no action or protocol name.
    return str(value).strip().lower()


def _is_internet(cidr) -> bool:
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _entry(label: str, entry, shape: str, ports: list, problems: list, unknowns: list) -> None:
    if is_unknown(entry):
        unknowns.append(label)
        return
    if not isinstance(entry, Mapping):
        problems.append(f"{label} is {entry!r}, not an ACL entry object, so what it admits cannot be read")
        return
    action_field, *cidr_fields = FIELDS[shape]
    values = {name: entry.get(name) for name in (action_field, *cidr_fields, "protocol", "fromPort", "toPort")}
    pending = [f"{label}.{name}" for name, value in values.items() if is_unknown(value)]
    if any(is_unknown(values[name]) for name in (action_field, *cidr_fields)):
        unknowns += pending
        return
    internet = [values[name] for name in cidr_fields if _is_internet(values[name])]
    if _text(values[action_field]) != "allow" or not internet:
        return
    protocol = _text(values["protocol"])
    if is_unknown(values["protocol"]):
        unknowns += pending
        return
    if protocol in ALL_PROTOCOLS:
        exposed = list(ports)
    elif protocol in PORT_PROTOCOLS:
        low, high = values["fromPort"], values["toPort"]
        if is_unknown(low) or is_unknown(high):
            unknowns += pending
            return
        if not all(isinstance(p, Real) and not isinstance(p, bool) for p in (low, high)):
            problems.append(f"{label} allows {', '.join(internet)} with ports {low!r}-{high!r} that cannot be read")
            return
        exposed = [port for port in ports if low <= port <= high]
    else:
        return
    if exposed:
        problems.append(f"{label} allows {', '.join(internet)} on administrative port(s) "
                        f"{', '.join(str(p) for p in exposed)} ({'all protocols' if protocol in ALL_PROTOCOLS else protocol})")


def check(resource: ResourceView, config):
    ports = [int(p) for p in config["adminPorts"]]
    problems: list[str] = []
    unknowns: list[str] = []
    if resource.type == NETWORK_ACL_RULE:
        egress = resource.get("egress")
        if is_unknown(egress):
            unknowns.append("egress")
        elif egress is not True:
            _entry("rule", resource.props, "rule", ports, problems, unknowns)
    else:
        entries = as_list(resource.get("ingress"))
        if is_unknown(entries):
            unknowns.append("ingress")
        else:
            for index, entry in enumerate(entries):
                _entry(f"ingress[{index}]", entry, "inline", ports, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="nacl-no-public-admin-ports",
    description="Network ACLs must not allow administrative ports (SSH, RDP) from 0.0.0.0/0 or ::/0.",
    severity="high",
    pci_dss=("1.3.1", "1.4.2"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("In aws.ec2.NetworkAcl / DefaultNetworkAcl ingress and aws.ec2.NetworkAclRule (egress=False), allow "
                 "administrative ports only from specific CIDRs (a bastion or VPN range), or use SSM Session Manager "
                 "and allow none."),
    check=check,
    resource_types=(NETWORK_ACL, DEFAULT_NETWORK_ACL, NETWORK_ACL_RULE),
    config_properties={
        "adminPorts": {
            "type": "array", "minItems": 1, "uniqueItems": True,
            "items": {"type": "integer", "minimum": 0, "maximum": 65535},
            "description": "Ports that must never be open to the internet in a network ACL (default SSH 22, RDP 3389).",
        },
    },
    default_config={"adminPorts": [22, 3389]},
    violation_example=('aws.ec2.NetworkAcl("public", vpc_id=vpc.id, ingress=[{"rule_no": 100, "action": "allow", '
                       '"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"}])'),
)

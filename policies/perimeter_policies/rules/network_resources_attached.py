"""network-resources-attached: every Elastic IP and network ACL the stack declares is in use.

Why: a network resource nobody uses is configuration nobody reviews (PCI DSS
1.2.7 wants network security control configurations kept relevant; 2.2.1
wants components configured to a standard):
- an `aws.ec2.Eip` attached to nothing is a public address the account holds,
  ready for anyone with `ec2:AssociateAddress` to hand to any instance, and
  still billed (AWS Config EIP_ATTACHED);
- an `aws.ec2.NetworkAcl` associated with no subnet is a rule set that looks
  like it protects something and protects nothing; the subnets it was meant
  for fall back to the VPC's default ACL (VPC_NETWORK_ACL_UNUSED_CHECK).
pulumi-aws creates both happily on their own. So, across the stack:
- an Eip is in use when it names an `instance` or `network_interface` (which
  network-no-public-ip judges), or an `aws.ec2.EipAssociation`, an
  `aws.ec2.NatGateway` (`allocation_id`, `secondary_allocation_ids`,
  `availability_zone_addresses`) or a Network Load Balancer's
  `subnet_mappings` points at it;
- a NetworkAcl is in use when it lists `subnet_ids` or an
  `aws.ec2.NetworkAclAssociation` points at it.
"Points at" means the input was built from the resource's outputs (a property
dependency), or, once values are known, equals its id, allocation id or public
IP. A reference preview cannot resolve (unknown, and not built from a resource
of that type here) defers the unmatched resources to `pulumi up`; an unknown
`instance`, `network_interface` or `subnet_ids` is still set, so in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe

EIP = "aws:ec2/eip:Eip"
NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
NETWORK_ACL_ASSOCIATION = "aws:ec2/networkAclAssociation:NetworkAclAssociation"

# Target type -> (its own inputs that attach it, its identities,
#                 {referrer type: (input that points at it, the key holding the reference inside objects or None)},
#                 the fix).
ATTACHMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[tuple[str, Any], ...]], str]] = {
    EIP: (("instance", "networkInterface"), ("id", "allocationId", "publicIp"), {
        EIP_ASSOCIATION: (("allocationId", None), ("publicIp", None)),
        NAT_GATEWAY: (("allocationId", None), ("secondaryAllocationIds", None),
                      ("availabilityZoneAddresses", "allocationIds")),
        **{balancer: (("subnetMappings", "allocationId"),) for balancer in LOAD_BALANCERS},
    }, "is attached to nothing; use it (a NAT gateway's allocation_id, a load balancer's subnet_mappings) or remove it"),
    NETWORK_ACL: (("subnetIds",), ("id",), {
        NETWORK_ACL_ASSOCIATION: (("networkAclId", None),),
    }, "is associated with no subnet; set subnet_ids, add an aws.ec2.NetworkAclAssociation, or remove it"),
}


def _leaves(value: Any, key: Any) -> Iterator[Any]:
    """The references in an input: its scalars, or inside objects only those under `key`; UNKNOWN included."""
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item, key)
    elif isinstance(value, Mapping):
        if key is not None and key in value:
            yield from _leaves(value[key], None)
    elif key is None or is_unknown(value):
        yield value


def _attached_inline(target, inputs: tuple[str, ...]) -> bool:
    for field in inputs:
        value = target.get(field)
        if is_unknown(value) or (isinstance(value, (str, list)) and bool(value)):
            return True
    return False


def check(stack: StackView, config):
    for target_type, (inline, identities, referrers, fix) in ATTACHMENTS.items():
        urns: set[str] = set()
        values: set[str] = set()
        unresolved = False
        for referrer in stack.of_type(*referrers):
            for field, key in referrers[referrer.type]:
                sources = stack.sources_of(referrer, field)
                urns.update(source.urn for source in sources)
                leaves = list(_leaves(referrer.get(field), key))
                values.update(leaf for leaf in leaves if isinstance(leaf, str) and leaf)
                if any(is_unknown(leaf) for leaf in leaves) and not any(s.type == target_type for s in sources):
                    unresolved = True
        for target in stack.of_type(target_type):
            known = {target.get(identity) for identity in identities}
            if target.urn in urns or values & {i for i in known if isinstance(i, str)} or _attached_inline(target, inline):
                continue
            if unresolved:
                yield Deferred(f"{describe(target)}: a reference to it is unknown at preview", target.urn)
            else:
                yield Violation(f"{describe(target)} {fix}.", target.urn)


RULE = Rule(
    name="network-resources-attached",
    description="Every Elastic IP in the stack is attached to something, and every network ACL to a subnet.",
    severity="low",
    pci_dss=("1.2.7", "2.2.1"),
    soc2=("CC6.6", "CC7.1"),
    remediation=("Attach each aws.ec2.Eip (a NAT gateway's allocation_id, a Network Load Balancer's subnet_mappings) "
                 "and associate each aws.ec2.NetworkAcl with subnets (subnet_ids or aws.ec2.NetworkAclAssociation), or "
                 "remove them."),
    check=check,
    resource_types=(EIP, NETWORK_ACL, EIP_ASSOCIATION, NAT_GATEWAY) + LOAD_BALANCERS + (NETWORK_ACL_ASSOCIATION,),
    scope="stack",
    violation_example='aws.ec2.Eip("spare", domain="vpc")  # and nothing in the stack uses it',
)

"""vpc-default-security-group-closed: every VPC's default security group allows no traffic.

Why: AWS gives each VPC a default security group that admits all traffic from
its own members and allows all egress. Anything launched without a security
group (an ENI, an instance, a Lambda or endpoint created carelessly) lands in
it, silently joined to everything else there (PCI DSS 1.2.5, 1.3.1, 1.3.2;
AWS Config VPC_DEFAULT_SECURITY_GROUP_CLOSED). A program can only change that
by adopting the group with `aws.ec2.DefaultSecurityGroup`, which removes every
rule it does not declare. So, across the stack:
- each `DefaultSecurityGroup` declares no ingress and no egress rule;
- each `aws.ec2.Vpc` has a `DefaultSecurityGroup` whose `vpc_id` is that VPC
  (matched by property dependency, or by an equal id once known). A VPC
  without one keeps AWS's default rules. Organisations that close default
  groups account-wide by other means (e.g. a Firewall Manager policy) can set
  `requireManagedDefaultSecurityGroup: false`; the rules of a declared
  default group are still checked.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import references

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
DIRECTIONS = ("ingress", "egress")


def _rule_outcomes(group):
    declared, unknown = [], []
    for direction in DIRECTIONS:
        rules = group.get(direction)
        if is_unknown(rules):
            unknown.append(direction)
        elif rules not in (None, []):
            count = len(rules) if isinstance(rules, list) else 1
            declared.append(f"{count} {direction} rule(s)")
    if declared:
        yield Violation(f"{describe(group)} declares {' and '.join(declared)}; a VPC's default security group must "
                        f"allow no traffic: set ingress=[] and egress=[] and use dedicated security groups.", group.urn)
    elif unknown:
        yield Deferred(f"{describe(group)}: {', '.join(unknown)} unknown at preview", group.urn)


def check(stack: StackView, config):
    groups = stack.of_type(DEFAULT_SECURITY_GROUP)
    for group in groups:
        yield from _rule_outcomes(group)
    if not config["requireManagedDefaultSecurityGroup"]:
        return
    managed = references(stack, groups, "vpcId", (VPC,))
    for vpc in stack.of_type(VPC):
        if managed.cover(vpc, (vpc.get("id"),)):
            continue
        if managed.unresolved:
            yield Deferred(f"{describe(vpc)}: a default security group's vpcId is unknown at preview", vpc.urn)
        else:
            yield Violation(f"{describe(vpc)} has no aws.ec2.DefaultSecurityGroup in this stack, so its default group "
                            "keeps AWS's rules (all traffic among members, all egress).", vpc.urn)


RULE = Rule(
    name="vpc-default-security-group-closed",
    description="Every VPC's default security group is adopted by the program and allows no ingress or egress.",
    severity="high",
    pci_dss=("1.2.5", "1.3.1", "1.3.2"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("For each aws.ec2.Vpc add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[]) and "
                 "attach workloads to dedicated aws.ec2.SecurityGroup resources."),
    check=check,
    resource_types=(VPC, DEFAULT_SECURITY_GROUP),
    scope="stack",
    config_properties={
        "requireManagedDefaultSecurityGroup": {
            "type": "boolean",
            "description": ("Require an aws.ec2.DefaultSecurityGroup for every VPC in the stack; false only where "
                            "default groups are closed account-wide by other means."),
        },
    },
    default_config={"requireManagedDefaultSecurityGroup": True},
    violation_example=('aws.ec2.DefaultSecurityGroup("default", vpc_id=vpc.id, ingress=[{"protocol": "-1", '
                       '"from_port": 0, "to_port": 0, "self": True}])'),
)

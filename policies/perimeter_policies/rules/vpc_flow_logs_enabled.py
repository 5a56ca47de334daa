"""vpc-flow-logs-enabled: every VPC in the stack has a flow log recording all traffic.

Why: flow logs are the network's audit trail: which addresses talked to which
ports, accepted or rejected. Without them an intrusion or an exfiltration
path cannot be reconstructed (PCI DSS 10.2.1, 10.3.3; SOC 2 CC7.2). A VPC
is covered by an `aws.ec2.FlowLog` whose `vpc_id` is that VPC (by output
reference, or by id once known); a VPC without one is the finding. Each flow
log's `traffic_type` must be in `allowedTrafficTypes` (default `ALL`:
rejected-only logs miss the accepted connections an attacker uses); a flow
log with another type is the finding. Subnet- or ENI-level flow logs do not
cover the whole VPC. A flow log whose VPC preview cannot see defers the check
to `pulumi up`.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import references

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def check(stack: StackView, config):
    allowed = config["allowedTrafficTypes"]
    flow_logs = stack.of_type(FLOW_LOG)
    for flow_log in flow_logs:
        traffic = flow_log.get("trafficType")
        if is_unknown(traffic):
            yield Deferred(f"{describe(flow_log)}: trafficType is unknown at preview", flow_log.urn)
        elif traffic not in allowed:
            yield Violation(f"{describe(flow_log)}: trafficType is {traffic!r}, not one of {list(allowed)}.", flow_log.urn)
    covering = references(stack, flow_logs, "vpcId", (VPC,))
    for vpc in stack.of_type(VPC):
        if covering.cover(vpc, (vpc.get("id"),)):
            continue
        if covering.unresolved:
            yield Deferred(f"{describe(vpc)}: a flow log's vpcId is unknown at preview", vpc.urn)
        else:
            yield Violation(f"{describe(vpc)} has no flow log.", vpc.urn)


RULE = Rule(
    name="vpc-flow-logs-enabled",
    description="Every VPC in the stack has a VPC-level flow log capturing all traffic.",
    severity="medium",
    pci_dss=("10.2.1", "10.3.3"),
    soc2=("CC7.2",),
    remediation=("Add aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL', log_destination=log_group.arn, "
                 "iam_role_arn=role.arn) for each aws.ec2.Vpc."),
    check=check,
    resource_types=(VPC, FLOW_LOG),
    scope="stack",
    config_properties={
        "allowedTrafficTypes": {"type": "array", "items": {"enum": ["ALL", "ACCEPT", "REJECT"]}, "minItems": 1,
                                "description": "Flow log traffic types that count as covering a VPC."},
    },
    default_config={"allowedTrafficTypes": ["ALL"]},
    violation_example='aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")  # and no aws.ec2.FlowLog for it',
)

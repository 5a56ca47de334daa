"""network-paths-controlled: traffic between networks takes the paths the security team controls.

Why: four settings open a path around the perimeter's reviewed routes and
filters (PCI DSS 1.2.5, 1.3.1, 1.4.1):
- a transit gateway with `auto_accept_shared_attachments="enable"` joins any
  VPC another account attaches, without review (AWS Config
  EC2_TRANSIT_GATEWAY_AUTO_VPC_ATTACH_DISABLED);
- a Redshift cluster without `enhanced_vpc_routing` sends COPY/UNLOAD traffic
  outside the VPC, past its security groups, endpoints and flow logs
  (REDSHIFT_ENHANCED_VPC_ROUTING_ENABLED);
- an EMR block public access configuration with
  `block_public_security_group_rules=false` lets clusters open ports to the
  internet (EMR_BLOCK_PUBLIC_ACCESS);
- a Client VPN authorization rule with `authorize_all_groups=true` gives every
  VPN user the target network (EC2_CLIENT_VPN_NOT_AUTHORIZE_ALL).
A table: type -> (input, required value, AWS default when absent, why).
"""

from __future__ import annotations

from ..model import ResourceView
from ..rule import Rule
from ._findings import describe, require_setting, settle

REQUIRED = {
    "aws:ec2transitgateway/transitGateway:TransitGateway": (
        "autoAcceptSharedAttachments", "disable", "disable", "attachments from other accounts join unreviewed"),
    "aws:redshift/cluster:Cluster": (
        "enhancedVpcRouting", True, False, "COPY and UNLOAD traffic leaves the VPC"),
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": (
        "blockPublicSecurityGroupRules", True, None, "clusters may open ports to the internet"),
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": (
        "authorizeAllGroups", False, False, "every VPN user reaches the target network"),
}


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    require_setting(resource, *REQUIRED[resource.type], problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="network-paths-controlled",
    description=("Transit gateways do not auto-accept attachments, Redshift uses enhanced VPC routing, EMR blocks "
                 "public security group rules, and Client VPN rules do not authorize all groups."),
    severity="high",
    pci_dss=("1.2.5", "1.3.1", "1.4.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set auto_accept_shared_attachments='disable' on aws.ec2transitgateway.TransitGateway, "
                 "enhanced_vpc_routing=True on aws.redshift.Cluster, block_public_security_group_rules=True on "
                 "aws.emr.BlockPublicAccessConfiguration, and access_group_id instead of authorize_all_groups=True on "
                 "aws.ec2clientvpn.AuthorizationRule."),
    check=check,
    resource_types=tuple(REQUIRED),
    violation_example='aws.redshift.Cluster("warehouse", cluster_identifier="wh", node_type="ra3.large")',
)

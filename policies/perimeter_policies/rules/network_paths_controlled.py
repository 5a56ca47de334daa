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
  internet, and each of its `permitted_public_security_group_rule_ranges` is
  an exception that does the same for those ports (EMR_BLOCK_PUBLIC_ACCESS,
  which tolerates port 22). Every port in a range must be in
  `emrPermittedPublicPorts`, by default none: SSH from the internet to a
  cluster node is as much a path around the perimeter as any other port;
- a Client VPN authorization rule with `authorize_all_groups=true` gives every
  VPN user the target network (EC2_CLIENT_VPN_NOT_AUTHORIZE_ALL).
A table: type -> (input, required value, AWS default when absent, why).
Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, require_setting, settle

EMR_BLOCK_PUBLIC_ACCESS = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"
EMR_RANGES = "permittedPublicSecurityGroupRuleRanges"

REQUIRED = {
    "aws:ec2transitgateway/transitGateway:TransitGateway": (
        "autoAcceptSharedAttachments", "disable", "disable", "attachments from other accounts join unreviewed"),
    "aws:redshift/cluster:Cluster": (
        "enhancedVpcRouting", True, False, "COPY and UNLOAD traffic leaves the VPC"),
    EMR_BLOCK_PUBLIC_ACCESS: (
        "blockPublicSecurityGroupRules", True, None, "clusters may open ports to the internet"),
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": (
        "authorizeAllGroups", False, False, "every VPN user reaches the target network"),
}


def _port(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and 0 <= value <= 65535 and float(value).is_integer()


def _only_permitted(low: int, high: int, permitted: list) -> bool:
    return low <= high and len({p for p in permitted if low <= p <= high}) == high - low + 1


def _emr_exceptions(configuration: ResourceView, permitted: list, problems: list, unknowns: list) -> None:
    ranges = as_list(configuration.get(EMR_RANGES))
    if is_unknown(ranges):
        unknowns.append(EMR_RANGES)
        return
    for index, port_range in enumerate(ranges):
        bounds = [port_range.get(key) if isinstance(port_range, Mapping) else None for key in ("minRange", "maxRange")]
        if any(is_unknown(bound) for bound in bounds):
            unknowns.append(f"{EMR_RANGES}[{index}]")
        elif not all(_port(bound) for bound in bounds):
            problems.append(f"{EMR_RANGES}[{index}] is {port_range!r}, not a port range")
        elif not _only_permitted(int(bounds[0]), int(bounds[1]), permitted):
            problems.append(f"{EMR_RANGES}[{index}] permits public ports {bounds[0]:g}-{bounds[1]:g}; only "
                            f"{permitted!r} may be opened to the internet")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    require_setting(resource, *REQUIRED[resource.type], problems, unknowns)
    if resource.type == EMR_BLOCK_PUBLIC_ACCESS:
        _emr_exceptions(resource, list(config["emrPermittedPublicPorts"]), problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="network-paths-controlled",
    description=("Transit gateways do not auto-accept attachments, Redshift uses enhanced VPC routing, EMR blocks "
                 "public security group rules without exceptions beyond the permitted ports, and Client VPN rules do "
                 "not authorize all groups."),
    severity="high",
    pci_dss=("1.2.5", "1.3.1", "1.4.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set auto_accept_shared_attachments='disable' on aws.ec2transitgateway.TransitGateway, "
                 "enhanced_vpc_routing=True on aws.redshift.Cluster, block_public_security_group_rules=True and no "
                 "permitted_public_security_group_rule_ranges beyond the permitted ports on "
                 "aws.emr.BlockPublicAccessConfiguration, and access_group_id instead of authorize_all_groups=True on "
                 "aws.ec2clientvpn.AuthorizationRule."),
    check=check,
    resource_types=tuple(REQUIRED),
    config_properties={
        "emrPermittedPublicPorts": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                                    "description": ("Ports EMR block public access may except, e.g. [22]; default "
                                                    "none.")},
    },
    default_config={"emrPermittedPublicPorts": []},
    violation_example='aws.redshift.Cluster("warehouse", cluster_identifier="wh", node_type="ra3.large")',
)

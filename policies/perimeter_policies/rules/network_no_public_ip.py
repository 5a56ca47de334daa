"""network-no-public-ip: nothing in the perimeter gets a public IPv4 address.

Why: PCI DSS 1.4.4 forbids system components that store cardholder data from
being directly reachable from untrusted networks, and 1.3.1 restricts inbound
traffic to the CDE. A public IP bypasses the perimeter's chosen entry points
(load balancers, VPC endpoints): one permissive security group away from the
internet. Covered:
- `aws.ec2.Subnet(map_public_ip_on_launch=True)`: every instance launched there is public;
- `aws.ec2.Instance(associate_public_ip_address=True)`;
- `aws.ec2.LaunchTemplate` network interfaces with `associate_public_ip_address="true"`;
- an `aws.ec2.Eip` attached to an instance or network interface (its `instance` or
  `network_interface` is set), and any `aws.ec2.EipAssociation`. An unattached EIP
  (e.g. for a NAT gateway, which serves egress only) is fine.
- `aws.ec2.LaunchConfiguration(associate_public_ip_address=True)` (Auto Scaling);
- ECS services and task sets with `network_configuration.assign_public_ip=True`
  (awsvpc tasks, Fargate included, get a public address in their ENI);
- an `aws.emr.Cluster` that names no subnet (`ec2_attributes.subnet_id` or
  `subnet_ids`): EMR then launches it in the account's default VPC, whose
  subnets give every node, the master included, a public IP (AWS Config
  EMR_MASTER_NO_PUBLIC_IP). A named subnet is judged as a subnet here, and
  its route to an internet gateway by internet-gateway-restricted.
`map_customer_owned_ip_on_launch` (Outposts, on-premises addresses) is not public.
An instance that leaves `associate_public_ip_address` unset follows its subnet,
which this rule checks.
"""

from ..model import ResourceView, Violation, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
EIP_TARGETS = ("instance", "networkInterface")
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
ECS_TASKS = ("aws:ecs/service:Service", "aws:ecs/taskSet:TaskSet")
EMR_CLUSTER = "aws:emr/cluster:Cluster"
EMR_SUBNETS = ("subnetId", "subnetIds")


def check(resource: ResourceView, config):
    if resource.type == SUBNET:
        yield from _flag(resource, "mapPublicIpOnLaunch", resource.get("mapPublicIpOnLaunch"))
    elif resource.type in (INSTANCE, LAUNCH_CONFIGURATION):
        yield from _flag(resource, "associatePublicIpAddress", resource.get("associatePublicIpAddress"))
    elif resource.type in ECS_TASKS:
        yield from _flag(resource, "networkConfiguration.assignPublicIp",
                         resource.get("networkConfiguration", "assignPublicIp"))
    elif resource.type == LAUNCH_TEMPLATE:
        interfaces = as_list(resource.get("networkInterfaces"))
        if is_unknown(interfaces):
            yield unknown_at_preview(resource, "networkInterfaces")
            return
        for index, interface in enumerate(interfaces):
            field = f"networkInterfaces[{index}].associatePublicIpAddress"
            yield from _flag(resource, field, dig(interface, "associatePublicIpAddress"))
    elif resource.type == EMR_CLUSTER:
        yield from _emr_subnet(resource)
    elif resource.type == EIP:
        # Presence is enough: an unknown value is still an instance or ENI to attach to.
        attached = [target for target in EIP_TARGETS if resource.get(target) is not None]
        if attached:
            yield Violation(f"{describe(resource)} attaches a public Elastic IP through {' and '.join(attached)}.")
    else:
        yield Violation(f"{describe(resource)} attaches a public Elastic IP to an instance or network interface.")


def _emr_subnet(cluster: ResourceView):
    # Presence is enough: an unknown subnet is still a subnet the program chose.
    attributes = cluster.get("ec2Attributes")
    if is_unknown(attributes):
        yield unknown_at_preview(cluster, "ec2Attributes")
        return
    named = [cluster.get("ec2Attributes", field) for field in EMR_SUBNETS]
    if not any(is_unknown(subnet) or (isinstance(subnet, (str, list)) and bool(subnet)) for subnet in named):
        yield Violation(f"{describe(cluster)} names no subnet (ec2Attributes.subnetId or subnetIds), so it launches in "
                        "the default VPC, whose subnets give the master node a public IP.")


def _flag(resource: ResourceView, field: str, value):
    if is_unknown(value):
        yield unknown_at_preview(resource, field)
    elif value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        yield Violation(f"{describe(resource)} sets {field}={value!r}, which gives instances a public IPv4 address.")


RULE = Rule(
    name="network-no-public-ip",
    description=("Subnets, instances, launch templates and configurations, ECS services, EMR clusters and Elastic IPs "
                 "must not give resources public IPv4 addresses."),
    severity="high",
    pci_dss=("1.3.1", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set map_public_ip_on_launch=False on aws.ec2.Subnet, associate_public_ip_address=False on "
                 "aws.ec2.Instance, aws.ec2.LaunchConfiguration and in aws.ec2.LaunchTemplate network_interfaces, "
                 "assign_public_ip=False in ECS service and task set network_configuration, and do not attach an "
                 "aws.ec2.Eip to instances or network interfaces (instance / network_interface, aws.ec2.EipAssociation), "
                 "place aws.emr.Cluster in a private subnet (ec2_attributes={'subnet_id': ...}); "
                 "reach workloads through a load balancer or VPC endpoint instead."),
    check=check,
    resource_types=(SUBNET, INSTANCE, LAUNCH_TEMPLATE, EIP, EIP_ASSOCIATION, LAUNCH_CONFIGURATION) + ECS_TASKS + (
        EMR_CLUSTER,),
    violation_example='aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="10.0.1.0/24", map_public_ip_on_launch=True)',
)

"""A VPC with no way to or from the internet; AWS APIs are reached through endpoints.

No internet gateway, no NAT, no public IPs. Bedrock, KMS, CloudWatch Logs, SQS and
STS are reached through interface endpoints with private DNS, and S3 through a
gateway endpoint on the private route table. Every endpoint carries a policy
that names the workload's roles, the actions they need and the resources they
may touch, so the private path is also the least-privilege path (PCI DSS 1.3,
7.3). VPC flow logs go to a CMK-encrypted log group (10.2).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import assume_role_policy, aws_principals, policy_document, statement
from .log_groups import encrypted_log_group
from .roles import scoped_role

HTTPS = 443
INTERFACE_SERVICES = ("bedrock-runtime", "bedrock-agent-runtime", "bedrock", "bedrock-agent", "kms", "logs", "sts", "sqs")
MAX_AVAILABILITY_ZONES = 3
SUBNET_PREFIX_BITS = 4  # a /16 VPC gets /20 subnets


@dataclass(frozen=True)
class EndpointGrant:
    """What the workload may do through one endpoint."""

    sid: str
    actions: Sequence[str]
    resources: Sequence[pulumi.Input[str]]


@dataclass
class PrivateNetworkArgs:
    context: AwsContext
    name: str
    cidr_block: str
    availability_zones: Sequence[str]
    workload_role_arns: Sequence[pulumi.Input[str]]
    # One entry per service in INTERFACE_SERVICES, plus "s3" for the gateway endpoint.
    endpoint_grants: Mapping[str, Sequence[EndpointGrant]]
    flow_log_group_name: str
    flow_log_role_name: str
    flow_log_kms_key_arn: pulumi.Input[str]
    flow_log_retention_days: int

    def __post_init__(self) -> None:
        missing = [s for s in INTERFACE_SERVICES + ("s3",) if not self.endpoint_grants.get(s)]
        if missing:
            raise ValueError(f"every endpoint needs a restrictive policy; no grants for {missing}")


def endpoint_policy(workload_role_arns: Sequence[pulumi.Input[str]], grants: Sequence[EndpointGrant]) -> pulumi.Output[str]:
    principals = aws_principals(*workload_role_arns)
    return policy_document([statement(g.sid, g.actions, g.resources, principal=principals) for g in grants])


def subnet_cidrs(cidr_block: str, count: int) -> list[str]:
    network = ipaddress.IPv4Network(cidr_block)
    return [str(s) for s in list(network.subnets(prefixlen_diff=SUBNET_PREFIX_BITS))[:count]]


class PrivateNetwork(pulumi.ComponentResource):
    def __init__(self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:network:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        context = args.context
        zones = list(args.availability_zones)[:MAX_AVAILABILITY_ZONES]

        self.vpc = aws.ec2.Vpc(name, cidr_block=args.cidr_block, enable_dns_support=True,
                               enable_dns_hostnames=True, tags={"Name": args.name}, opts=child)
        # Take over the default security group and leave it with no rules (VPC_DEFAULT_SECURITY_GROUP_CLOSED).
        aws.ec2.DefaultSecurityGroup(name, vpc_id=self.vpc.id, ingress=[], egress=[], opts=child)
        self.route_table = aws.ec2.RouteTable(f"{name}-private", vpc_id=self.vpc.id,
                                              tags={"Name": f"{args.name}-private"}, opts=child)
        self.subnets = []
        for zone, cidr in zip(zones, subnet_cidrs(args.cidr_block, len(zones))):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{zone}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                assign_ipv6_address_on_creation=False,
                tags={"Name": f"{args.name}-private-{zone}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(f"{name}-private-{zone}", subnet_id=subnet.id,
                                          route_table_id=self.route_table.id, opts=child)
            self.subnets.append(subnet)

        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=self.vpc.id,
            description="HTTPS to AWS interface endpoints from inside the VPC only",
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https-in",
            security_group_id=self.endpoint_security_group.id,
            description="HTTPS from the VPC",
            ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS, cidr_ipv4=args.cidr_block,
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-endpoints-https-out",
            security_group_id=self.endpoint_security_group.id,
            description="HTTPS within the VPC",
            ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS, cidr_ipv4=args.cidr_block,
            opts=child,
        )

        self.interface_endpoints = {
            service: aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{context.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in self.subnets],
                security_group_ids=[self.endpoint_security_group.id],
                policy=endpoint_policy(args.workload_role_arns, args.endpoint_grants[service]),
                opts=child,
            )
            for service in INTERFACE_SERVICES
        }
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{context.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[self.route_table.id],
            policy=endpoint_policy(args.workload_role_arns, args.endpoint_grants["s3"]),
            opts=child,
        )

        flow_log_group = encrypted_log_group(
            f"{name}-flow-logs", log_group_name=args.flow_log_group_name, kms_key_arn=args.flow_log_kms_key_arn,
            retention_days=args.flow_log_retention_days, parent=self)
        flow_log_delivery = scoped_role(
            f"{name}-flow-logs",
            role_name=args.flow_log_role_name,
            description="VPC flow logs: deliver to their CloudWatch log group",
            trust_policy=assume_role_policy("vpc-flow-logs.amazonaws.com", source_account=context.account_id,
                                            source_arn=context.arn("ec2", "vpc-flow-log/*")),
            permissions=policy_document([
                statement("DeliverFlowLogs", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                          [f"{context.log_group_arn(args.flow_log_group_name)}:*"]),
            ]),
            parent=self,
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=flow_log_group.arn,
            iam_role_arn=flow_log_delivery.arn,
            opts=child,
        )
        self.register_outputs({
            "vpcId": self.vpc.id,
            "subnetIds": [s.id for s in self.subnets],
            "endpointSecurityGroupId": self.endpoint_security_group.id,
        })

"""eks-endpoint-private: the Kubernetes API of an EKS cluster is reachable only from the VPC.

Why: the cluster endpoint is the control plane of every workload on it. EKS
makes it public by default (`endpoint_public_access` defaults to true, open to
0.0.0.0/0), so anyone on the internet can reach the API server and try
credentials against it (PCI DSS 1.3.1, 1.4.4; AWS Config
EKS_ENDPOINT_NO_PUBLIC_ACCESS). The endpoint must be private: public access
false and private access true (otherwise nothing, not even the nodes, can
reach it from inside). `public_access_cidrs` narrows a public endpoint but
still leaves it on the internet, so it is not accepted instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

CLUSTER = "aws:eks/cluster:Cluster"
# Wire name -> (required value, the AWS default when absent). Neither default is the required value,
# so an absent flag is always a problem.
REQUIRED = {"endpointPublicAccess": (False, True), "endpointPrivateAccess": (True, False)}


def check(cluster: ResourceView, config):
    problems, unknowns = [], []
    vpc_config = cluster.get("vpcConfig")
    if is_unknown(vpc_config):
        unknowns.append("vpcConfig")
    elif not isinstance(vpc_config, Mapping):
        problems.append(f"vpcConfig is {vpc_config!r}, so the endpoint takes the defaults: public, not private")
    else:
        for field, (required, default) in REQUIRED.items():
            value = vpc_config.get(field)
            if is_unknown(value):
                unknowns.append(f"vpcConfig.{field}")
            elif value is not required:
                shown = f"not set (default {str(default).lower()})" if value is None else repr(value)
                problems.append(f"vpcConfig.{field} is {shown}, must be {str(required).lower()}")
    yield from settle(problems, unknowns, subject=describe(cluster))


RULE = Rule(
    name="eks-endpoint-private",
    description="EKS cluster API endpoints are private: no public access, private access on.",
    severity="high",
    pci_dss=("1.3.1", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set vpc_config={'endpoint_public_access': False, 'endpoint_private_access': True, ...} on the "
                 "aws.eks.Cluster and reach the API from inside the VPC (a bastion, VPN or CI runner there)."),
    check=check,
    resource_types=(CLUSTER,),
    violation_example='aws.eks.Cluster("apps", role_arn=role.arn, vpc_config={"subnet_ids": subnet_ids})',
)

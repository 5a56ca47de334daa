"""lambda-in-vpc: functions that reach a data store run inside the VPC.

Why: a function outside a VPC reaches its data over the public network, so the
data store must accept connections from outside the perimeter, and the
function's own egress goes wherever it likes with no security group, network
ACL or flow log in the way (PCI DSS 1.3.1, 1.3.2, 1.4.4). A function that
talks to the cardholder data environment belongs in its private subnets.

Which functions "reach a data store" is read from the program, not guessed
from names: a function whose `environment` is built from the outputs of a
network-attached data store in the stack (RDS instance or cluster, Redshift,
ElastiCache, MemoryDB, OpenSearch domain, DocumentDB, Neptune, MSK), matched
by the engine's property dependency, or, once values are known, by an equal
endpoint or address. Services reached through VPC or gateway endpoints
(S3, DynamoDB, Bedrock) do not make a function "reach a data store" here.
Organisations that want every function in a VPC set `allFunctions: true`.
In a VPC means `vpc_config` with at least one subnet and one security group;
values unknown at preview are outputs of subnets and groups and count as set.
"""

from __future__ import annotations

from typing import Any

from ..model import Deferred, ResourceView, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe

FUNCTION = "aws:lambda/function:Function"
# Data stores reached over the network, and the outputs a program passes to a client to reach them.
DATA_STORES = {
    "aws:rds/instance:Instance": ("address", "endpoint"),
    "aws:rds/cluster:Cluster": ("endpoint", "readerEndpoint"),
    "aws:rds/proxy:Proxy": ("endpoint",),
    "aws:redshift/cluster:Cluster": ("endpoint", "dnsName"),
    "aws:elasticache/cluster:Cluster": ("configurationEndpoint", "clusterAddress"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("primaryEndpointAddress", "configurationEndpointAddress"),
    "aws:elasticache/serverlessCache:ServerlessCache": (),
    "aws:memorydb/cluster:Cluster": (),
    "aws:opensearch/domain:Domain": ("endpoint",),
    "aws:docdb/cluster:Cluster": ("endpoint", "readerEndpoint"),
    "aws:neptune/cluster:Cluster": ("endpoint", "readerEndpoint"),
    "aws:msk/cluster:Cluster": ("bootstrapBrokersTls", "bootstrapBrokersSaslIam"),
}


def _in_vpc(function: ResourceView) -> Any:
    """True, False, or the name of the part that is unknown at preview."""
    config = function.get("vpcConfig")
    if is_unknown(config):
        return "vpcConfig"
    if not isinstance(config, dict):
        return False
    for field in ("subnetIds", "securityGroupIds"):
        values = as_list(config.get(field))
        if not is_unknown(values) and not values:
            return False
    return True


def _variables(function: ResourceView) -> list:
    variables = function.get("environment", "variables")
    return list(variables.values()) if isinstance(variables, dict) else []


def _reached_stores(stack: StackView, function: ResourceView) -> list[ResourceView]:
    reached = [s for s in stack.sources_of(function, "environment") if s.type in DATA_STORES]
    values = {v for v in _variables(function) if isinstance(v, str) and v}
    for store in stack.of_type(*DATA_STORES):
        if store not in reached and any(isinstance(store.get(o), str) and store.get(o) in values
                                        for o in DATA_STORES[store.type]):
            reached.append(store)
    return reached


def check(stack: StackView, config):
    for function in stack.of_type(FUNCTION):
        in_vpc = _in_vpc(function)
        if in_vpc is True:
            continue
        stores = _reached_stores(stack, function)
        if not stores and not config["allFunctions"]:
            continue
        if in_vpc is not False:
            yield Deferred(f"{describe(function)}: {in_vpc} unknown at preview", function.urn)
            continue
        why = (f"its environment points at {', '.join(describe(s) for s in stores)}" if stores
               else "every function must run in a VPC (allFunctions)")
        yield Violation(f"{describe(function)} has no vpc_config with subnets and security groups, but {why}; "
                        "it reaches data over the public network.", function.urn)


RULE = Rule(
    name="lambda-in-vpc",
    description="Lambda functions that reach a network-attached data store in the stack run inside a VPC.",
    severity="high",
    pci_dss=("1.3.1", "1.3.2", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set vpc_config={'subnet_ids': [private subnet ids], 'security_group_ids': [a group allowing only "
                 "the data store's port]} on the aws.lambda_.Function, and reach AWS APIs through VPC endpoints."),
    check=check,
    resource_types=(FUNCTION,),  # data stores are context: the finding is always on the function
    scope="stack",
    config_properties={
        "allFunctions": {
            "type": "boolean",
            "description": "Require vpc_config on every Lambda function, not only those that reach a data store.",
        },
    },
    default_config={"allFunctions": False},
    violation_example=('aws.lambda_.Function("report", runtime="python3.12", handler="app.handler", role=role.arn, '
                       'code=code, environment={"variables": {"DB_HOST": db.address}})'),
)

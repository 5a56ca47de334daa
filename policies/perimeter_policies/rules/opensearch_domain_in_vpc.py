"""opensearch-domain-in-vpc: OpenSearch and Elasticsearch domains live in the VPC.

Why: a domain without `vpc_options` gets a public endpoint on the internet,
guarded only by its access policy and fine-grained access control; the data
in it (documents, embeddings, logs) is one policy mistake away from the world
(PCI DSS 1.3.1, 1.4.4; AWS Config OPENSEARCH_IN_VPC_ONLY and
ELASTICSEARCH_IN_VPC_ONLY). The placement is fixed at creation: a domain
cannot move into a VPC later. In the VPC means `vpc_options` with at least one
subnet; subnet ids unknown at preview are outputs of subnets and count as set.
"""

from __future__ import annotations

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")


def check(domain: ResourceView, config):
    problems, unknowns = [], []
    subnets = as_list(domain.get("vpcOptions", "subnetIds"))  # unknown too when the whole vpcOptions is
    if is_unknown(subnets):
        unknowns.append("vpcOptions")
    elif not subnets:
        problems.append("has no vpcOptions.subnetIds, so its endpoint is public")
    yield from settle(problems, unknowns, subject=describe(domain))


RULE = Rule(
    name="opensearch-domain-in-vpc",
    description="OpenSearch and Elasticsearch domains are placed in VPC subnets, never on a public endpoint.",
    severity="high",
    pci_dss=("1.3.1", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set vpc_options={'subnet_ids': [private subnet ids], 'security_group_ids': [...]} on the "
                 "aws.opensearch.Domain (a domain cannot be moved into a VPC later: create a new one)."),
    check=check,
    resource_types=DOMAINS,
    violation_example='aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", encrypt_at_rest={...})',
)

"""opensearch-domain-tls: OpenSearch (and Elasticsearch) domains require HTTPS with TLS 1.2 and encrypt node-to-node traffic.

Why: a domain used as a vector store or search index holds documents, prompts
and embeddings; PCI DSS 4.2.1 wants them protected in transit, both from
clients and between the domain's nodes.

- `domain_endpoint_options.enforce_https` must not be false (the provider
  defaults it to true);
- `domain_endpoint_options.tls_security_policy` must be named and in
  `allowedTlsPolicies` (TLS 1.2 minimum): AWS's default policy for a domain
  has historically been `Policy-Min-TLS-1-0-2019-07`;
- `node_to_node_encryption.enabled` must be true (AWS default: off).

Values unknown at preview are deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
TLS12_POLICIES = ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")


def check(domain: ResourceView, config):
    problems, unknowns = [], []
    enforce = domain.get("domainEndpointOptions", "enforceHttps")
    policy = domain.get("domainEndpointOptions", "tlsSecurityPolicy")
    node_to_node = domain.get("nodeToNodeEncryption", "enabled")
    if is_unknown(enforce):
        unknowns.append("domainEndpointOptions.enforceHttps")
    elif enforce is False:
        problems.append("domainEndpointOptions.enforceHttps is false, so clients may use plain HTTP")
    if is_unknown(policy):
        unknowns.append("domainEndpointOptions.tlsSecurityPolicy")
    elif policy not in config["allowedTlsPolicies"]:
        shown = "not set, so AWS chooses" if policy is None else repr(policy)
        problems.append(f"domainEndpointOptions.tlsSecurityPolicy is {shown}, not one of allowedTlsPolicies (TLS 1.2 minimum)")
    if is_unknown(node_to_node):
        unknowns.append("nodeToNodeEncryption.enabled")
    elif node_to_node is not True:
        problems.append("nodeToNodeEncryption.enabled is not true, so traffic between the domain's nodes is cleartext")
    yield from settle(problems, unknowns, subject=describe(domain))


RULE = Rule(
    name="opensearch-domain-tls",
    description="OpenSearch and Elasticsearch domains enforce HTTPS with a TLS 1.2+ policy and node-to-node encryption.",
    severity="high",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Set domain_endpoint_options={'enforce_https': True, 'tls_security_policy': "
                 "'Policy-Min-TLS-1-2-PFS-2023-10'} and node_to_node_encryption={'enabled': True}."),
    check=check,
    resource_types=DOMAINS,
    config_properties={
        "allowedTlsPolicies": {
            "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
            "description": "OpenSearch TLS security policies accepted (each with TLS 1.2 minimum).",
        },
    },
    default_config={"allowedTlsPolicies": list(TLS12_POLICIES)},
    violation_example='aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", node_to_node_encryption={"enabled": False})',
)

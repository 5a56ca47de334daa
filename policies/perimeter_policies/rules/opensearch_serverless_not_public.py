"""opensearch-serverless-not-public: vector collections are reachable only privately.

Why: Bedrock knowledge bases keep their embeddings, and the text chunks they
were made from, in OpenSearch Serverless collections. A network security
policy rule with `AllowFromPublic: true` exposes the collection's endpoint to
the internet (PCI DSS 1.3.1, 1.4.4). A rule with `AllowFromPublic: false` but
neither `SourceVPCEs` nor `SourceServices` declares no access path at all: it
is a misconfiguration that gets "fixed" later by flipping it public, so it is
a violation too. Encryption policies (`type="encryption"`) are checked by the
encryption rules, not here. A policy built from outputs is checked at `pulumi up`.
"""

from collections.abc import Mapping

from ..model import ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._documents import MalformedDocument, load_document
from ._findings import describe, unknown_at_preview

SECURITY_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
NETWORK = "network"
PRIVATE_SOURCES = ("SourceVPCEs", "SourceServices")


def check(policy: ResourceView, config):
    kind = policy.get("type")
    if is_unknown(kind):
        yield unknown_at_preview(policy, "type")
        return
    if kind != NETWORK:
        return
    try:
        rules = load_document(policy.get("policy"))
        if is_unknown(rules):
            yield unknown_at_preview(policy, "policy")
            return
        rules = as_list(rules)
        if any(not (is_unknown(rule) or isinstance(rule, Mapping)) for rule in rules):
            raise MalformedDocument("is not a list of network rule objects")
    except MalformedDocument as problem:
        yield Violation(f"{describe(policy)}: policy {problem}.")
        return
    for index, rule in enumerate(rules):
        yield from _network_rule(policy, index, rule)


def _network_rule(policy: ResourceView, index: int, rule):
    label = f"network rule {index + 1}"
    if is_unknown(rule):
        yield unknown_at_preview(policy, label)
        return
    public = rule.get("AllowFromPublic")
    if is_unknown(public):
        yield unknown_at_preview(policy, f"{label} AllowFromPublic")
    elif public is True:
        yield Violation(f"{describe(policy)}: {label} sets AllowFromPublic=true for {_resources(rule)}.")
    elif not any(_declared(rule.get(source)) for source in PRIVATE_SOURCES):
        yield Violation(f"{describe(policy)}: {label} is private but declares neither SourceVPCEs nor "
                        f"SourceServices for {_resources(rule)}, so nothing can reach it.")


def _declared(sources) -> bool:
    return is_unknown(sources) or bool(as_list(sources))


def _resources(rule: Mapping) -> str:
    names = [r for entry in as_list(rule.get("Rules")) if isinstance(entry, Mapping)
             for r in as_list(entry.get("Resource")) if isinstance(r, str)]
    return ", ".join(names) or "its resources"


RULE = Rule(
    name="opensearch-serverless-not-public",
    description="OpenSearch Serverless network policies must not allow public access and must name a private source.",
    severity="high",
    pci_dss=("1.3.1", "1.4.2", "1.4.4"),
    soc2=("CC6.1", "CC6.6"),
    remediation=('In the policy argument of aws.opensearch.ServerlessSecurityPolicy(type="network"), set '
                 '"AllowFromPublic": false and list the VPC endpoint ids in "SourceVPCEs" '
                 '(or "SourceServices": ["bedrock.amazonaws.com"]).'),
    check=check,
    resource_types=(SECURITY_POLICY,),
    violation_example=('aws.opensearch.ServerlessSecurityPolicy("kb", type="network", policy=json.dumps([{"Rules": '
                       '[{"ResourceType": "collection", "Resource": ["collection/kb"]}], "AllowFromPublic": True}]))'),
)

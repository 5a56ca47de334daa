"""opensearch-serverless-not-public: vector collections are reachable only privately.

Why: Bedrock knowledge bases keep their embeddings, and the text chunks they
were made from, in OpenSearch Serverless collections. A network security
policy rule with `AllowFromPublic: true` exposes the collection's endpoint to
the internet (PCI DSS 1.3.1, 1.4.4). A rule with `AllowFromPublic: false` but
neither `SourceVPCEs` nor `SourceServices` declares no access path at all: it
is a misconfiguration that gets "fixed" later by flipping it public, so it is
a violation too. A data access policy (`ServerlessAccessPolicy`, type `data`)
whose rule set names a wildcard principal (`*`, or any principal pattern with
`*`) hands the vectors to whoever matches: access policies must name the roles
that need the data (PCI DSS 7.3.1). Encryption policies (`type="encryption"`)
are checked by the encryption rules, not here. A policy built from outputs is
checked at `pulumi up`. `perimeter verify` checks the same things live.
"""

from collections.abc import Mapping

from ..model import ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._documents import MalformedDocument, load_document
from ._findings import describe, unknown_at_preview

SECURITY_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
ACCESS_POLICY = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
# Which policy type each resource's rule sets are checked for, and how.
CHECKED_KIND = {SECURITY_POLICY: "network", ACCESS_POLICY: "data"}
PRIVATE_SOURCES = ("SourceVPCEs", "SourceServices")


def check(policy: ResourceView, config):
    kind = policy.get("type")
    if is_unknown(kind):
        yield unknown_at_preview(policy, "type")
        return
    if kind != CHECKED_KIND[policy.type]:
        return
    try:
        rule_sets = load_document(policy.get("policy"))
        if is_unknown(rule_sets):
            yield unknown_at_preview(policy, "policy")
            return
        rule_sets = as_list(rule_sets)
        if any(not (is_unknown(rule) or isinstance(rule, Mapping)) for rule in rule_sets):
            raise MalformedDocument(f"is not a list of {kind} rule objects")
    except MalformedDocument as problem:
        yield Violation(f"{describe(policy)}: policy {problem}.")
        return
    check_rule_set = _network_rule if kind == "network" else _data_access_rule
    for index, rule in enumerate(rule_sets):
        yield from check_rule_set(policy, index, rule)


def _data_access_rule(policy: ResourceView, index: int, rule):
    label = f"data access rule {index + 1}"
    if is_unknown(rule):
        yield unknown_at_preview(policy, label)
        return
    principals = rule.get("Principal")
    if is_unknown(principals) or any(is_unknown(p) for p in as_list(principals)):
        yield unknown_at_preview(policy, f"{label} Principal")
        return
    wildcards = [p for p in as_list(principals) if isinstance(p, str) and "*" in p]
    if wildcards:
        yield Violation(f"{describe(policy)}: {label} grants {', '.join(wildcards)} (a wildcard principal) "
                        f"access to {_resources(rule)}.")


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
    description=("OpenSearch Serverless network policies must not allow public access and must name a private "
                 "source; data access policies must not grant a wildcard principal."),
    severity="high",
    pci_dss=("1.3.1", "1.4.2", "1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=('In the policy argument of aws.opensearch.ServerlessSecurityPolicy(type="network"), set '
                 '"AllowFromPublic": false and list the VPC endpoint ids in "SourceVPCEs" '
                 '(or "SourceServices": ["bedrock.amazonaws.com"]); in aws.opensearch.ServerlessAccessPolicy(type="data") '
                 'list the IAM role ARNs that need the data in "Principal", never "*".'),
    check=check,
    resource_types=(SECURITY_POLICY, ACCESS_POLICY),
    violation_example=('aws.opensearch.ServerlessSecurityPolicy("kb", type="network", policy=json.dumps([{"Rules": '
                       '[{"ResourceType": "collection", "Resource": ["collection/kb"]}], "AllowFromPublic": True}]))'),
)

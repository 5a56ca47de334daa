"""Private paths: Bedrock VPC endpoints and OpenSearch Serverless collections."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

# One reading of "the default full-access endpoint policy", shared with the preview rule.
from perimeter_policies.rules._iam_policy import find_statements, grants_everything

from ..aws import ResourceMissing
from ..outputs import COLLECTION, COLLECTION_ACCESS, VPC_ENDPOINT
from . import check
from ._keys import key_problems

INTERFACE = "Interface"
AVAILABLE = "available"


@check("bedrock-endpoint-private", VPC_ENDPOINT)
def endpoint_private_and_scoped(reader, target):
    vpce = target.spec["id"]
    endpoints = reader.call("ec2", "DescribeVpcEndpoints", VpcEndpointIds=[vpce])["VpcEndpoints"]
    if not endpoints:
        raise ResourceMissing(f"VPC endpoint {vpce} does not exist")
    endpoint = endpoints[0]
    if endpoint.get("State", "").lower() != AVAILABLE:
        yield f"VPC endpoint {vpce} is {endpoint.get('State')}, not {AVAILABLE}."
    if endpoint.get("VpcEndpointType") != INTERFACE:
        yield f"VPC endpoint {vpce} is a {endpoint.get('VpcEndpointType')} endpoint; Bedrock needs {INTERFACE}."
    if not endpoint.get("PrivateDnsEnabled"):
        yield f"VPC endpoint {vpce} has private DNS off, so clients still resolve Bedrock's public endpoint."
    document = endpoint.get("PolicyDocument")
    broad = find_statements(json.loads(document), grants_everything).matching if document else ("(none set)",)
    if broad:
        yield (f"VPC endpoint {vpce} policy {', '.join(broad)} allows any principal every action on every "
               "resource (AWS's default full-access policy).")


# How each policy type is listed and read: (list operation, summaries key, get operation, detail key).
_SECURITY_POLICY_API = ("ListSecurityPolicies", "securityPolicySummaries", "GetSecurityPolicy", "securityPolicyDetail")
POLICY_APIS = {"encryption": _SECURITY_POLICY_API, "network": _SECURITY_POLICY_API,
               "data": ("ListAccessPolicies", "accessPolicySummaries", "GetAccessPolicy", "accessPolicyDetail")}


def _summaries(reader, operation: str, key: str, kind: str) -> list[dict]:
    """Every policy summary, following nextToken (botocore has no paginator for these operations)."""
    params, summaries = {"type": kind}, []
    while True:
        page = reader.call("opensearchserverless", operation, **params)
        summaries += page[key]
        if not page.get("nextToken"):
            return summaries
        params["nextToken"] = page["nextToken"]


def _covers(rule: dict, name: str) -> bool:
    """Whether a rule reaches collection `name`: `collection/<pattern>`, or `index/<pattern>/<index pattern>`."""
    kind = rule.get("ResourceType")
    if kind not in ("collection", "index"):
        return False
    for pattern in rule.get("Resource", []):
        prefix, _, rest = pattern.partition("/")
        if prefix == kind and fnmatchcase(name, rest.split("/", 1)[0] if kind == "index" else rest):
            return True
    return False


def _collection_policies(reader, name: str, kind: str) -> list[tuple[str, int, dict]]:
    """The `kind` policies' rule sets with a rule that covers collection `name`: (policy name, 1-based position,
    rule set)."""
    list_operation, list_key, get_operation, detail_key = POLICY_APIS[kind]
    covering = []
    for summary in _summaries(reader, list_operation, list_key, kind):
        detail = reader.call("opensearchserverless", get_operation, name=summary["name"], type=kind)
        document = detail[detail_key]["policy"]
        document = json.loads(document) if isinstance(document, str) else document
        for position, entry in enumerate(document if isinstance(document, list) else [document], start=1):
            if any(_covers(rule, name) for rule in entry.get("Rules", [])):
                covering.append((summary["name"], position, entry))
    return covering


def _collection(reader, target) -> dict:
    name = target.spec["name"]
    found = reader.call("opensearchserverless", "BatchGetCollection", names=[name])["collectionDetails"]
    if not found:
        raise ResourceMissing(f"OpenSearch Serverless collection {name} does not exist")
    return found[0]


@check("cmk-encryption-at-rest", COLLECTION)
def collection_encrypted_with_expected_key(reader, target):
    name = target.spec["name"]
    _collection(reader, target)
    policies = _collection_policies(reader, name, "encryption")
    if not policies:
        yield f"collection {name} is covered by no encryption policy."
    for policy, _, entry in policies:
        if entry.get("AWSOwnedKey") is not False:
            yield f"collection {name}: encryption policy {policy} uses an AWS-owned key (AWSOwnedKey is not false)."
        else:
            yield from key_problems(reader, f"collection {name} (encryption policy {policy})", entry.get("KmsARN"),
                                    target.spec.get("kmsKeyArn"))


@check("opensearch-serverless-not-public", COLLECTION)
def collection_network_private(reader, target):
    name = target.spec["name"]
    _collection(reader, target)
    policies = _collection_policies(reader, name, "network")
    if not policies:
        yield f"collection {name} is covered by no network policy."
    for policy, _, entry in policies:
        if entry.get("AllowFromPublic") is not False:
            yield f"collection {name}: network policy {policy} allows access from the public internet."


@check("opensearch-serverless-not-public", COLLECTION_ACCESS)
def collection_data_access_not_public(reader, target):
    """No data access rule set that covers the collection names a wildcard principal.

    Deliberately simple: any principal containing `*` (`*` itself, `arn:aws:iam::*:role/x`, `.../role/*`) is
    flagged, even one confined to this account; list the roles and users that need access instead.
    """
    name = target.spec["name"]
    _collection(reader, target)
    for policy, position, entry in _collection_policies(reader, name, "data"):
        principals = entry.get("Principal", [])
        wildcards = [p for p in ([principals] if isinstance(principals, str) else principals) if "*" in p]
        if wildcards:
            yield (f"collection {name}: data access policy {policy}, rule set {position}, grants "
                   f"{', '.join(wildcards)} (a wildcard principal) access; name the IAM roles that need it instead.")

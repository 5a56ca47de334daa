"""Private paths: Bedrock VPC endpoints and OpenSearch Serverless collections."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

# One reading of "the default full-access endpoint policy", shared with the preview rule.
from perimeter_policies.rules._iam_policy import find_statements, grants_everything

from ..aws import ResourceMissing
from ..outputs import COLLECTION, VPC_ENDPOINT
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


def _collection_policies(reader, name: str, kind: str) -> list[dict]:
    """The `kind` security policies with a rule that covers collection `name`, as (policy name, rule) pairs."""
    summaries = reader.call("opensearchserverless", "ListSecurityPolicies", type=kind)["securityPolicySummaries"]
    covering = []
    for summary in summaries:
        detail = reader.call("opensearchserverless", "GetSecurityPolicy", name=summary["name"], type=kind)
        document = detail["securityPolicyDetail"]["policy"]
        document = json.loads(document) if isinstance(document, str) else document
        for entry in document if isinstance(document, list) else [document]:
            if any(rule.get("ResourceType") == "collection"
                   and any(fnmatchcase(f"collection/{name}", pattern) for pattern in rule.get("Resource", []))
                   for rule in entry.get("Rules", [])):
                covering.append((summary["name"], entry))
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
    for policy, entry in policies:
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
    for policy, entry in policies:
        if entry.get("AllowFromPublic") is not False:
            yield f"collection {name}: network policy {policy} allows access from the public internet."

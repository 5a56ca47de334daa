import json

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "opensearch-serverless-not-public"
SECURITY_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
COLLECTION_RULES = [{"ResourceType": "collection", "Resource": ["collection/knowledge-base"]},
                    {"ResourceType": "dashboard", "Resource": ["collection/knowledge-base"]}]
PRIVATE_VIA_ENDPOINT = {"Rules": COLLECTION_RULES, "AllowFromPublic": False, "SourceVPCEs": ["vpce-0123456789abcdef0"]}
PRIVATE_VIA_BEDROCK = {"Rules": COLLECTION_RULES, "AllowFromPublic": False, "SourceServices": ["bedrock.amazonaws.com"]}


def network_policy(*rules, kind="network", raw=None):
    document = raw if raw is not None else json.dumps(list(rules))
    return resource(SECURITY_POLICY, "kb-network", {"name": "kb-network", "type": kind, "policy": document,
                                                     "description": UNKNOWN})


def test_private_rules_pass_with_unknown_unrelated_inputs():
    result = analyze(POLICY, network_policy(PRIVATE_VIA_ENDPOINT, PRIVATE_VIA_BEDROCK))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("changes, problem", [
    ({"AllowFromPublic": True, "SourceVPCEs": None}, "AllowFromPublic=true for collection/knowledge-base"),
    ({"AllowFromPublic": True}, "AllowFromPublic=true"),
    ({"SourceVPCEs": None}, "declares neither SourceVPCEs nor SourceServices"),
    ({"SourceVPCEs": []}, "declares neither SourceVPCEs nor SourceServices"),
])
def test_each_public_or_pathless_rule_blocks(changes, problem):
    rule = {k: v for k, v in {**PRIVATE_VIA_ENDPOINT, **changes}.items() if v is not None}
    result = analyze(POLICY, network_policy(PRIVATE_VIA_BEDROCK, rule))
    assert len(result.violations) == 1
    assert "network rule 2" in result.violations[0][0] and problem in result.violations[0][0]


def test_public_rule_given_as_a_single_object_blocks():
    raw = json.dumps({**PRIVATE_VIA_ENDPOINT, "AllowFromPublic": True})
    assert len(analyze(POLICY, network_policy(raw=raw)).violations) == 1


def test_malformed_policy_blocks_with_a_clear_message():
    result = analyze(POLICY, network_policy(raw='[{"AllowFromPublic": tru'))
    assert "is not valid JSON" in result.violations[0][0]


def test_list_of_non_objects_is_malformed():
    result = analyze(POLICY, network_policy(raw=json.dumps(["collection/kb"])))
    assert "not a list of network rule objects" in result.violations[0][0]


def test_policy_built_from_outputs_is_deferred():
    result = analyze(POLICY, network_policy(raw=UNKNOWN))
    assert result.clean and "policy is unknown at preview" in result.deferred[0]["message"]


def test_encryption_policy_is_out_of_scope():
    encryption = json.dumps({"Rules": COLLECTION_RULES, "AWSOwnedKey": True})
    assert analyze(POLICY, network_policy(raw=encryption, kind="encryption")).clean


ACCESS_POLICY = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
KB_ROLE = "arn:aws:iam::123456789012:role/perimeter-knowledge-base"
READ_RULES = [{"ResourceType": "index", "Resource": ["index/knowledge-base/*"], "Permission": ["aoss:ReadDocument"]}]


def access_policy(*rule_sets, kind="data"):
    return resource(ACCESS_POLICY, "kb-access", {"name": "kb-access", "type": kind, "policy": json.dumps(list(rule_sets)),
                                                  "description": UNKNOWN})


def test_data_access_for_named_roles_passes():
    assert analyze(POLICY, access_policy({"Rules": READ_RULES, "Principal": [KB_ROLE]})).clean


@pytest.mark.parametrize("principal", ["*", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::*:root"])
def test_data_access_for_a_wildcard_principal_blocks(principal):
    result = analyze(POLICY, access_policy({"Rules": READ_RULES, "Principal": [KB_ROLE]},
                                           {"Rules": READ_RULES, "Principal": [principal]}))
    assert len(result.violations) == 1
    message = result.violations[0][0]
    assert "data access rule 2" in message and principal in message and "index/knowledge-base/*" in message


def test_data_access_principal_built_from_outputs_is_deferred():
    policy = resource(ACCESS_POLICY, "kb-access", {"type": "data", "policy": [{"Rules": READ_RULES, "Principal": [UNKNOWN]}]})
    result = analyze(POLICY, policy)
    assert result.clean and "Principal is unknown at preview" in result.deferred[0]["message"]


def test_lifecycle_access_policies_are_not_this_rules_business():
    assert analyze(POLICY, access_policy({"Rules": READ_RULES, "Principal": ["*"]}, kind="lifecycle")).clean


def test_unknown_policy_type_is_deferred():
    record = resource(SECURITY_POLICY, "kb-network", {"name": "kb-network", "type": UNKNOWN,
                                                       "policy": json.dumps([{**PRIVATE_VIA_ENDPOINT, "AllowFromPublic": True}])})
    result = analyze(POLICY, record)
    assert result.clean and [d["message"] for d in result.deferred] == [
        "ServerlessSecurityPolicy 'kb-network': type is unknown at preview"]


@pytest.mark.parametrize("record, message", [
    (resource(SECURITY_POLICY, "kb-network", {"type": "network", "policy": [PRIVATE_VIA_BEDROCK, UNKNOWN]}),
     "ServerlessSecurityPolicy 'kb-network': network rule 2 is unknown at preview"),
    (resource(SECURITY_POLICY, "kb-network", {"type": "network", "policy": [
        PRIVATE_VIA_BEDROCK, {**PRIVATE_VIA_ENDPOINT, "AllowFromPublic": UNKNOWN}]}),
     "ServerlessSecurityPolicy 'kb-network': network rule 2 AllowFromPublic is unknown at preview"),
    (resource(ACCESS_POLICY, "kb-access", {"type": "data", "policy": [UNKNOWN]}),
     "ServerlessAccessPolicy 'kb-access': data access rule 1 is unknown at preview"),
    (resource(ACCESS_POLICY, "kb-access", {"type": "data", "policy": [{"Rules": READ_RULES, "Principal": UNKNOWN}]}),
     "ServerlessAccessPolicy 'kb-access': data access rule 1 Principal is unknown at preview"),
], ids=["network-rule", "allow-from-public", "data-rule", "principal-list"])
def test_parts_built_from_outputs_are_deferred_and_named(record, message):
    result = analyze(POLICY, record)
    assert result.clean and not result.cant_run and [d["message"] for d in result.deferred] == [message]


def test_private_sources_built_from_outputs_count_as_declared():
    record = resource(SECURITY_POLICY, "kb-network", {"type": "network", "policy": [
        {"Rules": COLLECTION_RULES, "AllowFromPublic": False, "SourceVPCEs": UNKNOWN}]})
    result = analyze(POLICY, record)
    assert result.clean and not result.deferred


def test_findings_name_every_wildcard_and_every_resource():
    rules = [{"ResourceType": "index", "Resource": ["index/kb/*", "index/faq/*"]}]
    result = analyze(POLICY, access_policy({"Rules": rules, "Principal": ["*", "arn:aws:iam::*:root", KB_ROLE]}))
    assert ("ServerlessAccessPolicy 'kb-access': data access rule 1 grants *, arn:aws:iam::*:root (a wildcard "
            "principal) access to index/kb/*, index/faq/*.") in result.violations[0][0]
    result = analyze(POLICY, network_policy({"AllowFromPublic": True}))
    assert ("ServerlessSecurityPolicy 'kb-network': network rule 1 sets AllowFromPublic=true for its resources."
            in result.violations[0][0])

"""APIs moto 5.2.5 lacks (Bedrock guardrails, Security Hub standards, OpenSearch Serverless data access
policies), through botocore's Stubber.

The Stubber validates every request and response against the real service
model, so these cover the request shapes and the decisions, not AWS itself.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from botocore.stub import Stubber

from perimeter.report import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE
from perimeter.verify import outputs as contract
from perimeter.verify.aws import Connection, Reader, make_session
from perimeter.verify.checks import all_checks
from perimeter.verify.run import evaluate

from .environment import ACCOUNT, COLLECTION, GUARDRAIL, REGION

GUARDRAIL_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{GUARDRAIL['id']}"
TARGETS = {t.type: t for t in contract.targets(
    {"guardrail": GUARDRAIL, "opensearchCollections": {"knowledgeBase": {"name": COLLECTION}}}, ACCOUNT, REGION)}


@contextmanager
def stubbed(service: str):
    reader = Reader(make_session(Connection(REGION)), Connection(REGION))
    reader.account_id = ACCOUNT
    with Stubber(reader.client(service)) as stubber:
        yield reader, stubber
        stubber.assert_no_pending_responses()


def outcome(control: str, resource_type: str, reader: Reader):
    check = next(c for c in all_checks() if c.control == control and c.resource_type == resource_type)
    return evaluate(check, reader, TARGETS[resource_type])


def guardrail_response(version: str, pii_entities: list[dict]) -> dict:
    now = "2026-01-01T00:00:00Z"
    return {"name": "perimeter", "guardrailId": GUARDRAIL["id"], "guardrailArn": GUARDRAIL_ARN, "version": version,
            "status": "READY", "createdAt": now, "updatedAt": now, "blockedInputMessaging": "blocked",
            "blockedOutputsMessaging": "blocked", "sensitiveInformationPolicy": {"piiEntities": pii_entities}}


def expect_version(stubber: Stubber, pii_entities: list[dict]) -> None:
    stubber.add_response("get_guardrail", guardrail_response(GUARDRAIL["version"], pii_entities),
                         {"guardrailIdentifier": GUARDRAIL_ARN, "guardrailVersion": GUARDRAIL["version"]})


CARD_BLOCKED = {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}


def test_guardrail_blocking_card_numbers_is_compliant__stubbed():
    with stubbed("bedrock") as (reader, stubber):
        expect_version(stubber, [CARD_BLOCKED])
        assert outcome("bedrock-guardrail-blocks-card-numbers", contract.GUARDRAIL, reader).status == COMPLIANT


@pytest.mark.parametrize("entities, gap", [
    ([{"type": "EMAIL", "action": "BLOCK"}], "no CREDIT_DEBIT_CARD_NUMBER filter"),
    ([{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "NONE"}], "input action NONE"),
    ([{**CARD_BLOCKED, "outputEnabled": False}], "output disabled"),
])
def test_guardrail_without_card_block_is_flagged__stubbed(entities, gap):
    with stubbed("bedrock") as (reader, stubber):
        expect_version(stubber, entities)
        result = outcome("bedrock-guardrail-blocks-card-numbers", contract.GUARDRAIL, reader)
    assert result.status == NON_COMPLIANT and gap in result.message


def test_guardrail_live_with_pinned_version_is_compliant__stubbed():
    with stubbed("bedrock") as (reader, stubber):
        stubber.add_response("get_guardrail", guardrail_response("DRAFT", [CARD_BLOCKED]),
                             {"guardrailIdentifier": GUARDRAIL_ARN})
        expect_version(stubber, [CARD_BLOCKED])
        assert outcome("bedrock-guardrail-live", contract.GUARDRAIL, reader).status == COMPLIANT


def test_guardrail_access_denied_is_not_verifiable_never_a_pass__stubbed():
    with stubbed("bedrock") as (reader, stubber):
        stubber.add_client_error("get_guardrail", "AccessDeniedException", "not allowed", 403)
        result = outcome("bedrock-guardrail-live", contract.GUARDRAIL, reader)
    assert result.status == NOT_APPLICABLE
    assert result.message.startswith("not verifiable: bedrock:GetGuardrail: access denied")


def test_deleted_guardrail_is_a_violation__stubbed():
    with stubbed("bedrock") as (reader, stubber):
        stubber.add_client_error("get_guardrail", "ResourceNotFoundException", "no such guardrail", 404)
        result = outcome("bedrock-guardrail-live", contract.GUARDRAIL, reader)
    assert result.status == NON_COMPLIANT and "not found" in result.message


@pytest.mark.parametrize("standards, status", [
    ([{"StandardsSubscriptionArn": "arn:aws:securityhub:eu-west-1:123456789012:subscription/pci-dss/v/4.0.1",
       "StandardsArn": "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1", "StandardsInput": {},
       "StandardsStatus": "READY"}], COMPLIANT),
    ([], NON_COMPLIANT),
])
def test_security_hub_needs_a_ready_standard__stubbed(standards, status):
    with stubbed("securityhub") as (reader, stubber):
        stubber.add_response("describe_hub", {"HubArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"}, {})
        stubber.add_response("get_enabled_standards", {"StandardsSubscriptions": standards}, {})
        assert outcome("detection-services-enabled", contract.SECURITY_HUB, reader).status == status


DATA_ACCESS_POLICY = "perimeter-kb-access"
READ_ONLY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/perimeter-knowledge-base"
INDEX_READ = {"ResourceType": "index", "Resource": [f"index/{COLLECTION}/*"], "Permission": ["aoss:ReadDocument"]}
OTHER_COLLECTION = {"ResourceType": "collection", "Resource": ["collection/another-kb"], "Permission": ["aoss:*"]}
ALL_COLLECTIONS_DESCRIBE = {"ResourceType": "collection", "Resource": ["collection/*"],
                            "Permission": ["aoss:DescribeCollectionItems"]}


def expect_collection(stubber: Stubber) -> None:
    stubber.add_response("batch_get_collection", {"collectionDetails": [{"name": COLLECTION, "status": "ACTIVE"}]},
                         {"names": [COLLECTION]})


def expect_data_access_policy(stubber: Stubber, rule_sets: list[dict], page: dict | None = None) -> None:
    summary = {"type": "data", "name": DATA_ACCESS_POLICY, "policyVersion": "MTcwMDAwMDAwMDAwMF8x"}
    stubber.add_response("list_access_policies", {"accessPolicySummaries": [summary]}, {"type": "data", **(page or {})})
    stubber.add_response("get_access_policy", {"accessPolicyDetail": {**summary, "policy": rule_sets}},
                         {"name": DATA_ACCESS_POLICY, "type": "data"})


def data_access_outcome(reader: Reader):
    check = next(c for c in all_checks() if c.verify.__name__ == "collection_data_access_not_public")
    assert check.control == "opensearch-serverless-not-public" and check.resource_type == contract.COLLECTION_ACCESS
    return evaluate(check, reader, TARGETS[contract.COLLECTION_ACCESS])


@pytest.mark.parametrize("principal", ["*", f"arn:aws:iam::{ACCOUNT}:role/*"])
def test_data_access_policy_granting_a_wildcard_principal_is_flagged__stubbed(principal):
    with stubbed("opensearchserverless") as (reader, stubber):
        expect_collection(stubber)
        expect_data_access_policy(stubber, [{"Rules": [OTHER_COLLECTION], "Principal": ["*"]},
                                            {"Rules": [INDEX_READ], "Principal": [READ_ONLY_ROLE, principal]}])
        result = data_access_outcome(reader)
    assert result.status == NON_COMPLIANT
    # Only the rule set that covers the collection (through its index rule) is named, and only its wildcard.
    assert result.message == (f"collection {COLLECTION}: data access policy {DATA_ACCESS_POLICY}, rule set 2, grants "
                              f"{principal} (a wildcard principal) access; name the IAM roles that need it instead.")


def test_data_access_policy_on_a_later_page_is_read__stubbed():
    with stubbed("opensearchserverless") as (reader, stubber):
        expect_collection(stubber)
        stubber.add_response("list_access_policies", {"accessPolicySummaries": [], "nextToken": "page-2"},
                             {"type": "data"})
        expect_data_access_policy(stubber, [{"Rules": [INDEX_READ], "Principal": ["*"]}], {"nextToken": "page-2"})
        assert data_access_outcome(reader).status == NON_COMPLIANT


def test_data_access_policy_granting_only_a_role_is_compliant__stubbed():
    with stubbed("opensearchserverless") as (reader, stubber):
        expect_collection(stubber)
        expect_data_access_policy(stubber, [{"Rules": [INDEX_READ, ALL_COLLECTIONS_DESCRIBE],
                                             "Principal": [READ_ONLY_ROLE]}])
        assert data_access_outcome(reader).status == COMPLIANT


def test_data_access_policies_access_denied_is_not_verifiable_never_a_pass__stubbed():
    with stubbed("opensearchserverless") as (reader, stubber):
        expect_collection(stubber)
        stubber.add_client_error("list_access_policies", "AccessDeniedException", "not allowed", 403,
                                 expected_params={"type": "data"})
        result = data_access_outcome(reader)
    assert result.status == NOT_APPLICABLE
    assert result.message.startswith("not verifiable: opensearchserverless:ListAccessPolicies: access denied")

"""Keys: one rotating CMK per data class, with least-privilege, conditioned key policies."""

import pytest

from components.keys import KEY_ADMINISTRATION_ACTIONS, ServiceGrant
from tests.components.conftest import ACCOUNT_ID, by_sid

KEY = "aws:kms/key:Key"
DATA_CLASSES = ("knowledge", "audit", "guardrail", "assistant", "backup")


def test_one_rotating_key_per_data_class(preview):
    keys = preview.of_type(KEY)
    assert sorted(k.name for k in keys) == sorted(f"keys-{c}" for c in DATA_CLASSES)
    for key in keys:
        assert key.inputs["enableKeyRotation"] is True
        assert key.inputs["rotationPeriodInDays"] == 365
        assert key.inputs["deletionWindowInDays"] == 30
        assert "Keys$aws:kms/key:Key" in key.urn


def test_aliases_name_the_data_class(preview):
    aliases = {a.inputs["name"] for a in preview.of_type("aws:kms/alias:Alias")}
    assert aliases == {f"alias/perimeter-{preview.stack}-{c}" for c in DATA_CLASSES}


def test_key_policies_never_grant_anyone_and_condition_every_service(preview):
    for key in preview.of_type(KEY):
        for statement in key.json("policy")["Statement"]:
            assert statement["Effect"] == "Allow"
            assert statement["Principal"] != "*" and statement["Principal"].get("AWS") != "*"
            if "Service" in statement["Principal"]:
                condition = statement["Condition"]
                keys = {k for values in condition.values() for k in values}
                assert keys & {"aws:SourceAccount", "aws:SourceArn", "kms:EncryptionContext:aws:logs:arn"}, statement


def test_administration_does_not_read_data_and_use_goes_through_services(preview):
    region = preview.region
    for key in preview.of_type(KEY):
        statements = by_sid(key.json("policy"))
        admin = statements["AccountAdministersKeyWithoutDataAccess"]
        assert admin["Action"] == list(KEY_ADMINISTRATION_ACTIONS)
        assert not any(a in admin["Action"] for a in ("kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"))
        use = next(s for sid, s in statements.items() if sid.startswith("Use"))
        via = use["Condition"]["StringEquals"]["kms:ViaService"]
        assert via and all(v.endswith(f".{region}.amazonaws.com") for v in via)
        assert use["Condition"]["StringEquals"]["kms:CallerAccount"] == ACCOUNT_ID


def test_audit_key_admits_only_the_log_writers_it_needs(preview):
    region = preview.region
    statements = by_sid(preview.one(KEY, "keys-audit").json("policy"))
    services = {s["Principal"]["Service"] for s in statements.values() if "Service" in s["Principal"]}
    assert services == {"cloudtrail.amazonaws.com", f"logs.{region}.amazonaws.com", "bedrock.amazonaws.com",
                        "config.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com",
                        "logging.s3.amazonaws.com"}
    events = statements["FindingRulesPublishToEncryptedTopic"]["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert events == [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/perimeter-{preview.stack}-{alert}"
                      for alert in ("guardduty-high", "securityhub-critical-high", "securityhub-pci-dss-failed")]
    trail = statements["CloudTrailEncryptsThisTrail"]["Condition"]
    assert trail["StringEquals"]["aws:SourceArn"].endswith(":trail/" + trail["StringEquals"]["aws:SourceArn"].split("/")[-1])
    logs = statements["CloudWatchLogsEncryptsPerimeterLogGroups"]["Condition"]["ArnEquals"]
    # SNS names the alarm topic's delivery-failure log group itself (sns/<region>/<account>/<topic>/Failure).
    sns_failures = (f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:sns/{region}/{ACCOUNT_ID}/"
                    f"perimeter-{preview.stack}-security-alarms/Failure")
    assert sns_failures in logs["kms:EncryptionContext:aws:logs:arn"]
    assert all(":log-group:/perimeter/" in arn or arn == sns_failures for arn in logs["kms:EncryptionContext:aws:logs:arn"])


def test_knowledge_key_lets_s3_vectors_index_only_this_accounts_bucket(preview):
    statements = by_sid(preview.one(KEY, "keys-knowledge").json("policy"))
    grant = statements["S3VectorsIndexesThisAccountsVectorBuckets"]
    assert grant["Principal"] == {"Service": "indexing.s3vectors.amazonaws.com"}
    assert grant["Action"] == ["kms:Decrypt"]
    assert grant["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}


@pytest.mark.parametrize("key", ["keys-knowledge", "keys-audit"])
def test_keys_of_buckets_let_s3_deliver_this_accounts_access_logs_only(preview, key):
    grant = by_sid(preview.one(KEY, key).json("policy"))["S3DeliversServerAccessLogs"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert grant["Action"] == ["kms:GenerateDataKey"]
    assert grant["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def test_guardrail_key_has_no_service_principals(preview):
    statements = preview.one(KEY, "keys-guardrail").json("policy")["Statement"]
    assert all("Service" not in s["Principal"] for s in statements)


def test_an_unconditioned_service_grant_is_refused():
    with pytest.raises(ValueError, match="must be conditioned"):
        ServiceGrant("Open", "logs.amazonaws.com", ["kms:Decrypt"], {})

"""Secure buckets: private, CMK-encrypted with the right key, TLS-only, versioned, retention-bounded, access-logged."""

import pytest

from components.secure_bucket import SecureBucketArgs
from tests.components.conftest import ACCOUNT_ID, by_sid, created

# component resource name -> (key data class, retention setting, reader role purpose)
SOURCES = {
    "knowledge-base-sources": ("knowledge", "knowledgeSourceDays", "knowledge-base"),
    "audit-trail": ("audit", "auditDays", "auditor"),
    "audit-invocations": ("audit", "invocationLogDays", "auditor"),
    "posture-config": ("audit", "auditDays", "auditor"),
}
# Each source's server access logs go to a sibling with the same key, controls and readers.
SINKS = {f"{name}-access-logs": spec for name, spec in SOURCES.items()}
BUCKETS = {**SOURCES, **SINKS}


def key_arn(built, data_class):
    return created(built, "aws:kms/key:Key", f"keys-{data_class}")["arn"]


def test_four_buckets_and_their_access_log_buckets_each_with_every_control(preview):
    for type_suffix in ("bucket:Bucket", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls",
                        "bucketVersioning:BucketVersioning", "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                        "bucketPolicy:BucketPolicy"):
        resources = preview.of_type(f"aws:s3/{type_suffix}")
        assert sorted(r.name for r in resources) == sorted(BUCKETS)
        assert all("SecureBucket$aws:s3/" in r.urn for r in resources)
    assert not preview.of_type("aws:s3/bucketAcl:BucketAcl")


def test_bucket_names_are_global_and_never_force_destroyed(preview):
    for bucket in preview.of_type("aws:s3/bucket:Bucket"):
        assert bucket.inputs["forceDestroy"] is False
        name = bucket.inputs["bucket"]
        suffix = "-logs" if bucket.name in SINKS else ""
        assert name.startswith(f"perimeter-{preview.stack}-") and name.endswith(f"-{ACCOUNT_ID}-{preview.region}{suffix}")
        assert len(name) <= 63


@pytest.mark.parametrize("name", SOURCES)
def test_each_bucket_logs_every_request_into_its_own_access_log_bucket(deployed, name):
    (logging,) = [r for r in deployed.of_type("aws:s3/bucketLogging:BucketLogging") if r.name == name]
    source, sink = deployed.one("aws:s3/bucket:Bucket", name), deployed.one("aws:s3/bucket:Bucket", f"{name}-access-logs")
    assert logging.inputs["bucket"] == source.inputs["bucket"]
    assert logging.inputs["targetBucket"] == sink.inputs["bucket"]
    assert logging.inputs["targetPrefix"] == f"{source.inputs['bucket']}/"
    delivery = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", f"{name}-access-logs").json("policy"))[
        "S3WritesThisBucketsAccessLogs"]
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"} and delivery["Action"] == ["s3:PutObject"]
    assert delivery["Resource"] == [f"arn:aws:s3:::{sink.inputs['bucket']}/{source.inputs['bucket']}/*"]
    assert delivery["Condition"] == {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source.inputs['bucket']}"},
                                     "StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def test_access_log_buckets_do_not_log_themselves(preview):
    assert sorted(r.name for r in preview.of_type("aws:s3/bucketLogging:BucketLogging")) == sorted(SOURCES)


@pytest.mark.parametrize("name", BUCKETS)
def test_encrypted_with_the_data_class_key_and_bucket_key(deployed, name):
    rule = deployed.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        name).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms",
                                                          "kmsMasterKeyId": key_arn(deployed, BUCKETS[name][0])}
    assert rule["bucketKeyEnabled"] is True


def test_public_access_blocked_acls_disabled_versioning_on(preview):
    for block in preview.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        assert all(block.inputs[flag] is True for flag in
                   ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    for controls in preview.of_type("aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
        assert controls.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    for versioning in preview.of_type("aws:s3/bucketVersioning:BucketVersioning"):
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"


@pytest.mark.parametrize("name", BUCKETS)
def test_retention_is_bounded_per_purpose(preview, name):
    days = preview.setting("retention")[BUCKETS[name][1]]
    if name in SINKS:
        days = max(days, 365)  # access logs are audit logs: PCI DSS 10.5.1
    (rule,) = preview.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name).inputs["rules"]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["expiration"] == {"days": days}
    assert 1 <= rule["noncurrentVersionExpiration"]["noncurrentDays"] <= days
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    if BUCKETS[name][1] == "auditDays":
        assert days >= 365  # PCI DSS 10.5.1


@pytest.mark.parametrize("name", BUCKETS)
def test_policy_denies_plain_http_old_tls_foreign_keys_and_other_readers(deployed, name):
    data_class, _, reader = BUCKETS[name]
    statements = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", name).json("policy"))
    for sid in ("DenyInsecureTransport", "DenyOutdatedTls", "DenyPutsNotEncryptedWithKms", "DenyPutsWithAnotherKey",
                "DenyReadsExceptNamedReaders"):
        assert statements[sid]["Effect"] == "Deny" and statements[sid]["Principal"] == {"AWS": "*"}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["DenyOutdatedTls"]["Condition"] == {"NumericLessThan": {"s3:TlsVersion": 1.2}}
    assert statements["DenyPutsWithAnotherKey"]["Condition"] == {
        "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn(deployed, data_class)}}
    assert statements["DenyReadsExceptNamedReaders"]["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-{role}"
                                              for role in (reader, "backup")]}}  # AWS Backup reads them too


def test_service_writers_are_tied_to_this_account_and_source(deployed):
    for policy in deployed.of_type("aws:s3/bucketPolicy:BucketPolicy"):
        for statement in policy.json("policy")["Statement"]:
            if statement["Effect"] == "Allow":
                assert set(statement["Principal"]) == {"Service"}
                conditions = {k: v for values in statement["Condition"].values() for k, v in values.items()}
                assert conditions.get("aws:SourceAccount") == ACCOUNT_ID or \
                    f":{ACCOUNT_ID}:" in conditions.get("aws:SourceArn", "")
                assert all(r.startswith("arn:aws:s3:::perimeter-") for r in statement["Resource"])


def test_unbounded_retention_or_no_reader_is_refused():
    common = dict(context=None, bucket_name="b", kms_key_arn="k", noncurrent_expiration_days=1)
    with pytest.raises(ValueError, match="bounded"):
        SecureBucketArgs(expiration_days=0, readers=["r"], **common)
    with pytest.raises(ValueError, match="reader"):
        SecureBucketArgs(expiration_days=30, readers=[], **common)


def test_a_name_without_room_for_its_access_log_bucket_is_refused():
    common = dict(context=None, kms_key_arn="k", expiration_days=30, noncurrent_expiration_days=1, readers=["r"])
    SecureBucketArgs(bucket_name="b" * 58, **common)
    with pytest.raises(ValueError, match="access-log bucket name would exceed 63"):
        SecureBucketArgs(bucket_name="b" * 59, **common)

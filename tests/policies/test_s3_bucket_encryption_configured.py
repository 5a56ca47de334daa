import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze_stack, resource, urn

POLICY = "s3-bucket-encryption-configured"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
BUCKET_URN = urn(BUCKET, "docs")
KEY_URN = urn(KEY, "data")
SSE_URN = urn(SSE, "docs-sse")


def key(name="data", **changes):
    inputs = {"description": "docs", "enableKeyRotation": True, "policy": UNKNOWN, **changes}
    return resource(KEY, name, {k: v for k, v in inputs.items() if v is not None})


def bucket(name="docs", type_=BUCKET, **inputs):
    return resource(type_, name, {"forceDestroy": False, "tags": UNKNOWN, **inputs})


def sse(bucket_urn=BUCKET_URN, key_urn=KEY_URN, bucket_value=UNKNOWN, key_value=UNKNOWN, type_=SSE):
    deps = {"bucket": [bucket_urn] if bucket_urn else [], "rules": [key_urn] if key_urn else []}
    return resource(type_, "docs-sse", {
        "bucket": bucket_value, "expectedBucketOwner": UNKNOWN,
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_value},
                   "bucketKeyEnabled": True}]}, property_dependencies=deps)


def compliant_stack():
    return [key(), bucket(), sse()]


def test_preview_stack_with_unknown_key_arn_from_rotated_key_passes():
    result = analyze_stack(POLICY, compliant_stack())
    assert result.clean and not result.cant_run and not result.deferred


def test_key_reached_through_an_alias_passes():
    alias = resource(ALIAS, "data-alias", {"name": "alias/perimeter-docs", "targetKeyId": UNKNOWN},
                     property_dependencies={"targetKeyId": [KEY_URN]})
    result = analyze_stack(POLICY, [key(), alias, bucket(), sse(key_urn=alias["urn"])])
    assert result.clean and not result.deferred


def test_update_phase_known_names_match_without_dependencies():
    stack = [bucket(bucket="docs-1a2b"), sse(bucket_urn=None, key_urn=None, bucket_value="docs-1a2b", key_value="arn:aws:kms:eu-west-1:111122223333:key/abc")]
    assert analyze_stack(POLICY, stack).clean


@pytest.mark.parametrize("type_", [BUCKET, BUCKET_V2])
def test_bucket_without_encryption_configuration_is_reported_on_the_bucket(type_):
    result = analyze_stack(POLICY, [key(), bucket(type_=type_)])
    assert result.urns == [urn(type_, "docs")]
    assert "no default encryption" in result.violations[0][0] and "'docs'" in result.violations[0][0]


def test_v2_configuration_token_counts():
    assert analyze_stack(POLICY, [key(), bucket(), sse(type_=SSE_V2)]).clean


# One mutation of the compliant stack per violation.
MUTATIONS = {
    "configuration-for-another-bucket": (lambda: [key(), bucket(), bucket("other"), sse(bucket_urn=urn(BUCKET, "other"))],
                                         BUCKET_URN, "no default encryption"),
    "key-rotation-off": (lambda: [key(enableKeyRotation=False), bucket(), sse()], SSE_URN, "enableKeyRotation is False"),
    "key-rotation-absent": (lambda: [key(enableKeyRotation=None), bucket(), sse()], SSE_URN, "enableKeyRotation is not set"),
    "unknown-key-not-from-a-kms-key": (lambda: [bucket(), resource("random:index/randomId:RandomId", "suffix", {}),
                                                sse(key_urn=urn("random:index/randomId:RandomId", "suffix"))],
                                       SSE_URN, "does not come from an aws.kms.Key"),
    "unknown-key-with-no-source": (lambda: [bucket(), sse(key_urn=None)], SSE_URN, "does not come from an aws.kms.Key"),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_each_violation_blocks(case):
    build, expected_urn, named = MUTATIONS[case]
    result = analyze_stack(POLICY, build())
    assert result.urns == [expected_urn] and not result.cant_run
    assert named in result.violations[0][0]


def test_inline_configuration_counts_and_its_key_is_checked():
    inline = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}}
    good = bucket(serverSideEncryptionConfiguration=inline)
    good["propertyDependencies"] = {"serverSideEncryptionConfiguration": [KEY_URN]}
    assert analyze_stack(POLICY, [key(), good]).clean
    result = analyze_stack(POLICY, [key(enableKeyRotation=False), good])
    assert result.urns == [BUCKET_URN] and "enableKeyRotation is False" in result.violations[0][0]


def test_unknown_rotation_is_deferred_on_the_configuration():
    result = analyze_stack(POLICY, [key(enableKeyRotation=UNKNOWN), bucket(), sse()])
    assert result.clean and len(result.deferred) == 1
    assert result.deferred[0]["message"] == ("BucketServerSideEncryptionConfiguration 'docs-sse': enableKeyRotation of "
                                             "KMS key 'data' is unknown at preview")
    assert result.deferred[0]["urn"] == SSE_URN


def test_violation_names_the_configuration_and_the_key():
    result = analyze_stack(POLICY, [key(enableKeyRotation=False), bucket(), sse()])
    assert ("\nBucketServerSideEncryptionConfiguration 'docs-sse' encrypts with KMS key 'data', whose "
            "enableKeyRotation is False; set enable_key_rotation=True") in result.violations[0][0]


def alias_to(key_urn, name="data-alias"):
    return resource(ALIAS, name, {"name": f"alias/{name}", "targetKeyId": UNKNOWN},
                    property_dependencies={"targetKeyId": [key_urn]})


def test_key_reached_through_an_alias_must_rotate():
    result = analyze_stack(POLICY, [key(enableKeyRotation=False), alias_to(KEY_URN), bucket(),
                                    sse(key_urn=urn(ALIAS, "data-alias"))])
    assert result.urns == [SSE_URN] and "KMS key 'data', whose enableKeyRotation is False" in result.violations[0][0]


def test_every_key_feeding_the_rules_is_checked_when_a_key_and_an_alias_both_feed_them():
    stale, fresh = key("stale", enableKeyRotation=False), key("fresh")
    configuration = sse(key_urn=None)
    configuration["propertyDependencies"] = {"bucket": [BUCKET_URN], "rules": [stale["urn"], urn(ALIAS, "fresh-alias")]}
    result = analyze_stack(POLICY, [stale, fresh, alias_to(fresh["urn"], "fresh-alias"), bucket(), configuration])
    assert result.urns == [SSE_URN] and "KMS key 'stale'" in result.violations[0][0]


def test_every_bucket_is_checked_after_a_covered_one():
    stack = [key(), bucket(), sse(), bucket("logs")]
    result = analyze_stack(POLICY, stack)
    assert result.urns == [urn(BUCKET, "logs")]


def test_update_phase_configuration_naming_the_bucket_id_covers_it():
    # A bucket named by prefix: its `bucket` input is absent, its id output is the generated name.
    named_by_prefix = bucket(bucketPrefix="docs-", id="docs-20261204abc")
    stack = [named_by_prefix, sse(bucket_urn=None, key_urn=None, bucket_value="docs-20261204abc",
                                  key_value="arn:aws:kms:eu-west-1:111122223333:key/abc")]
    assert analyze_stack(POLICY, stack).clean
    stack[1] = sse(bucket_urn=None, key_urn=None, bucket_value="other-bucket",
                   key_value="arn:aws:kms:eu-west-1:111122223333:key/abc")
    assert analyze_stack(POLICY, stack).urns == [BUCKET_URN]


def test_configuration_whose_bucket_preview_cannot_name_defers_instead_of_blocking():
    stack = [key(), bucket(), sse(bucket_urn=urn("random:index/randomId:RandomId", "suffix"))]
    result = analyze_stack(POLICY, stack)
    assert result.clean and result.deferred[0]["urn"] == BUCKET_URN


def test_missing_configuration_blocks_beside_unknown_inputs():
    unrelated = bucket(bucketPrefix=UNKNOWN, objectLockEnabled=UNKNOWN)
    result = analyze_stack(POLICY, [key(), unrelated])
    assert result.urns == [BUCKET_URN] and not result.cant_run


def test_waiver_on_the_bucket_urn():
    waiver = {"resource": "urn:pulumi:test::*::aws:s3/bucket:Bucket::docs", "reason": "Public dataset mirror, no account data",
              "approver": "ciso@example.com", "expires": "2027-06-30"}
    result = analyze_stack(POLICY, [bucket()], {"waivers": [waiver]})
    assert not result.violations and result.waived[0]["urn"] == BUCKET_URN


@pytest.mark.parametrize("type_", [SSE, SSE_V2])
def test_configuration_of_either_type_with_an_unrotated_key_is_reported_on_the_configuration(type_):
    result = analyze_stack(POLICY, [key(enableKeyRotation=False), bucket(), sse(type_=type_)])
    assert result.urns == [urn(type_, "docs-sse")]
    assert "enableKeyRotation is False" in result.violations[0][0]

"""The pack-level coverage check's own logic (the check itself runs at the end of every session)."""

from tests.policies.violation_coverage import resource_type, uncovered_types

DECLARED = {"s3_no_public_acl": ("s3-no-public-acl", ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")),
            "kms_key_rotation": ("kms-key-rotation-enabled", ("aws:kms/key:Key",))}


def test_type_comes_from_the_urn_and_its_last_parent_link():
    assert resource_type("urn:pulumi:test::perimeter::aws:s3/bucket:Bucket::data") == "aws:s3/bucket:Bucket"
    assert resource_type("urn:pulumi:test::perimeter::perimeter:x:Secure$aws:kms/key:Key::k") == "aws:kms/key:Key"


def test_a_declared_type_that_never_violated_is_a_gap_only_for_checked_rules():
    recorded = {("s3-no-public-acl", "aws:s3/bucket:Bucket"), ("kms-key-rotation-enabled", "aws:s3/bucketV2:BucketV2")}
    assert uncovered_types(DECLARED, recorded, ["s3_no_public_acl"]) == {"s3-no-public-acl": ["aws:s3/bucketV2:BucketV2"]}
    assert uncovered_types(DECLARED, recorded, ["s3_no_public_acl", "kms_key_rotation"]) == {
        "s3-no-public-acl": ["aws:s3/bucketV2:BucketV2"], "kms-key-rotation-enabled": ["aws:kms/key:Key"]}
    assert uncovered_types(DECLARED, recorded, []) == {}


def test_every_declared_type_violating_leaves_no_gap():
    recorded = {(policy, t) for policy, types in DECLARED.values() for t in types}
    assert uncovered_types(DECLARED, recorded, sorted(DECLARED)) == {}

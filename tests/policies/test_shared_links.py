"""rules/_links.py: which resource feeds which, by a recorded dependency or, once known, an equal value."""

from perimeter_policies.model import UNKNOWN, ResourceView, StackView
from perimeter_policies.rules._links import References, feeds, references, unresolved

BUCKET_TYPE = "aws:s3/bucket:Bucket"
KEY_TYPE = "aws:kms/key:Key"


def view(type_: str, name: str, props: dict, **property_dependencies: tuple[str, ...]) -> ResourceView:
    return ResourceView(type_, name, f"urn:{name}", props, property_dependencies=property_dependencies)


BUCKET = view(BUCKET_TYPE, "logs", {"bucket": "logs-bucket", "arn": "arn:aws:s3:::logs-bucket"})
KEY = view(KEY_TYPE, "key", {})


def test_a_recorded_dependency_feeds_whatever_the_value():
    referrer = view("aws:cloudtrail/trail:Trail", "trail", {}, s3BucketName=("urn:logs",))
    assert feeds(referrer, "s3BucketName", BUCKET) is True
    assert feeds(referrer, "s3BucketName", BUCKET, UNKNOWN) is True


def test_a_dependency_of_another_input_does_not_feed():
    referrer = view("aws:cloudtrail/trail:Trail", "trail", {}, kmsKeyId=("urn:logs",))
    assert feeds(referrer, "s3BucketName", BUCKET, "other", ["logs-bucket"]) is False


def test_an_equal_identity_feeds():
    referrer = view("aws:cloudtrail/trail:Trail", "trail", {})
    assert feeds(referrer, "s3BucketName", BUCKET, "logs-bucket", [5, "arn:aws:s3:::logs-bucket", "logs-bucket"]) is True


def test_no_value_or_a_different_one_does_not_feed():
    referrer = view("aws:cloudtrail/trail:Trail", "trail", {})
    assert feeds(referrer, "s3BucketName", BUCKET, "other", ["logs-bucket"]) is False
    assert feeds(referrer, "s3BucketName", BUCKET, "", [""]) is False
    assert feeds(referrer, "s3BucketName", BUCKET, None, [None]) is False
    assert feeds(referrer, "s3BucketName", BUCKET, 5, [5]) is False
    assert feeds(referrer, "s3BucketName", BUCKET, "logs-bucket") is False


def test_unresolved_is_an_unknown_not_built_from_a_target_of_the_stack():
    from_key = view("aws:sqs/queue:Queue", "queue", {"kmsMasterKeyId": UNKNOWN}, kmsMasterKeyId=("urn:key",))
    from_elsewhere = view("aws:sqs/queue:Queue", "other", {"kmsMasterKeyId": UNKNOWN}, kmsMasterKeyId=("urn:bucket",))
    stack = StackView((KEY, BUCKET, from_key, from_elsewhere))
    assert unresolved(stack, from_key, "kmsMasterKeyId", UNKNOWN, (KEY_TYPE,)) is False
    assert unresolved(stack, from_elsewhere, "kmsMasterKeyId", UNKNOWN, (KEY_TYPE,)) is True
    assert unresolved(stack, from_elsewhere, "kmsMasterKeyId", "alias/k", (KEY_TYPE,)) is False


def test_references_gather_urns_values_and_what_preview_cannot_name():
    by_dependency = view("aws:s3/bucketLogging:BucketLogging", "a", {"targetBucket": UNKNOWN}, targetBucket=("urn:logs",))
    by_value = view("aws:s3/bucketLogging:BucketLogging", "b", {"targetBucket": "named-bucket"})
    blank = view("aws:s3/bucketLogging:BucketLogging", "c", {"targetBucket": ""})
    pending = view("aws:s3/bucketLogging:BucketLogging", "d", {"targetBucket": UNKNOWN}, targetBucket=("urn:key",))
    stack = StackView((BUCKET, KEY, by_dependency, by_value, blank, pending))
    found = references(stack, [by_dependency, by_value, blank, pending], "targetBucket", (BUCKET_TYPE,))
    assert found == References(frozenset({"urn:logs", "urn:key"}), frozenset({"named-bucket"}), (pending,))


def test_references_cover_a_target_by_urn_or_by_an_identity():
    found = References(frozenset({"urn:logs"}), frozenset({"named-bucket"}), ())
    assert found.cover(BUCKET, []) is True
    other = view(BUCKET_TYPE, "other", {})
    assert found.cover(other, [7, "named-bucket"]) is True
    assert found.cover(other, ["another-bucket", None]) is False

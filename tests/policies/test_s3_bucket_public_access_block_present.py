import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze_stack, resource, urn

POLICY = "s3-bucket-public-access-block-present"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def bucket(name="data", type_=BUCKET, bucket_name="perimeter-data-1a2b3c"):
    return resource(type_, name, {"bucket": bucket_name, "forceDestroy": False})


def block_for(target, name="data", by="dependency"):
    """A block wired to `target` by property dependency (bucket=target.id) or by a literal name."""
    if by == "dependency":
        return resource(BLOCK, name, {"bucket": UNKNOWN, **FLAGS}, property_dependencies={"bucket": [target["urn"]]})
    return resource(BLOCK, name, {"bucket": target["inputs"]["bucket"], **FLAGS})


@pytest.mark.parametrize("type_", [BUCKET, BUCKET_V2])
@pytest.mark.parametrize("by", ["dependency", "name"])
def test_bucket_with_its_block_passes(type_, by):
    data = bucket(type_=type_)
    result = analyze_stack(POLICY, [data, block_for(data, by=by)])
    assert result.clean and not result.deferred


def test_bucket_with_unknown_name_is_matched_by_dependency():
    data = bucket(bucket_name=UNKNOWN)
    assert analyze_stack(POLICY, [data, block_for(data)]).clean


@pytest.mark.parametrize("stack", [
    pytest.param(lambda data, other: [data], id="no-block-at-all"),
    pytest.param(lambda data, other: [data, other, block_for(other, "other")], id="block-covers-another-bucket"),
    pytest.param(lambda data, other: [data, resource(BLOCK, "stray", {"bucket": "some-other-bucket", **FLAGS})],
                 id="block-names-another-bucket"),
])
def test_bucket_without_its_block_is_reported_on_the_bucket(stack):
    data, other = bucket(), bucket("other", bucket_name="perimeter-other-9z8y7x")
    result = analyze_stack(POLICY, stack(data, other))
    assert result.urns == [urn(BUCKET, "data")]
    assert "Bucket 'data' has no aws.s3.BucketPublicAccessBlock" in result.violations[0][0]


def test_block_with_untraceable_unknown_bucket_defers_instead_of_blocking():
    untraceable = resource(BLOCK, "from-stack-reference", {"bucket": UNKNOWN, **FLAGS})
    result = analyze_stack(POLICY, [bucket(), untraceable])
    assert result.clean and result.deferred[0]["urn"] == urn(BUCKET, "data")
    assert result.deferred[0]["message"] == ("Bucket 'data' may be covered by BucketPublicAccessBlock "
                                             "'from-stack-reference', whose bucket is unknown at preview")


def test_every_bucket_is_checked_after_a_covered_one():
    data, logs = bucket(), bucket("logs", bucket_name="perimeter-logs-4d5e6f")
    result = analyze_stack(POLICY, [data, block_for(data), logs])
    assert result.urns == [urn(BUCKET, "logs")]


def test_missing_block_still_blocks_beside_unknown_unrelated_inputs():
    data = resource(BUCKET, "data", {"bucket": UNKNOWN, "tags": UNKNOWN})
    assert analyze_stack(POLICY, [data]).urns == [urn(BUCKET, "data")]


@pytest.mark.parametrize("type_", [BUCKET, BUCKET_V2])
def test_bucket_of_either_type_without_a_block_is_reported(type_):
    data = bucket(type_=type_)
    result = analyze_stack(POLICY, [data])
    assert result.urns == [urn(type_, "data")]

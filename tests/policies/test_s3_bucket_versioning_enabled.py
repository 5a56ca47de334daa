import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "s3-bucket-versioning-enabled"
BUCKET, BUCKET_V2 = "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"
VERSIONING, VERSIONING_V2 = "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"
STACK = {
    "data": (BUCKET, {"bucket": "perimeter-data"}, {}),
    "data-versioning": (VERSIONING, {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
                        {"bucket": ["data"]}),
    "legacy": (BUCKET_V2, {"bucket": "perimeter-legacy"}, {}),
    "legacy-versioning": (VERSIONING_V2, {"bucket": "perimeter-legacy", "versioningConfiguration": {"status": "Enabled"}}, {}),
    "inline": (BUCKET, {"bucket": "perimeter-inline", "versioning": {"enabled": True}}, {}),
}


def test_versioned_buckets_pass():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("bucket, changes, drop", [
    ("data", {}, ("data-versioning",)),
    ("legacy", {"legacy-versioning": [(("bucket",), "perimeter-other")]}, ()),
    ("inline", {"inline": [(("versioning", "enabled"), False)]}, ()),
])
def test_unversioned_bucket_blocks(bucket, changes, drop):
    result = analyze_stack(POLICY, build(STACK, changes, drop))
    assert result.urns == [at(STACK, bucket)] and "has no aws.s3.BucketVersioning" in result.violations[0][0]


@pytest.mark.parametrize("name", ["data-versioning", "legacy-versioning"])
def test_suspended_versioning_blocks_on_the_versioning_resource(name):
    result = analyze_stack(POLICY, build(STACK, {name: [(("versioningConfiguration", "status"), "Suspended")]}))
    assert result.urns == [at(STACK, name)] and "is 'Suspended', not 'Enabled'" in result.violations[0][0]


def test_unknown_versioning_is_deferred():
    result = analyze_stack(POLICY, build(STACK, {"data-versioning": [(("versioningConfiguration", "status"), UNKNOWN)]}))
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, "data-versioning"), "BucketVersioning 'data-versioning': versioningConfiguration.status is unknown at preview")]
    result = analyze_stack(POLICY, build(STACK, {"inline": [(("versioning",), UNKNOWN)]}))
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, "inline"), "Bucket 'inline': its versioning is unknown at preview")]
    spec = {**STACK, "data-versioning": (VERSIONING, {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and [d["urn"] for d in result.deferred] == [at(STACK, "data")]


def test_update_phase_versioning_naming_the_bucket_id_covers_it():
    # A bucket named by prefix has no `bucket` input; its id output is the generated name.
    spec = {"prefixed": (BUCKET, {"bucketPrefix": "data-", "id": "data-20261204abc"}, {}),
            "prefixed-versioning": (VERSIONING, {"bucket": "data-20261204abc",
                                                 "versioningConfiguration": {"status": "Enabled"}}, {})}
    assert analyze_stack(POLICY, build(spec)).clean
    result = analyze_stack(POLICY, build(spec, {"prefixed-versioning": [(("bucket",), "data-other")]}))
    assert result.urns == [at(spec, "prefixed")]


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-versioning",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

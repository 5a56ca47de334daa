import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "s3-public-access-blocked"
BUCKET_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
COMPLIANT = {"bucket": UNKNOWN, **{flag: True for flag in FLAGS}}


def block(type_=BUCKET_BLOCK, **changes):
    inputs = {**COMPLIANT, **changes}
    if type_ == ACCOUNT_BLOCK:
        inputs.pop("bucket")
    return resource(type_, "data", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", [BUCKET_BLOCK, ACCOUNT_BLOCK])
def test_all_flags_on_passes_with_unknown_bucket(type_):
    result = analyze(POLICY, block(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", [BUCKET_BLOCK, ACCOUNT_BLOCK])
@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("value", [False, None], ids=["false", "absent"])
def test_each_flag_off_or_absent_blocks_and_is_named(type_, flag, value):
    result = analyze(POLICY, block(type_, **{flag: value}))
    assert len(result.violations) == 1
    message, urn = result.violations[0]
    assert f"{flag}={value!r}" in message and urn.endswith("::data")
    assert all(f"{other}=" not in message for other in FLAGS if other != flag)


def test_block_declared_without_flags_names_all_four():
    message = analyze(POLICY, block(**{flag: None for flag in FLAGS})).violations[0][0]
    assert ("BucketPublicAccessBlock 'data' leaves public access open: blockPublicAcls=None, blockPublicPolicy=None, "
            "ignorePublicAcls=None, restrictPublicBuckets=None (an absent flag defaults to false); all four flags "
            "must be true.") in message


def test_flag_off_still_blocks_when_another_flag_is_unknown():
    result = analyze(POLICY, block(blockPublicPolicy=False, ignorePublicAcls=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run
    assert "ignorePublicAcls is unknown at preview" in result.deferred[0]["message"]


def test_unknown_flag_is_deferred_not_cant_run():
    result = analyze(POLICY, block(restrictPublicBuckets=UNKNOWN))
    assert result.clean and len(result.deferred) == 1

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policy_harness import analyze, resource

POLICY = "cloudtrail-integrity"
TRAIL = "aws:cloudtrail/trail:Trail"
COMPLIANT = {"name": "audit", "s3BucketName": UNKNOWN, "kmsKeyId": UNKNOWN, "cloudWatchLogsGroupArn": UNKNOWN,
             "cloudWatchLogsRoleArn": UNKNOWN, "enableLogFileValidation": True, "isMultiRegionTrail": True,
             "includeGlobalServiceEvents": True}


def run(inputs):
    return analyze(POLICY, resource(TRAIL, "audit", inputs))


def test_compliant_trail_with_unknown_key_and_bucket_passes():
    result = run(COMPLIANT)
    assert result.clean and not result.cant_run and not result.deferred


def test_explicit_enable_logging_true_passes():
    assert run({**COMPLIANT, "enableLogging": True}).clean


MUTATIONS = [
    ("enableLogFileValidation", False, "enableLogFileValidation is False"),
    ("enableLogFileValidation", REMOVE, "enableLogFileValidation is not set (default false)"),
    ("isMultiRegionTrail", False, "isMultiRegionTrail is False"),
    ("isMultiRegionTrail", REMOVE, "isMultiRegionTrail is not set (default false)"),
    ("enableLogging", False, "enableLogging is False"),
]


@pytest.mark.parametrize("prop, value, named", MUTATIONS, ids=[f"{m[0]}={m[1]!r}" for m in MUTATIONS])
def test_each_violation_blocks(prop, value, named):
    result = run(mutated(COMPLIANT, (prop,), value))
    assert len(result.violations) == 1 and not result.cant_run
    assert named in result.violations[0][0] and "Trail 'audit'" in result.violations[0][0]


def test_bad_setting_blocks_beside_unknown_inputs():
    inputs = {**COMPLIANT, "isMultiRegionTrail": False, "name": UNKNOWN, "enableLogging": UNKNOWN,
              "eventSelectors": UNKNOWN}
    result = run(inputs)
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("prop", ["enableLogFileValidation", "isMultiRegionTrail", "enableLogging"])
def test_flags_unknown_at_preview_are_deferred(prop):
    result = run({**COMPLIANT, prop: UNKNOWN})
    assert result.clean and prop in result.deferred[0]["message"]

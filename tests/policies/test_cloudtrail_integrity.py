import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "cloudtrail-integrity"
TRAIL = resource(aws.cloudtrail.Trail, "audit", name="audit", s3_bucket_name=UNKNOWN, kms_key_id=UNKNOWN,
                 cloud_watch_logs_group_arn=UNKNOWN, cloud_watch_logs_role_arn=UNKNOWN,
                 enable_log_file_validation=True, is_multi_region_trail=True, include_global_service_events=True)


def test_compliant_trail_with_unknown_key_and_bucket_passes():
    run(POLICY, TRAIL).assert_clean()


def test_explicit_enable_logging_true_passes():
    run(POLICY, TRAIL.replace(enable_logging=True)).assert_clean()


MUTATIONS = [
    ({"enable_log_file_validation": False}, "enableLogFileValidation is False"),
    ({"enable_log_file_validation": None}, "enableLogFileValidation is not set (default false)"),
    ({"is_multi_region_trail": False}, "isMultiRegionTrail is False"),
    ({"is_multi_region_trail": None}, "isMultiRegionTrail is not set (default false)"),
    ({"enable_logging": False}, "enableLogging is False"),
]


@pytest.mark.parametrize("arguments, named", MUTATIONS, ids=[str(m[0]) for m in MUTATIONS])
def test_each_violation_blocks(arguments, named):
    run(POLICY, TRAIL.replace(**arguments)).assert_violation(named, "Trail 'audit'", on=TRAIL)


def test_bad_setting_blocks_beside_unknown_inputs():
    mixed = TRAIL.replace(is_multi_region_trail=False, name=UNKNOWN, enable_logging=UNKNOWN, event_selectors=UNKNOWN)
    run(POLICY, mixed).assert_violation("isMultiRegionTrail is False")


@pytest.mark.parametrize("prop", ["enableLogFileValidation", "isMultiRegionTrail", "enableLogging"])
def test_flags_unknown_at_preview_are_deferred(prop):
    run(POLICY, TRAIL.replace(enable_logging=True).unknown(prop)).assert_deferred(prop)


def test_waiver_waives_a_single_region_trail():
    single = TRAIL.replace(is_multi_region_trail=False)
    run(POLICY, single, waivers=[waiver(single, reason="Organization trail covers every other region")]).assert_waived()

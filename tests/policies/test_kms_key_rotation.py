import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "kms-key-rotation-enabled"
KEY = resource(aws.kms.Key, "data", description="knowledge data", enable_key_rotation=True,
               rotation_period_in_days=365, policy=UNKNOWN, deletion_window_in_days=30)


def test_compliant_key_passes_with_unknown_policy():
    run(POLICY, KEY).assert_clean()


@pytest.mark.parametrize("rotation", [False, None], ids=["off", "absent"])
def test_rotation_off_or_absent_blocks(rotation):
    run(POLICY, KEY.replace(enable_key_rotation=rotation)).assert_violation("enableKeyRotation", on=KEY)


def test_rotation_period_over_limit_blocks():
    run(POLICY, KEY.replace(rotation_period_in_days=730)).assert_violation("730 days")


def test_configured_limit_is_honoured():
    run(POLICY, KEY.replace(rotation_period_in_days=200), config={"maxRotationPeriodDays": 180}).assert_violation("200 days")


def test_unknown_rotation_flag_is_deferred_not_cant_run():
    run(POLICY, KEY.unknown("enableKeyRotation")).assert_deferred("enableKeyRotation is unknown at preview")


def test_asymmetric_key_is_out_of_scope():
    run(POLICY, KEY.replace(enable_key_rotation=False, customer_master_key_spec="RSA_2048")).assert_clean()


def test_waiver_waives_and_is_reported():
    approved = waiver(KEY, reason="HSM-backed key rotated by hand quarterly")
    result = run(POLICY, KEY.replace(enable_key_rotation=False), waivers=[approved]).assert_waived()
    assert result.waived[0]["approver"] == approved["approver"]


def test_expired_waiver_does_not_apply_and_says_why():
    expired = waiver(KEY, reason="HSM-backed key rotated by hand quarterly", days=-1)
    run(POLICY, KEY.replace(enable_key_rotation=False), waivers=[expired]).assert_violation("expired on")


def test_unknown_key_spec_is_deferred_not_a_crash():
    key = KEY.replace(enable_key_rotation=False, customer_master_key_spec="RSA_2048").unknown("customerMasterKeySpec")
    run(POLICY, key).assert_deferred("customerMasterKeySpec")


def test_unknown_key_spec_with_rotation_on_still_checks_the_period():
    key = KEY.replace(rotation_period_in_days=730, customer_master_key_spec="RSA_2048").unknown("customerMasterKeySpec")
    run(POLICY, key).assert_violation("730 days")


def test_key_that_states_the_symmetric_default_spec_must_rotate():
    key = KEY.replace(enable_key_rotation=False, customer_master_key_spec="SYMMETRIC_DEFAULT")
    run(POLICY, key).assert_violation("enableKeyRotation=False", on=KEY)


@pytest.mark.parametrize("unknown, reason", [
    ("enableKeyRotation", "enableKeyRotation is unknown at preview"),
    ("customerMasterKeySpec", "customerMasterKeySpec is unknown at preview, so whether the key must rotate is too"),
])
def test_deferral_says_exactly_what_preview_cannot_know(unknown, reason):
    key = KEY.replace(enable_key_rotation=False, customer_master_key_spec="RSA_2048") \
        if unknown == "customerMasterKeySpec" else KEY
    result = run(POLICY, key.unknown(unknown))
    assert [d["message"] for d in result.deferred] == [reason] and result.clean

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "kms-key-rotation-enabled"
COMPLIANT = {"description": "knowledge data", "enableKeyRotation": True, "rotationPeriodInDays": 365,
             "policy": UNKNOWN, "deletionWindowInDays": 30}


def key(**changes):
    inputs = {**COMPLIANT, **changes}
    return resource("aws:kms/key:Key", "data", {k: v for k, v in inputs.items() if v is not None})


def test_compliant_key_passes_with_unknown_policy():
    result = analyze(POLICY, key())
    assert result.clean and not result.deferred


@pytest.mark.parametrize("mutation", [{"enableKeyRotation": False}, {"enableKeyRotation": None}])
def test_rotation_off_or_absent_blocks(mutation):
    result = analyze(POLICY, key(**mutation))
    assert len(result.violations) == 1
    message, urn = result.violations[0]
    assert "enableKeyRotation" in message and urn.endswith("::data")


def test_rotation_period_over_limit_blocks():
    result = analyze(POLICY, key(rotationPeriodInDays=730))
    assert "730 days" in result.violations[0][0]


def test_configured_limit_is_honoured():
    assert analyze(POLICY, key(rotationPeriodInDays=200), {"maxRotationPeriodDays": 180}).violations


def test_unknown_rotation_flag_is_deferred_not_cant_run():
    result = analyze(POLICY, key(enableKeyRotation=UNKNOWN))
    assert result.clean and result.deferred[0]["message"] == "enableKeyRotation is unknown at preview"


def test_asymmetric_key_is_out_of_scope():
    assert analyze(POLICY, key(enableKeyRotation=False, customerMasterKeySpec="RSA_2048")).clean


def test_waiver_waives_and_is_reported():
    waiver = {"resource": "urn:pulumi:test::perimeter::aws:kms/key:Key::data", "reason": "HSM-backed key rotated by hand quarterly",
              "approver": "ciso@example.com", "expires": "2099-01-01"}
    result = analyze(POLICY, key(enableKeyRotation=False), {"waivers": [waiver]})
    assert not result.violations
    assert result.waived[0]["approver"] == "ciso@example.com"


def test_expired_waiver_does_not_apply_and_says_why():
    waiver = {"resource": "*::data", "reason": "HSM-backed key rotated by hand quarterly",
              "approver": "ciso@example.com", "expires": "2020-01-01"}
    result = analyze(POLICY, key(enableKeyRotation=False), {"waivers": [waiver]})
    assert "expired on 2020-01-01" in result.violations[0][0]

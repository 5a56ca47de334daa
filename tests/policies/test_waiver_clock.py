"""Waiver expiry is judged on the frozen clock, never on the day the suite happens to run."""

from perimeter_policies.waivers import evaluation_clock

from tests.policies.conftest import FROZEN_TODAY, days_from_today
from tests.policy_harness import analyze, resource

POLICY = "kms-key-rotation-enabled"
UNROTATED = resource("aws:kms/key:Key", "data", {"enableKeyRotation": False, "deletionWindowInDays": 30})


def waiver(expires: str) -> dict:
    return {"resource": "urn:pulumi:test::perimeter::aws:kms/key:Key::data",
            "reason": "HSM-backed key rotated by hand every quarter", "approver": "ciso@example.com",
            "expires": expires}


def test_rule_tests_run_on_the_frozen_date():
    assert evaluation_clock().date() == FROZEN_TODAY


def test_waiver_expiring_today_still_applies():
    result = analyze(POLICY, UNROTATED, {"waivers": [waiver(days_from_today(0))]})
    assert not result.violations and [w["expires"] for w in result.waived] == [days_from_today(0)]


def test_waiver_that_expired_yesterday_does_not_apply_and_says_so():
    result = analyze(POLICY, UNROTATED, {"waivers": [waiver(days_from_today(-1))]})
    assert not result.waived
    assert [m for m, _ in result.violations] and f"expired on {days_from_today(-1)}" in result.violations[0][0]

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "kms-key-deletion-safeguards"
KEY = "aws:kms/key:Key"
COMPLIANT = {"enableKeyRotation": True, "deletionWindowInDays": 30, "bypassPolicyLockoutSafetyCheck": False}


@pytest.mark.parametrize("inputs", [COMPLIANT, mutated(mutated(COMPLIANT, ("deletionWindowInDays",), REMOVE),
                                                       ("bypassPolicyLockoutSafetyCheck",), REMOVE)])
def test_compliant_key_passes(inputs):
    result = analyze(POLICY, resource(KEY, "data", inputs))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("path, value, named", [
    (("bypassPolicyLockoutSafetyCheck",), True, "bypassPolicyLockoutSafetyCheck is true"),
    (("deletionWindowInDays",), 6, "deletionWindowInDays is 6"),
])
def test_each_violation_blocks(path, value, named):
    result = analyze(POLICY, resource(KEY, "data", mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_minimum_is_configurable():
    inputs = mutated(COMPLIANT, ("deletionWindowInDays",), 14)
    assert len(analyze(POLICY, resource(KEY, "data", inputs), {"minDeletionWindowDays": 30}).violations) == 1


@pytest.mark.parametrize("path", [("bypassPolicyLockoutSafetyCheck",), ("deletionWindowInDays",)])
def test_unknown_values_are_deferred(path):
    result = analyze(POLICY, resource(KEY, "data", mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and [d["message"] for d in result.deferred] == [f"Key 'data': {path[0]} unknown at preview"]


def test_finding_names_both_problems_and_the_minimum():
    inputs = {**COMPLIANT, "bypassPolicyLockoutSafetyCheck": True, "deletionWindowInDays": 3}
    message = analyze(POLICY, resource(KEY, "data", inputs), {"minDeletionWindowDays": 10}).violations[0][0]
    assert ("\nKey 'data': bypassPolicyLockoutSafetyCheck is true, so a policy that locks every administrator out is "
            "accepted; deletionWindowInDays is 3.0, below 10 days.\n") in message  # numbers cross protobuf as floats


@pytest.mark.parametrize("window, clean", [(7, True), (7.0, True), (6.5, False), ("30", False), (True, False)])
def test_the_window_must_be_a_number_at_least_the_minimum(window, clean):
    result = analyze(POLICY, resource(KEY, "data", {**COMPLIANT, "deletionWindowInDays": window}))
    assert result.clean is clean and not result.cant_run


def test_waiver_applies():
    result = analyze(POLICY, resource(KEY, "data", mutated(COMPLIANT, ("deletionWindowInDays",), 7)), {"waivers": [WAIVER]})
    assert result.clean  # 7 is the floor, not a finding
    result = analyze(POLICY, resource(KEY, "data", mutated(COMPLIANT, ("bypassPolicyLockoutSafetyCheck",), True)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

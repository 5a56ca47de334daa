import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "secrets-rotation-enabled"
SECRET, ROTATION = "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretRotation:SecretRotation"
STACK = {
    "data": (SECRET, {"name": "perimeter/db", "kmsKeyId": UNKNOWN}, {}),
    "data-rotation": (ROTATION, {"secretId": UNKNOWN, "rotationLambdaArn": UNKNOWN,
                                 "rotationRules": {"automaticallyAfterDays": 30}}, {"secretId": ["data"]}),
}


def test_rotated_secret_passes():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:perimeter/db-AbCdEf"


@pytest.mark.parametrize("secret_id", [ARN, "perimeter/db"], ids=["arn", "name"])
def test_update_phase_match_by_arn_or_name(secret_id):
    spec = {"data": (SECRET, {"name": "perimeter/db", "arn": ARN}, {}),
            "data-rotation": (ROTATION, {"secretId": secret_id, "rotationRules": {"automaticallyAfterDays": 30}}, {})}
    assert analyze_stack(POLICY, build(spec)).clean
    other = {**spec, "data-rotation": (ROTATION, {"secretId": "perimeter/other"}, {})}
    assert analyze_stack(POLICY, build(other)).urns == [at(spec, "data")]


def test_update_phase_match_by_id():
    spec = {"data": (SECRET, {"namePrefix": "db-", "id": ARN}, {}),
            "data-rotation": (ROTATION, {"secretId": ARN, "rotationRules": {"automaticallyAfterDays": 30}}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


def test_every_secret_is_checked_after_a_rotated_one():
    spec = {**STACK, "api-key": (SECRET, {"name": "perimeter/api-key"}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.urns == [at(spec, "api-key")]
    assert "\nSecret 'api-key' has no aws.secretsmanager.SecretRotation.\n" in result.violations[0][0]


def test_secret_without_rotation_blocks():
    result = analyze_stack(POLICY, build(STACK, drop=("data-rotation",)))
    assert result.urns == [at(STACK, "data")] and "no aws.secretsmanager.SecretRotation" in result.violations[0][0]


def test_slow_rotation_blocks_on_the_rotation():
    result = analyze_stack(POLICY, build(STACK, {"data-rotation": [(("rotationRules", "automaticallyAfterDays"), 180)]}))
    assert result.urns == [at(STACK, "data-rotation")]
    assert ("\nSecretRotation 'data-rotation': rotationRules.automaticallyAfterDays is 180, above 90.\n"
            in result.violations[0][0])
    assert analyze_stack(POLICY, build(STACK, {"data-rotation": [(("rotationRules", "automaticallyAfterDays"), 90)]})).clean
    assert analyze_stack(POLICY, build(STACK, {"data-rotation": [(("rotationRules", "automaticallyAfterDays"), 180)]}),
                         {"maxRotationDays": 180}).clean


def test_unresolved_rotation_target_is_deferred():
    spec = {**STACK, "data-rotation": (ROTATION, {"secretId": UNKNOWN}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, "data"), "Secret 'data': a rotation's secretId is unknown at preview")]


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-rotation",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

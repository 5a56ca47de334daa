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


def test_update_phase_match_by_arn():
    arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:perimeter/db-AbCdEf"
    spec = {"data": (SECRET, {"name": "perimeter/db", "arn": arn, "id": arn}, {}),
            "data-rotation": (ROTATION, {"secretId": arn, "rotationRules": {"automaticallyAfterDays": 30}}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


def test_secret_without_rotation_blocks():
    result = analyze_stack(POLICY, build(STACK, drop=("data-rotation",)))
    assert result.urns == [at(STACK, "data")] and "no aws.secretsmanager.SecretRotation" in result.violations[0][0]


def test_slow_rotation_blocks_on_the_rotation():
    result = analyze_stack(POLICY, build(STACK, {"data-rotation": [(("rotationRules", "automaticallyAfterDays"), 180)]}))
    assert result.urns == [at(STACK, "data-rotation")] and "above 90" in result.violations[0][0]
    assert analyze_stack(POLICY, build(STACK, {"data-rotation": [(("rotationRules", "automaticallyAfterDays"), 180)]}),
                         {"maxRotationDays": 180}).clean


def test_unresolved_rotation_target_is_deferred():
    spec = {**STACK, "data-rotation": (ROTATION, {"secretId": UNKNOWN}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-rotation",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

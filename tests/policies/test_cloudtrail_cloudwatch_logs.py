import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "cloudtrail-cloudwatch-logs"
TRAIL = "aws:cloudtrail/trail:Trail"
COMPLIANT = {"s3BucketName": UNKNOWN, "isMultiRegionTrail": True, "enableLogFileValidation": True,
             "cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:111122223333:log-group:/perimeter/trail:*",
             "cloudWatchLogsRoleArn": UNKNOWN}


def test_compliant_trail_passes():
    result = analyze(POLICY, resource(TRAIL, "data", COMPLIANT))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("prop", ["cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn"])
@pytest.mark.parametrize("value", [REMOVE, ""])
def test_missing_delivery_blocks(prop, value):
    result = analyze(POLICY, resource(TRAIL, "data", mutated(COMPLIANT, (prop,), value)))
    assert len(result.violations) == 1 and f"{prop} is not set" in result.violations[0][0]


def test_outputs_unknown_at_preview_count_as_set():
    inputs = mutated(COMPLIANT, ("cloudWatchLogsGroupArn",), UNKNOWN)
    assert analyze(POLICY, resource(TRAIL, "data", inputs)).clean


def test_waiver_applies():
    result = analyze(POLICY, resource(TRAIL, "data", mutated(COMPLIANT, ("cloudWatchLogsRoleArn",), REMOVE)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


GROUP_FIX = "cloudWatchLogsGroupArn is not set; set cloud_watch_logs_group_arn=log_group.arn.apply(lambda arn: f'{arn}:*')"
ROLE_FIX = "cloudWatchLogsRoleArn is not set; set cloud_watch_logs_role_arn=delivery_role.arn"


@pytest.mark.parametrize("prop, expected", [
    ("cloudWatchLogsGroupArn", f"Trail 'data': {GROUP_FIX}."),
    ("cloudWatchLogsRoleArn", f"Trail 'data': {ROLE_FIX}."),
])
def test_finding_names_the_trail_and_the_fix(prop, expected):
    result = analyze(POLICY, resource(TRAIL, "data", mutated(COMPLIANT, (prop,), REMOVE)))
    assert [message.splitlines()[1] for message, _ in result.violations] == [expected]


def test_both_missing_is_one_finding_listing_both():
    inputs = mutated(mutated(COMPLIANT, ("cloudWatchLogsGroupArn",), REMOVE), ("cloudWatchLogsRoleArn",), None)
    result = analyze(POLICY, resource(TRAIL, "audit", inputs))
    assert [message.splitlines()[1] for message, _ in result.violations] == [f"Trail 'audit': {GROUP_FIX}; {ROLE_FIX}."]
    assert not result.deferred

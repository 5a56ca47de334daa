from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "waf-logging-enabled"
ACL, LOGGING = "aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
STACK = {
    "data": (ACL, {"scope": "REGIONAL", "defaultAction": {"block": {}}}, {}),
    "data-logging": (LOGGING, {"resourceArn": UNKNOWN, "logDestinationConfigs": [UNKNOWN]}, {"resourceArn": ["data"]}),
}


def test_logged_acl_passes():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


def test_update_phase_match_by_arn():
    arn = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/data/abc"
    spec = {"data": (ACL, {"scope": "REGIONAL", "arn": arn}, {}), "data-logging": (LOGGING, {"resourceArn": arn}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


def test_acl_without_logging_blocks():
    result = analyze_stack(POLICY, build(STACK, drop=("data-logging",)))
    assert result.urns == [at(STACK, "data")] and "WebAclLoggingConfiguration" in result.violations[0][0]


def test_logging_for_another_acl_blocks():
    spec = {**STACK, "data-logging": (LOGGING, {"resourceArn": "arn:aws:wafv2:eu-west-1:1:regional/webacl/other/x"}, {})}
    assert len(analyze_stack(POLICY, build(spec)).violations) == 1


def test_unresolved_logging_target_is_deferred():
    spec = {**STACK, "data-logging": (LOGGING, {"resourceArn": UNKNOWN}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-logging",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

import pulumi_aws as aws
import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.testing import resource, run

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


# --- WAF Classic web ACLs and WAFv2 rule groups (typed through the kit) -------------------------------

CLASSIC = [resource(cls, "edge", default_action={"type": "ALLOW"}, metric_name="edge", name="edge",
                    logging_configuration={"log_destination": UNKNOWN})
           for cls in (aws.waf.WebAcl, aws.wafregional.WebAcl)]
GROUP = resource(aws.wafv2.RuleGroup, "shared", capacity=10, scope="REGIONAL",
                 visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "shared",
                                    "sampled_requests_enabled": True})


@pytest.mark.parametrize("acl", CLASSIC, ids=["waf", "wafregional"])
def test_classic_acl_logs_to_a_destination(acl):
    run(POLICY, [acl]).assert_clean()
    run(POLICY, [acl.replace(logging_configuration={"log_destination": "arn:aws:firehose:eu-west-1:1:x"})]).assert_clean()
    for bad in (acl.replace(logging_configuration=None), acl.replace(logging_configuration={"log_destination": " "})):
        run(POLICY, [bad]).assert_violation("loggingConfiguration.logDestination", on=bad)


def test_rule_group_emits_cloudwatch_metrics():
    run(POLICY, [GROUP]).assert_clean()
    bad = GROUP.set("visibilityConfig", "cloudwatchMetricsEnabled", False)
    run(POLICY, [bad]).assert_violation("cloudwatchMetricsEnabled is not true", on=bad)
    run(POLICY, [GROUP.unknown("visibilityConfig", "cloudwatchMetricsEnabled")]).assert_deferred("cloudwatchMetricsEnabled")
    run(POLICY, [GROUP.unknown("visibilityConfig")]).assert_deferred("cloudwatchMetricsEnabled")


ACL_V2 = resource(aws.wafv2.WebAcl, "data", scope="REGIONAL", default_action={"block": {}},
                  visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "data",
                                     "sampled_requests_enabled": True})


def test_finding_and_deferral_texts_and_urns():
    bad_classic = CLASSIC[0].replace(logging_configuration=None)
    assert run(POLICY, [bad_classic]).assert_violation(on=bad_classic).finding() == (
        "WebAcl 'edge': loggingConfiguration.logDestination is not set; set "
        "logging_configuration={'log_destination': firehose.arn}.")
    bad_group = GROUP.set("visibilityConfig", "cloudwatchMetricsEnabled", False)
    assert run(POLICY, [bad_group]).assert_violation(on=bad_group).finding() == (
        "RuleGroup 'shared': visibilityConfig.cloudwatchMetricsEnabled is not true, so its rules' matches are "
        "invisible; set visibility_config={'cloudwatch_metrics_enabled': True, ...}.")
    assert run(POLICY, [ACL_V2]).assert_violation(on=ACL_V2).finding() == (
        "WebAcl 'data' has no aws.wafv2.WebAclLoggingConfiguration.")
    result = run(POLICY, [GROUP.unknown("visibilityConfig", "cloudwatchMetricsEnabled")]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (GROUP.urn, "RuleGroup 'shared': visibilityConfig.cloudwatchMetricsEnabled is unknown at preview")]
    unresolved = resource(aws.wafv2.WebAclLoggingConfiguration, "data-logging", resource_arn=UNKNOWN,
                          log_destination_configs=[UNKNOWN])
    result = run(POLICY, [ACL_V2, unresolved]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (ACL_V2.urn, "WebAcl 'data': a logging configuration's resourceArn is unknown at preview")]


def test_every_acl_is_checked_after_a_logged_one():
    logging = resource(aws.wafv2.WebAclLoggingConfiguration, "data-logging", resource_arn=UNKNOWN,
                       log_destination_configs=[UNKNOWN], property_dependencies={"resourceArn": [ACL_V2]})
    other = resource(aws.wafv2.WebAcl, "other", scope="REGIONAL", default_action={"block": {}},
                     visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "other",
                                        "sampled_requests_enabled": True})
    run(POLICY, [ACL_V2, logging]).assert_clean()
    run(POLICY, [ACL_V2, logging, other]).assert_violation("WebAcl 'other'", on=other)

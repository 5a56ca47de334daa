"""cloudwatch-alarm-actionable: a compliant baseline, one mutation per violation, unknowns, config, waivers."""

import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "cloudwatch-alarm-actionable"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:alarms"
ALARM = resource(aws.cloudwatch.MetricAlarm, "trail-changed", metric_name="cloudtrail-changed",
                 namespace="Perimeter/Security", statistic="Sum", period=300, evaluation_periods=1, threshold=1,
                 comparison_operator="GreaterThanOrEqualToThreshold", alarm_actions=[TOPIC],
                 insufficient_data_actions=[TOPIC])
MATH = resource(aws.cloudwatch.MetricAlarm, "error-rate", evaluation_periods=1, threshold=5,
                comparison_operator="GreaterThanThreshold", alarm_actions=[TOPIC], insufficient_data_actions=[TOPIC],
                metric_queries=[{"id": "rate", "expression": "100*errors/calls", "return_data": True, "period": 60},
                                {"id": "errors", "metric": {"metric_name": "Errors", "namespace": "AWS/Lambda",
                                                            "period": 60, "stat": "Sum"}},
                                {"id": "calls", "metric": {"metric_name": "Invocations", "namespace": "AWS/Lambda",
                                                           "period": 60, "stat": "Sum"}}])
SETTINGS = {"metricSettings": [{"metricName": "cloudtrail-changed", "period": 300, "threshold": 1,
                                "evaluationPeriods": 1, "comparisonOperator": "GreaterThanOrEqualToThreshold",
                                "statistic": "Sum"}]}

VIOLATIONS = [
    pytest.param({"alarm_actions": None}, "alarmActions is empty", id="no-alarm-action"),
    pytest.param({"alarm_actions": []}, "alarmActions is empty", id="empty-alarm-actions"),
    pytest.param({"alarm_actions": [" "]}, "alarmActions is empty", id="blank-alarm-action"),
    pytest.param({"insufficient_data_actions": None}, "insufficientDataActions is empty", id="no-insufficient-data"),
    pytest.param({"actions_enabled": False}, "actionsEnabled is False", id="actions-disabled"),
    pytest.param({"period": 600}, "period is 600 seconds", id="slow-period"),
]


@pytest.mark.parametrize("alarm", [ALARM, MATH], ids=["metric", "metric-math"])
def test_compliant_baseline_passes(alarm):
    run(POLICY, alarm).assert_clean()
    run(POLICY, alarm.replace(actions_enabled=True)).assert_clean()


@pytest.mark.parametrize("arguments, words", VIOLATIONS)
def test_each_mutation_is_a_violation(arguments, words):
    bad = ALARM.replace(**arguments)
    run(POLICY, bad).assert_violation(words, on=bad)


def test_every_problem_is_listed_in_one_finding():
    bad = ALARM.replace(alarm_actions=None, insufficient_data_actions=None, actions_enabled=False, period=900)
    result = run(POLICY, bad)
    result.assert_violation("alarmActions is empty", "insufficientDataActions is empty", "actionsEnabled is False",
                            "period is 900 seconds", "set alarm_actions=[topic.arn]", count=1)


@pytest.mark.parametrize("index, path", [(0, ("metricQueries", 0, "period")),
                                         (1, ("metricQueries", 1, "metric", "period"))])
def test_metric_math_periods_are_bounded(index, path):
    bad = MATH.set(*path, 3600)
    run(POLICY, bad).assert_violation(f"metricQueries[{index}]", "3600 seconds", on=bad)
    run(POLICY, MATH.unknown(*path)).assert_deferred("period")


def test_ok_actions_only_when_required():
    run(POLICY, ALARM, config={"okActionRequired": True}).assert_violation("okActions is empty", "when it recovers")
    run(POLICY, ALARM.replace(ok_actions=[TOPIC]), config={"okActionRequired": True}).assert_clean()


def test_action_requirements_are_configurable():
    bare = ALARM.replace(alarm_actions=None, insufficient_data_actions=None)
    run(POLICY, bare, config={"alarmActionRequired": False, "insufficientDataActionRequired": False}).assert_clean()
    run(POLICY, bare, config={"alarmActionRequired": False}).assert_violation("insufficientDataActions")


def test_actions_from_outputs_count_as_present():
    run(POLICY, ALARM.replace(alarm_actions=[UNKNOWN], insufficient_data_actions=UNKNOWN)).assert_clean()


@pytest.mark.parametrize("path", [("actionsEnabled",), ("period",)])
def test_unknown_setting_is_deferred(path):
    run(POLICY, ALARM.replace(actions_enabled=True).unknown(*path)).assert_deferred(path[-1])


def test_known_problem_blocks_beside_an_unknown():
    run(POLICY, ALARM.replace(alarm_actions=None).unknown("period")).assert_violation("alarmActions")


@given(st.integers(10, 86400), st.integers(10, 86400))
@settings(max_examples=40, deadline=None)
def test_period_bound_is_the_configured_maximum(period, limit):
    result = run(POLICY, ALARM.replace(period=period), config={"maxPeriodSeconds": limit})
    if period > limit:
        result.assert_violation(f"period is {period} seconds", f"at most {limit}")
    else:
        result.assert_clean()


def test_metric_settings_match_exactly():
    run(POLICY, ALARM, config=SETTINGS).assert_clean()
    for arguments, wire in [({"threshold": 5}, "threshold"), ({"evaluation_periods": 3}, "evaluationPeriods"),
                            ({"period": 60}, "period"), ({"statistic": "Maximum"}, "statistic"),
                            ({"comparison_operator": "GreaterThanThreshold"}, "comparisonOperator")]:
        bad = ALARM.replace(**arguments)
        run(POLICY, bad, config=SETTINGS).assert_violation(f"{wire} is", "alarms on cloudtrail-changed", on=bad)
        run(POLICY, bad).assert_clean()


def test_metric_settings_apply_only_to_their_metric():
    other = {"metricSettings": [{"metricName": "Errors", "threshold": 99}]}
    run(POLICY, ALARM, config=other).assert_clean()
    run(POLICY, ALARM.unknown("metricName"), config=other).assert_deferred("metricName")
    run(POLICY, ALARM.unknown("metricName")).assert_clean()
    run(POLICY, ALARM.unknown("threshold"), config=SETTINGS).assert_deferred("threshold")


def test_a_setting_absent_from_the_alarm_does_not_match():
    bad = ALARM.replace(statistic=None, extended_statistic="p99")
    run(POLICY, bad, config=SETTINGS).assert_violation("statistic is None")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = ALARM.replace(alarm_actions=None)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_finding_text_names_each_property_and_its_fix():
    bad = ALARM.replace(alarm_actions=None, insufficient_data_actions=None, actions_enabled=False, period=900)
    message = run(POLICY, bad, config={"okActionRequired": True}).violations[0][0]
    assert ("MetricAlarm 'trail-changed': actionsEnabled is False, so no action ever runs; set actions_enabled=True; "
            "alarmActions is empty, so nothing happens when it fires; set alarm_actions=[topic.arn]; "
            "insufficientDataActions is empty, so nothing happens when its metric stops reporting; "
            "set insufficient_data_actions=[topic.arn]; okActions is empty, so nothing happens when it recovers; "
            "set ok_actions=[topic.arn]; period is 900 seconds; set it to at most 300 so a breach is seen promptly."
            ) in message
    message = run(POLICY, ALARM.replace(threshold=5), config=SETTINGS).violations[0][0]
    assert "MetricAlarm 'trail-changed': threshold is 5.0; alarms on cloudtrail-changed must set threshold=1.0." in message
    message = run(POLICY, MATH.set("metricQueries", 1, "metric", "period", 3600)).violations[0][0]
    assert "MetricAlarm 'error-rate': metricQueries[1].metric.period is 3600 seconds; set it to at most 300" in message


@pytest.mark.parametrize("value", ["false", 0, None])
def test_only_false_disables_actions(value):
    result = run(POLICY, ALARM.replace(actions_enabled=True).set("actionsEnabled", value))
    if value is None:
        result.assert_clean()
    else:
        result.assert_violation(f"actionsEnabled is {value!r}")


def test_boolean_settings_never_match_numbers():
    config = {"metricSettings": [{"metricName": "cloudtrail-changed", "threshold": 1}]}
    run(POLICY, ALARM.set("threshold", True), config=config).assert_violation("threshold is True")
    run(POLICY, ALARM.set("period", True)).assert_clean()


def test_deferrals_name_the_exact_input():
    run(POLICY, ALARM.replace(actions_enabled=True).unknown("actionsEnabled")).assert_deferred(
        "MetricAlarm 'trail-changed': actionsEnabled unknown at preview")
    run(POLICY, ALARM.unknown("metricName"), config=SETTINGS).assert_deferred(
        "MetricAlarm 'trail-changed': metricName unknown at preview")


def test_an_unknown_action_list_does_not_excuse_the_others():
    bad = ALARM.replace(alarm_actions=UNKNOWN, insufficient_data_actions=None)
    run(POLICY, bad).assert_violation("insufficientDataActions is empty")


def test_every_matching_metric_setting_entry_is_applied():
    config = {"metricSettings": [{"metricName": "Errors", "threshold": 99},
                                 {"metricName": "cloudtrail-changed", "statistic": "Maximum"}]}
    run(POLICY, ALARM, config=config).assert_violation("statistic is 'Sum'; alarms on cloudtrail-changed must set "
                                                       "statistic='Maximum'")

"""cloudwatch-alarm-actionable: every CloudWatch alarm acts when it fires, promptly and as the organisation set it.

Why: an alarm is how a failing security control reaches a person (PCI DSS
10.7.2) and how automated log review raises what it found (10.4.1.1). An
`aws.cloudwatch.MetricAlarm` without `alarm_actions`, or with
`actions_enabled=False`, changes state in a console nobody watches: the
detection exists on paper only. pulumi-aws defaults `actions_enabled` to true
but every action list to empty, so a program has to name where the alarm goes.

What holds, per alarm:

- `actions_enabled` is not false;
- `alarm_actions` names at least one target (`alarmActionRequired`), and so
  do `insufficient_data_actions` (`insufficientDataActionRequired`: a metric
  that stops reporting is how a disabled control looks) and `ok_actions`
  (`okActionRequired`) when configured; defaults as AWS Config's
  CLOUDWATCH_ALARM_ACTION_CHECK (alarm and insufficient-data actions
  required, OK actions not);
- its period (top-level `period`, or each `metric_queries[].metric.period` of
  a metric-math alarm, and each query's own `period`) is at most `maxPeriodSeconds`, so a breach is seen
  within minutes;
- an alarm on a metric named in `metricSettings` has exactly the settings
  given there (`period`, `threshold`, `evaluationPeriods`,
  `comparisonOperator`, `statistic`): AWS Config's
  CLOUDWATCH_ALARM_SETTINGS_CHECK, matched on the top-level `metric_name`.

An action list unknown at preview is the ARN of a topic or function in the
stack, so it counts as present; an unknown setting is deferred.
"""

from __future__ import annotations

from numbers import Real

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._paths import EACH, expand

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
# (config flag, wire name, the pulumi-aws argument, what the action is for)
ACTION_LISTS = (
    ("alarmActionRequired", "alarmActions", "alarm_actions", "when it fires"),
    ("insufficientDataActionRequired", "insufficientDataActions", "insufficient_data_actions",
     "when its metric stops reporting"),
    ("okActionRequired", "okActions", "ok_actions", "when it recovers"),
)
# metricSettings key -> (wire name, pulumi-aws argument)
SETTINGS = {
    "period": ("period", "period"),
    "threshold": ("threshold", "threshold"),
    "evaluationPeriods": ("evaluationPeriods", "evaluation_periods"),
    "comparisonOperator": ("comparisonOperator", "comparison_operator"),
    "statistic": ("statistic", "statistic"),
}


# One entry of metricSettings: the settings alarms on that metric must have (each one given must match).
METRIC_SETTING_SCHEMA = {
    "type": "object",
    "required": ["metricName"],
    "additionalProperties": False,
    "properties": {
        "metricName": {"type": "string", "minLength": 1},
        "period": {"type": "integer", "minimum": 1},
        "threshold": {"type": "number"},
        "evaluationPeriods": {"type": "integer", "minimum": 1},
        "comparisonOperator": {"type": "string", "minLength": 1},
        "statistic": {"type": "string", "enum": ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]},
    },
}


def _action_problems(alarm: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
    enabled = alarm.get("actionsEnabled")
    if is_unknown(enabled):
        unknowns.append("actionsEnabled")
    elif enabled is not None and enabled is not True:
        problems.append(f"actionsEnabled is {enabled!r}, so no action ever runs; set actions_enabled=True")
    for flag, wire, argument, purpose in ACTION_LISTS:
        if not config[flag]:
            continue
        actions = as_list(alarm.get(wire))
        if is_unknown(actions):
            continue  # built from a topic's ARN in this stack: present
        if not any(is_unknown(a) or (isinstance(a, str) and a.strip()) for a in actions):
            problems.append(f"{wire} is empty, so nothing happens {purpose}; set {argument}=[topic.arn]")


def _period_problems(alarm: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
    limit = config["maxPeriodSeconds"]
    periods = [("period", alarm.get("period"))]
    if alarm.get("period") is None:
        periods = (expand(alarm.props, ("metricQueries", EACH, "period"))
                   + expand(alarm.props, ("metricQueries", EACH, "metric", "period")))
    for where, period in periods:
        if is_unknown(period):
            unknowns.append(where)
        elif isinstance(period, Real) and not isinstance(period, bool) and period > limit:
            problems.append(f"{where} is {period:g} seconds; set it to at most {limit:g} so a breach is seen promptly")


def _settings_problems(alarm: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
    metric = alarm.get("metricName")
    if is_unknown(metric):
        if config["metricSettings"]:
            unknowns.append("metricName")
        return
    for required in config["metricSettings"]:
        if required["metricName"] != metric:
            continue
        for key, (wire, argument) in SETTINGS.items():
            if key not in required:
                continue
            value = alarm.get(wire)
            if is_unknown(value):
                unknowns.append(wire)
            elif type(value) is bool or value != required[key]:
                problems.append(f"{wire} is {value!r}; alarms on {metric} must set {argument}={required[key]!r}")


def check(alarm: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    _action_problems(alarm, config, problems, unknowns)
    _period_problems(alarm, config, problems, unknowns)
    _settings_problems(alarm, config, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(alarm))


RULE = Rule(
    name="cloudwatch-alarm-actionable",
    description=("CloudWatch alarms keep actions enabled, notify on alarm (and on insufficient data / OK as "
                 "configured), evaluate within maxPeriodSeconds and match the organisation's per-metric settings."),
    severity="medium",
    pci_dss=("10.7.2", "10.4.1.1"),
    soc2=("CC7.2", "CC7.3"),
    remediation=("Give every aws.cloudwatch.MetricAlarm alarm_actions=[topic.arn] (and insufficient_data_actions / "
                 "ok_actions as the policy config requires), leave actions_enabled at its default True, and keep "
                 "period and the per-metric settings within the policy config."),
    check=check,
    resource_types=(METRIC_ALARM,),
    config_properties={
        "alarmActionRequired": {"type": "boolean", "description": "Every alarm names alarm_actions."},
        "insufficientDataActionRequired": {
            "type": "boolean", "description": "Every alarm names insufficient_data_actions (AWS Config's default: yes)."},
        "okActionRequired": {"type": "boolean", "description": "Every alarm names ok_actions (AWS Config's default: no)."},
        "maxPeriodSeconds": {
            "type": "integer", "minimum": 10,
            "description": "Longest period an alarm (or a metric-math query's metric) may evaluate over.",
        },
        "metricSettings": {
            "type": "array", "items": METRIC_SETTING_SCHEMA,
            "description": ("Required settings of alarms on a named metric (AWS Config's "
                            "CLOUDWATCH_ALARM_SETTINGS_CHECK): each given value must match exactly."),
        },
    },
    default_config={"alarmActionRequired": True, "insufficientDataActionRequired": True, "okActionRequired": False,
                    "maxPeriodSeconds": 300, "metricSettings": []},
    violation_example='aws.cloudwatch.MetricAlarm("errors", metric_name="Errors", ...)  # no alarm_actions',
)

"""backup-plan-retention-sufficient: a compliant plan, one mutation per violation, unknowns, waivers, the cron reader."""

import pulumi_aws as aws
import pytest
from hypothesis import given
from hypothesis import strategies as st
from perimeter_policies.rules.backup_plan_retention_sufficient import longest_gap_hours
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "backup-plan-retention-sufficient"
DAILY = {"rule_name": "daily", "target_vault_name": UNKNOWN, "schedule": "cron(0 5 ? * * *)",
         "lifecycle": {"delete_after": 35},
         "copy_actions": [{"destination_vault_arn": UNKNOWN, "lifecycle": {"delete_after": 90}}]}
PLAN = resource(aws.backup.Plan, "data", rules=[DAILY])


def plan_with(**changes):
    return PLAN.replace(rules=[{**DAILY, **changes}])


def test_compliant_plan_passes():
    run(POLICY, PLAN).assert_clean()


@pytest.mark.parametrize("changes", [
    {"lifecycle": None},                                     # kept until deleted by hand
    {"lifecycle": {"cold_storage_after": 30}},
    {"copy_actions": None},
    {"schedule": "cron(0 */6 ? * * *)"},
    {"schedule": "cron(30 5 * * ? *)"},
    {"schedule": " cron(0 0,12 ? * * *) "},
])
def test_other_compliant_rules_pass(changes):
    run(POLICY, plan_with(**changes)).assert_clean()


@pytest.mark.parametrize("changes, named", [
    ({"schedule": "cron(0 5 ? * SUN *)"}, "168 hours between backups"),
    ({"schedule": "cron(0 5 1 * ? *)"}, "744 hours"),
    ({"schedule": "cron(0 5 ? * MON-FRI *)"}, "72 hours"),
    ({"schedule": None}, "schedule is not set"),
    ({"schedule": "rate(1 day)"}, "cannot read as a run frequency"),
    ({"schedule": "cron(0 5 L * ? *)"}, "cannot read"),
    ({"schedule": "cron(0 5 ? 1 * *)"}, "cannot read"),
    ({"lifecycle": {"delete_after": 7}}, "rules[0].lifecycle.deleteAfter is 7, below 35 days"),
    ({"copy_actions": [{"destination_vault_arn": "arn:aws:backup:eu-west-1:1:backup-vault:copy",
                        "lifecycle": {"delete_after": 14}}]}, "copyActions[0].lifecycle.deleteAfter is 14"),
])
def test_each_weak_rule_blocks(changes, named):
    bad = plan_with(**changes)
    run(POLICY, bad).assert_violation(named, "rules[0]", on=bad)


def test_every_rule_is_checked_and_problems_are_listed_together():
    weekly = {**DAILY, "rule_name": "weekly", "schedule": "cron(0 5 ? * SUN *)", "lifecycle": {"delete_after": 7}}
    result = run(POLICY, PLAN.replace(rules=[DAILY, weekly])).assert_violation("rules[1].schedule", "rules[1].lifecycle")
    assert "rules[0]" not in result.violations[0][0]


def test_wrongly_typed_values_are_findings():
    run(POLICY, PLAN.set("rules", 0, "lifecycle", "deleteAfter", "35")).assert_violation("deleteAfter is '35'")
    run(POLICY, PLAN.set("rules", 0, "lifecycle", "deleteAfter", True)).assert_violation("deleteAfter is True")
    run(POLICY, PLAN.set("rules", 0, "not a rule")).assert_violation("rules[0] is 'not a rule'")
    run(POLICY, PLAN.set("rules", [])).assert_violation("Plan 'data': rules is empty;")


def test_limits_are_configurable():
    weekly = plan_with(schedule="cron(0 5 ? * SUN *)", lifecycle={"delete_after": 7},
                       copy_actions=[{"destination_vault_arn": UNKNOWN, "lifecycle": {"delete_after": 7}}])
    run(POLICY, weekly, config={"maxBackupIntervalHours": 168, "minRetentionDays": 7}).assert_clean()
    run(POLICY, weekly, config={"maxBackupIntervalHours": 167, "minRetentionDays": 7}).assert_violation("168 hours")
    run(POLICY, PLAN, config={"minRetentionDays": 36}).assert_violation("deleteAfter is 35, below 36 days")


@pytest.mark.parametrize("path, named", [
    (("rules",), "rules"),
    (("rules", 0), "rules[0]"),
    (("rules", 0, "schedule"), "rules[0].schedule"),
    (("rules", 0, "lifecycle", "deleteAfter"), "rules[0].lifecycle.deleteAfter"),
    (("rules", 0, "copyActions"), "rules[0].copyActions"),
    (("rules", 0, "copyActions", 0, "lifecycle", "deleteAfter"), "rules[0].copyActions[0].lifecycle.deleteAfter"),
])
def test_unknown_at_preview_is_deferred(path, named):
    run(POLICY, PLAN.unknown(*path)).assert_deferred(f"Plan 'data': {named} unknown at preview")


def test_known_problem_blocks_beside_an_unknown():
    run(POLICY, plan_with(schedule=UNKNOWN, lifecycle={"delete_after": 1})).assert_violation("deleteAfter is 1")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = plan_with(schedule="cron(0 5 ? * SUN *)")
    run(POLICY, bad, waivers=[waiver(bad, reason="Weekly archive plan; daily plan covers the same stores")]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


@given(st.sampled_from([1, 2, 3, 4, 6, 8, 12, 24]), st.integers(0, 59))
def test_an_hourly_step_that_divides_the_day_is_its_own_gap(step, minute):
    assert longest_gap_hours(f"cron({minute} 0/{step} ? * * *)") == step
    assert longest_gap_hours(f"cron({minute} */{step} * * ? *)") == step


@given(st.sets(st.integers(0, 23), min_size=1), st.sets(st.integers(1, 7), min_size=1))
def test_gap_is_the_longest_wait_between_runs_over_a_week(hours, weekdays):
    schedule = f"cron(0 {','.join(map(str, sorted(hours)))} ? * {','.join(map(str, sorted(weekdays)))} *)"
    runs = sorted((d - 1) * 24 + h for d in weekdays for h in hours)
    week = [r + 168 * k for k in (0, 1) for r in runs]
    assert longest_gap_hours(schedule) == max(b - a for a, b in zip(week, week[1:]))


@pytest.mark.parametrize("schedule, gap", [
    ("cron(0 * ? * * *)", 1), ("cron(15 0-23 ? * * *)", 1), ("cron(0 1-3 ? * * *)", 22),
    ("cron(0 5 28 * ? *)", 744), ("cron(0 5 1,15 * ? *)", 408), ("cron(0 5 ? * MON,THU *)", 96),
])
def test_gaps_of_common_schedules(schedule, gap):
    assert longest_gap_hours(schedule) == gap


@pytest.mark.parametrize("schedule", [None, 5, "cron(0 5 ? * *)", "cron(0 5 ? * * *", "xcron(0 5 ? * * *)",
                                      "cron(0 24 ? * * *)", "cron(0 5 ? * 8 *)", "cron(0 5 32 * ? *)", "cron(0 25 ? * * *)", "cron(0 5-3 ? * * *)",
                                      "cron(0 5 ? * FUNDAY *)", "cron(0 5 1 * MON *)", "cron(0 5 ? * 2#1 *)",
                                      "cron(0 5 29 * ? *)", "cron(0 5/0 ? * * *)", "cron(0 5 ? * * 2027)"])
def test_unreadable_schedules_have_no_gap(schedule):
    assert longest_gap_hours(schedule) is None

"""backup-plan-retention-sufficient: every backup rule runs often enough and keeps its recovery points long enough.

Why: PCI DSS 12.10.1 wants recovery ready when an incident destroys or
corrupts data, and SOC 2 A1.2 wants backups that support recovery; a plan that
backs up weekly loses up to a week of cardholder and audit data, and one that
deletes recovery points after a few days is gone before the corruption is
noticed (AWS Config BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK,
BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK: recovery points expire with
the lifecycle of the rule that made them).

Each `rules[]` entry of an `aws.backup.Plan` must have a `schedule` (AWS
Backup's six-field `cron(...)`) whose longest gap between two runs is at most
`maxBackupIntervalHours` (default 24). The gap is computed from the hour,
day-of-month and day-of-week fields (the minute field does not widen it); a
schedule this rule cannot read that way (`rate(...)`, month or year
restrictions, `L`, `W`, `#`, days of month after the 28th) is a finding,
because it cannot be shown to run often enough. A rule's `lifecycle.delete_after`,
and each copy action's, must be at least `minRetentionDays` (default 35);
without one, AWS Backup keeps recovery points until they are deleted by hand,
which passes (manual deletion is `backup-vault-deletion-protected`'s concern).
Values unknown at preview are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from types import MappingProxyType
from typing import Any, Optional

from ..model import ResourceView, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle

PLAN = "aws:backup/plan:Plan"
WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
EVERY = ("*", "?")
LAST_SAFE_DAY_OF_MONTH = 28  # every month has it; a later day is skipped in short months


def _value(text: str, names: Mapping[str, int]) -> int:
    return names[text.upper()] if text.upper() in names else int(text)


def _expand(field: str, low: int, high: int, names: Mapping[str, int] = MappingProxyType({})) -> Optional[set[int]]:
    """The values a cron field selects, or None for syntax this rule does not read (L, W, #, malformed)."""
    if field in EVERY:
        return set(range(low, high + 1))
    selected: set[int] = set()
    try:
        for item in field.split(","):
            span, _, step_text = item.partition("/")
            step = int(step_text) if step_text else 1
            if span == "*":
                first, last = low, high
            elif "-" in span:
                first_text, last_text = span.split("-")
                first, last = _value(first_text, names), _value(last_text, names)
            else:
                first = _value(span, names)
                last = high if step_text else first
            if not (low <= first <= last <= high and step >= 1):
                return None
            selected.update(range(first, last + 1, step))
    except (ValueError, KeyError):
        return None
    return selected


def longest_gap_hours(schedule: Any) -> Optional[int]:
    """The longest time between two runs of an AWS Backup cron schedule, in whole hours; None when unreadable."""
    if not isinstance(schedule, str):
        return None
    text = schedule.strip()
    if not (text.startswith("cron(") and text.endswith(")")):
        return None
    fields = text[len("cron("):-1].split()
    if len(fields) != 6:
        return None
    _minutes, hours_field, day_of_month, month, day_of_week, year = fields
    hours = _expand(hours_field, 0, 23)
    if hours is None or month != "*" or year != "*":
        return None
    if day_of_month in EVERY and day_of_week in EVERY:
        days, cycle = {1}, 1
    elif day_of_month == "?":
        weekdays = _expand(day_of_week, 1, 7, WEEKDAYS)
        if weekdays is None:
            return None
        days, cycle = weekdays, 7
    elif day_of_week == "?":
        month_days = _expand(day_of_month, 1, 31)
        if month_days is None or max(month_days) > LAST_SAFE_DAY_OF_MONTH:
            return None
        days, cycle = month_days, 31
    else:
        return None  # AWS requires one of the two day fields to be "?"
    # Only gaps matter, so day numbers need no common origin.
    runs = sorted(day * 24 + hour for day in days for hour in hours)
    wrap = cycle * 24 - runs[-1] + runs[0]
    return max([later - earlier for earlier, later in zip(runs, runs[1:])] + [wrap])


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _retention(lifecycle: Any, where: str, minimum: float, problems: list[str], unknowns: list[str]) -> None:
    delete_after = dig(lifecycle, "deleteAfter")
    if is_unknown(delete_after):
        unknowns.append(f"{where}.deleteAfter")
    elif delete_after is not None and not (_is_number(delete_after) and delete_after >= minimum):
        shown = f"{delete_after:g}" if _is_number(delete_after) else repr(delete_after)
        problems.append(f"{where}.deleteAfter is {shown}, below {minimum:g} days; "
                        f"set delete_after to at least {minimum:g} or leave it unset")


def _check_rule(rule: Any, where: str, config: Mapping, problems: list[str], unknowns: list[str]) -> None:
    if is_unknown(rule):
        unknowns.append(where)
        return
    if not isinstance(rule, Mapping):
        problems.append(f"{where} is {rule!r}, not a backup rule")
        return
    schedule, limit = rule.get("schedule"), config["maxBackupIntervalHours"]
    gap = None if is_unknown(schedule) else longest_gap_hours(schedule)
    if is_unknown(schedule):
        unknowns.append(f"{where}.schedule")
    elif gap is None:
        shown = "not set" if schedule is None else f"{schedule!r}, which this rule cannot read as a run frequency"
        problems.append(f"{where}.schedule is {shown}; set schedule to a cron(...) expression running at least "
                        f"every {limit:g} hours")
    elif gap > limit:
        problems.append(f"{where}.schedule {schedule!r} leaves up to {gap} hours between backups, more than "
                        f"{limit:g}; schedule it more often")
    minimum = config["minRetentionDays"]
    _retention(rule.get("lifecycle"), f"{where}.lifecycle", minimum, problems, unknowns)
    copies = as_list(rule.get("copyActions"))
    if is_unknown(copies):
        unknowns.append(f"{where}.copyActions")
        return
    for index, copy in enumerate(copies):
        _retention(dig(copy, "lifecycle"), f"{where}.copyActions[{index}].lifecycle", minimum, problems, unknowns)


def check(plan: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    rules = as_list(plan.get("rules"))
    if is_unknown(rules):
        unknowns.append("rules")
    elif not rules:
        problems.append("rules is empty; add a rule with a schedule and a lifecycle")
    else:
        for index, rule in enumerate(rules):
            _check_rule(rule, f"rules[{index}]", config, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(plan))


RULE = Rule(
    name="backup-plan-retention-sufficient",
    description=("Every AWS Backup plan rule runs at least every maxBackupIntervalHours and keeps recovery points "
                 "(and their copies) at least minRetentionDays."),
    severity="medium",
    pci_dss=("12.10.1", "3.2.1"),
    soc2=("A1.2",),
    remediation=("In each aws.backup.Plan rule set schedule='cron(0 5 ? * * *)' (daily or more often) and "
                 "lifecycle={'delete_after': 35} or more (also in copy_actions[].lifecycle)."),
    check=check,
    resource_types=(PLAN,),
    config_properties={
        "maxBackupIntervalHours": {"type": "integer", "minimum": 1, "maximum": 744,
                                   "description": "Longest time allowed between two scheduled backups, in hours."},
        "minRetentionDays": {"type": "integer", "minimum": 1, "maximum": 36500,
                             "description": "Fewest days a recovery point (or its copy) is kept before it expires."},
    },
    default_config={"maxBackupIntervalHours": 24, "minRetentionDays": 35},
    violation_example=('aws.backup.Plan("data", rules=[{"rule_name": "weekly", "target_vault_name": vault.name, '
                       '"schedule": "cron(0 5 ? * SUN *)", "lifecycle": {"delete_after": 7}}])'),
)

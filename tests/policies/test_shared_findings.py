"""rules/_findings.py: how every rule words a finding, a deferral and a required setting."""

import math

import pytest
from perimeter_policies.model import UNKNOWN, Deferred, ResourceView, Violation
from perimeter_policies.rules._findings import describe, require_bound, require_setting, settle, unknown_at_preview


def queue(**props) -> ResourceView:
    return ResourceView("aws:sqs/queue:Queue", "jobs", "urn:jobs", props)


def test_describe_names_the_short_type_and_the_logical_name():
    assert describe(queue()) == "Queue 'jobs'"
    assert describe(ResourceView("pulumi:providers:aws", "eu", "urn:eu", {})) == "provider 'eu'"


def test_unknown_at_preview_defers_on_the_resource():
    assert unknown_at_preview(queue(), "kmsMasterKeyId") == Deferred("Queue 'jobs': kmsMasterKeyId is unknown at preview")


def test_settle_lists_every_problem_in_one_violation_and_ignores_unknowns():
    assert list(settle(["a is off", "b is 3"], ["c"], subject="Queue 'jobs'", urn="urn:x")) == [
        Violation("Queue 'jobs': a is off; b is 3.", "urn:x")]


def test_settle_defers_naming_every_unknown():
    assert list(settle([], ["c", "d"], subject="Queue 'jobs'")) == [Deferred("Queue 'jobs': c, d unknown at preview")]


def test_settle_with_nothing_found_says_nothing():
    assert list(settle([], [], subject="Queue 'jobs'")) == []


def _setting(value=None, **props):
    problems, unknowns = [], []
    resource = queue(**props) if value is None else queue(flag=value, **props)
    require_setting(resource, "flag", True, False, "why it matters", problems, unknowns)
    return problems, unknowns


def test_require_setting_passes_exactly_the_required_value():
    assert _setting(True) == ([], [])


def test_require_setting_defers_an_unknown():
    assert _setting(UNKNOWN) == ([], ["flag"])


@pytest.mark.parametrize("value, shown", [(False, "False"), ("true", "'true'"), (1, "1")])
def test_require_setting_names_a_wrong_value(value, shown):
    assert _setting(value) == ([f"flag is {shown}, must be True: why it matters"], [])


def test_require_setting_names_the_default_of_an_absent_value():
    assert _setting() == (["flag is not set (default False), must be True: why it matters"], [])


def test_require_setting_passes_an_absent_value_whose_default_is_required():
    problems, unknowns = [], []
    require_setting(queue(), "flag", True, True, "why", problems, unknowns)
    assert (problems, unknowns) == ([], [])


def _bound(value=None, default=None, **limits):
    problems, unknowns = [], []
    resource = queue() if value is None else queue(days=value)
    require_bound(resource, "days", "retention_days", default, problems=problems, unknowns=unknowns, **limits)
    return problems, unknowns


def test_require_bound_passes_inside_and_at_the_limits():
    assert _bound(365.0, at_least=365, at_most=400) == ([], [])
    assert _bound(400, at_least=365, at_most=400) == ([], [])
    assert _bound(5) == ([], [])


def test_require_bound_defers_an_unknown():
    assert _bound(UNKNOWN, at_most=3) == ([], ["days"])


def test_require_bound_names_the_limit_crossed_as_written():
    assert _bound(400.0, at_most=365) == (["days is 400; set retention_days to at most 365"], [])
    assert _bound(7.5, at_least=30.0) == (["days is 7.5; set retention_days to at least 30"], [])


def test_require_bound_judges_an_absent_value_by_the_default():
    assert _bound(default=0, at_least=1) == (["days is not set (default 0); set retention_days to at least 1"], [])
    assert _bound(default=30, at_least=1) == ([], [])


@pytest.mark.parametrize("value, shown", [(True, "True"), ("30", "'30'"), (math.nan, "nan")])
def test_require_bound_refuses_what_is_not_a_number(value, shown):
    assert _bound(value, at_least=1, at_most=400) == ([f"days is {shown}, not a number; set retention_days"], [])


def test_require_bound_refuses_an_absent_value_whose_default_is_not_a_number():
    assert _bound(default=None, at_least=1) == (["days is not set (default None), not a number; set retention_days"], [])

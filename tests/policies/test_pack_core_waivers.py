"""Waiver validation in detail (perimeter_policies.waivers), called directly with a fixed `today`.

Each problem a security team can make in a waiver is named in words they can act on, and a waiver
that cannot apply never applies. tests/policies/test_waiver_rules.py covers the broad classes
(resource patterns, identities, the horizon); these tests pin the exact outcome of each branch.
"""

import datetime as dt

import pytest
from perimeter_policies.waivers import (
    ACTIVE,
    EXPIRED,
    MALFORMED,
    NOT_WAIVABLE,
    Waiver,
    evaluation_clock,
    parse_waivers,
    resource_problem,
    waiver_for,
    waivers_in,
)

TODAY = dt.date(2026, 11, 29)
RESOURCE = "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::exports"
VALID = {"resource": RESOURCE, "reason": "Export bucket retired with the Q1 migration", "approver": "ciso@example.com",
         "expires": "2027-03-31"}


def one(entry, *, waivable=True, max_days=365) -> Waiver:
    [waiver] = parse_waivers("bucket-private", [entry], waivable=waivable, today=TODAY, max_days=max_days)
    return waiver


def problem(**changes) -> str:
    waiver = one({**VALID, **changes})
    assert waiver.status == MALFORMED
    return waiver.problem


# --- the shape of the config ------------------------------------------------------------------------

def test_a_valid_waiver_keeps_its_fields():
    assert one(VALID) == Waiver("bucket-private", 0, RESOURCE, "Export bucket retired with the Q1 migration",
                                "ciso@example.com", "2027-03-31", ACTIVE, "")


def test_waivers_keep_their_position_and_policy():
    entries = [VALID, "not an object", {**VALID, "approver": "arn:aws:iam::111122223333:role/Security"}]
    waivers = parse_waivers("bucket-private", entries, waivable=True, today=TODAY)
    assert [(w.policy, w.index, w.status) for w in waivers] == [
        ("bucket-private", 0, ACTIVE), ("bucket-private", 1, MALFORMED), ("bucket-private", 2, ACTIVE)]
    assert waivers[1] == Waiver("bucket-private", 1, "", "", "", "", MALFORMED, "a waiver must be an object")


@pytest.mark.parametrize("entries", [{"resource": RESOURCE}, "all", 3])
def test_waivers_that_are_not_a_list_are_one_malformed_entry(entries):
    assert parse_waivers("bucket-private", entries, waivable=True, today=TODAY) == [
        Waiver("bucket-private", 0, "", "", "", "", MALFORMED, "`waivers` must be a list of objects")]


def test_no_waivers_is_an_empty_list():
    assert parse_waivers("bucket-private", None, waivable=True, today=TODAY) == []
    assert parse_waivers("bucket-private", [], waivable=True, today=TODAY) == []


# --- each field -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["resource", "reason", "approver", "expires"])
@pytest.mark.parametrize("value", [None, "", "   ", 42, ["x"], {"x": 1}])
def test_a_missing_blank_or_non_text_field_is_missing(field, value):
    assert problem(**{field: value}) == f"`{field}` is missing"


def test_a_waiver_with_no_fields_names_each_one_and_has_no_resource():
    waiver = one({})
    assert waiver.problem == "`resource` is missing; `reason` is missing; `approver` is missing; `expires` is missing"
    assert (waiver.resource, waiver.reason, waiver.approver, waiver.expires) == ("", "", "", "")
    assert waiver.describe() == "waiver #1 for bucket-private on (no resource)"


def test_every_problem_is_named_at_once():
    assert problem(reason="too short", approver="the CISO", expires="31/03/2027", ticket="SEC-1") == (
        "unknown field(s) ticket; allowed: resource, reason, approver, expires; "
        "`reason` must be at least 20 characters; "
        "`approver` 'the CISO' must be an email address or an IAM principal ARN; "
        "`expires` '31/03/2027' is not a YYYY-MM-DD date")


def test_unknown_fields_are_listed_sorted():
    assert problem(ticket="SEC-1", approvedBy="x") == (
        "unknown field(s) approvedBy, ticket; allowed: resource, reason, approver, expires")


@pytest.mark.parametrize("reason, valid", [("x" * 19, False), ("x" * 20, True), ("  " + "x" * 19 + "  ", False),
                                           ("  " + "x" * 20 + "\n", True)])
def test_a_reason_has_at_least_twenty_characters_besides_padding(reason, valid):
    waiver = one({**VALID, "reason": reason})
    assert (waiver.status, waiver.problem) == ((ACTIVE, "") if valid else
                                               (MALFORMED, "`reason` must be at least 20 characters"))
    if valid:
        assert waiver.reason == "x" * 20


def test_a_resource_that_is_not_a_urn_says_how_to_write_one():
    assert problem(resource="exports") == (
        "`resource` 'exports' must be a URN or URN glob that names the stack: "
        "urn:pulumi:<stack>::<project>::<type>::<name>")


@pytest.mark.parametrize("pattern", ["urn:pulumi:prod::perimeter::*::X", "urn:pulumi:prod::perimeter::*::x*"])
def test_a_short_resource_name_is_specific_enough(pattern):
    assert resource_problem(pattern) == ""


@pytest.mark.parametrize("expires, valid", [("2027-11-29", True), ("2027-11-30", False)])
def test_an_expiry_may_be_exactly_the_horizon_away(expires, valid):
    waiver = one({**VALID, "expires": expires})
    assert (waiver.status, waiver.problem) == ((ACTIVE, "") if valid else (
        MALFORMED, "`expires` 2027-11-30 is more than 365 days after 2026-11-29; "
                   "set an earlier date (or raise waiverMaxDays)"))


def test_an_expiry_today_applies_and_yesterday_has_expired():
    assert one({**VALID, "expires": "2026-11-29"}).status == ACTIVE
    assert (one({**VALID, "expires": "2026-11-28"}).status, one({**VALID, "expires": "2026-11-28"}).problem) == (
        EXPIRED, "expired on 2026-11-28")


def test_a_critical_policy_takes_no_waiver_even_a_valid_one():
    waiver = one(VALID, waivable=False)
    assert (waiver.status, waiver.problem) == (NOT_WAIVABLE, "policy bucket-private is critical and cannot be waived")
    assert one({}, waivable=False).status == NOT_WAIVABLE


# --- the policy's config: waivers and the horizon ----------------------------------------------------

@pytest.mark.parametrize("config", [None, [], "waivers", 3])
def test_a_config_that_is_not_an_object_has_no_waivers(config):
    assert waivers_in("bucket-private", config, waivable=True, today=TODAY) == []


def horizon(max_days) -> list[str]:
    """Which of three expiries (1, 2 and 366 days ahead) a policy with this waiverMaxDays accepts."""
    entries = [{**VALID, "expires": (TODAY + dt.timedelta(days=d)).isoformat()} for d in (1, 2, 366)]
    config = {"waivers": entries} if max_days is None else {"waivers": entries, "waiverMaxDays": max_days}
    return [w.status for w in waivers_in("bucket-private", config, waivable=True, today=TODAY)]


@pytest.mark.parametrize("max_days, statuses", [
    (None, [ACTIVE, ACTIVE, MALFORMED]),          # the default: 365 days
    (1, [ACTIVE, MALFORMED, MALFORMED]),
    (2, [ACTIVE, ACTIVE, MALFORMED]),
    (400, [ACTIVE, ACTIVE, ACTIVE]),
    (0, [ACTIVE, ACTIVE, MALFORMED]),             # not a usable horizon: the default applies
    (-30, [ACTIVE, ACTIVE, MALFORMED]),
    ("400", [ACTIVE, ACTIVE, MALFORMED]),
    (400.5, [ACTIVE, ACTIVE, MALFORMED]),
])
def test_the_horizon_is_waiver_max_days_when_it_is_a_positive_integer(max_days, statuses):
    assert horizon(max_days) == statuses


def test_waivers_in_names_the_policy_and_judges_on_the_given_day():
    [waiver] = waivers_in("bucket-private", {"waivers": [{**VALID, "expires": "2030-01-10"}]}, waivable=True,
                          today=dt.date(2030, 1, 1))
    assert (waiver.policy, waiver.status) == ("bucket-private", ACTIVE)


# --- matching a finding -----------------------------------------------------------------------------

def test_a_waiver_matches_its_urn_exactly_even_with_glob_characters_in_the_name():
    bracketed = "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::exports[1]"
    waiver = one({**VALID, "resource": bracketed})
    assert waiver.matches(bracketed) and not waiver.matches(RESOURCE)


def test_a_glob_matches_case_sensitively_and_only_what_it_names():
    waiver = one({**VALID, "resource": "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::exp*"})
    assert waiver.matches(RESOURCE)
    assert not waiver.matches(RESOURCE.replace("exports", "Exports"))
    assert not waiver.matches(RESOURCE.replace("prod", "staging"))


def test_a_waiver_without_a_resource_matches_nothing():
    assert not one({}).matches(RESOURCE) and not one({}).matches("")


def test_waiver_for_returns_the_active_waiver_and_the_matching_ones_that_cannot_apply():
    expired = one({**VALID, "expires": "2026-01-01"})
    other = one({**VALID, "resource": "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::logs"})
    active = one(VALID)
    assert waiver_for(RESOURCE, [expired, other, active]) == (active, [expired])
    assert waiver_for(RESOURCE, [expired, other]) == (None, [expired])
    assert waiver_for(RESOURCE, []) == (None, [])


def test_a_waiver_describes_itself_by_position_policy_and_resource():
    waivers = parse_waivers("bucket-private", [VALID, VALID, {}], waivable=True, today=TODAY)
    assert [w.describe() for w in waivers] == [f"waiver #1 for bucket-private on {RESOURCE}",
                                               f"waiver #2 for bucket-private on {RESOURCE}",
                                               "waiver #3 for bucket-private on (no resource)"]


# --- the evaluation clock ---------------------------------------------------------------------------

def test_without_source_date_epoch_the_clock_is_now_in_utc_in_whole_seconds():
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    clock = evaluation_clock({})
    after = dt.datetime.now(dt.timezone.utc)
    assert clock.tzinfo == dt.timezone.utc and clock.microsecond == 0
    assert before <= clock <= after


def test_source_date_epoch_is_an_instant_in_utc():
    assert evaluation_clock({"SOURCE_DATE_EPOCH": "1795953600"}) == dt.datetime(2026, 11, 29, 12, 0,
                                                                               tzinfo=dt.timezone.utc)
    assert evaluation_clock({"SOURCE_DATE_EPOCH": "1795953600"}).tzinfo == dt.timezone.utc


def test_a_bad_source_date_epoch_is_quoted_at_most_forty_characters():
    with pytest.raises(ValueError) as raised:
        evaluation_clock({"SOURCE_DATE_EPOCH": "9" * 30 + "x" * 30})
    assert str(raised.value) == (f"SOURCE_DATE_EPOCH={'9' * 30 + 'x' * 10!r} must be whole seconds since 1970 "
                                 "(0 to 253402300799): unset it or set a valid time")

"""Waivers mean something: one validation (perimeter_policies.waivers) for the pack, preview and evidence."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from perimeter_policies.waivers import ACTIVE, EXPIRED, MALFORMED, evaluation_clock, parse_waivers, waivers_in

TODAY = dt.date(2026, 11, 29)
VALID = {"resource": "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::legacy-*",
         "reason": "Legacy export bucket, decommissioned in Q1", "approver": "ciso@example.com", "expires": "2027-03-31"}


def status(**changes) -> tuple[str, str]:
    waiver = parse_waivers("p", [{**VALID, **changes}], waivable=True, today=TODAY)[0]
    return waiver.status, waiver.problem


def test_a_complete_waiver_is_active():
    assert status() == (ACTIVE, "")


@pytest.mark.parametrize("resource", [
    "*", "**", "*::naked", "urn:pulumi:*::perimeter::aws:s3/bucket:Bucket::x", "urn:pulumi:::p::t::n",
    "urn:pulumi:prod::perimeter::*::*", "urn:pulumi:prod::perimeter", "naked"])
def test_a_resource_must_name_a_stack_and_a_type_or_name(resource):
    state, problem = status(resource=resource)
    assert state == MALFORMED and "`resource`" in problem


@pytest.mark.parametrize("resource", [
    "urn:pulumi:prod::perimeter::*::legacy-bucket", "urn:pulumi:prod::*::aws:kms/key:Key::*",
    "urn:pulumi:staging::perimeter::*aws:cloudwatch/logGroup:LogGroup::legacy-*"])
def test_stack_scoped_patterns_are_accepted(resource):
    assert status(resource=resource) == (ACTIVE, "")


@given(approver=st.text(max_size=30).filter(lambda s: "@" not in s and not s.startswith("arn:")))
def test_an_approver_must_be_an_identity(approver):
    state, problem = status(approver=approver)
    assert state == MALFORMED and ("`approver`" in problem)


@pytest.mark.parametrize("approver", ["ciso@example.com", "arn:aws:iam::111122223333:role/SecurityLead",
                                      "arn:aws:sts::111122223333:assumed-role/Security/alice"])
def test_emails_and_principal_arns_are_identities(approver):
    assert status(approver=approver) == (ACTIVE, "")


@given(days=st.integers(min_value=366, max_value=3_000_000))
def test_an_expiry_beyond_the_horizon_is_malformed(days):
    expires = (TODAY + dt.timedelta(days=min(days, (dt.date.max - TODAY).days))).isoformat()
    state, problem = status(expires=expires)
    assert state == MALFORMED and "more than 365 days after 2026-11-29" in problem


def test_the_horizon_is_configurable_per_policy_and_an_old_expiry_is_expired():
    far = {**VALID, "expires": "2028-06-30"}
    assert waivers_in("p", {"waivers": [far]}, waivable=True, today=TODAY)[0].status == MALFORMED
    assert waivers_in("p", {"waivers": [far], "waiverMaxDays": 730}, waivable=True, today=TODAY)[0].status == ACTIVE
    assert status(expires="2026-11-28") == (EXPIRED, "expired on 2026-11-28")


def test_unknown_fields_are_malformed_and_named():
    state, problem = status(approvedBy="someone")
    assert state == MALFORMED and "unknown field(s) approvedBy" in problem


@pytest.mark.parametrize("epoch, expected", [("0", "1970-01-01"), ("1795953600", "2026-11-29"),
                                             ("253402300799", "9999-12-31")])
def test_the_evaluation_clock_reads_source_date_epoch(epoch, expected):
    assert evaluation_clock({"SOURCE_DATE_EPOCH": epoch}).date().isoformat() == expected


@pytest.mark.parametrize("epoch", ["253402300800", "-1", "1.5", "", "١٢٣"])
def test_an_unusable_source_date_epoch_is_refused(epoch):
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        evaluation_clock({"SOURCE_DATE_EPOCH": epoch})

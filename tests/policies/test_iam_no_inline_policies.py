"""iam-no-inline-policies: compliant roles, one violation per inline form, unknowns, waivers."""

import json

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "iam-no-inline-policies"
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ROLE = resource(aws.iam.Role, "app", name="app", assume_role_policy=TRUST)

VIOLATIONS = [
    pytest.param(resource(aws.iam.RolePolicy, "app", role="app", policy=DOCUMENT), "is an inline policy",
                 id="role-policy"),
    pytest.param(resource(aws.iam.GroupPolicy, "ops", group="ops", policy=DOCUMENT), "is an inline policy",
                 id="group-policy"),
    pytest.param(ROLE.replace(inline_policies=[{"name": "read", "policy": DOCUMENT}]), "inlinePolicies[0]",
                 id="role-inline-policies"),
    pytest.param(ROLE.replace(inline_policies=[{}, {"name": "read", "policy": UNKNOWN}]), "inlinePolicies[1]",
                 id="role-inline-policy-from-outputs"),
    pytest.param(ROLE.replace(inline_policies=[{"name": "named-only"}]), "inlinePolicies[0]", id="name-only"),
]


@pytest.mark.parametrize("role", [
    ROLE,
    ROLE.replace(inline_policies=[{}]),  # one empty block: pulumi-aws removes out-of-band inline policies
    ROLE.replace(managed_policy_arns=["arn:aws:iam::111122223333:policy/app-permissions"]),
], ids=["no-inline-policies", "empty-block-clears-them", "managed-only"])
def test_roles_without_inline_policies_pass(role):
    run(POLICY, role).assert_clean()


def test_attachments_and_managed_policies_are_not_evaluated():
    for compliant in (resource(aws.iam.Policy, "app", name="app-permissions", policy=DOCUMENT),
                      resource(aws.iam.RolePolicyAttachment, "app", role="app", policy_arn=UNKNOWN)):
        assert run(POLICY, compliant).clean and not run(POLICY, compliant).deferred


@pytest.mark.parametrize("bad, words", VIOLATIONS)
def test_each_inline_form_is_a_violation(bad, words):
    run(POLICY, bad).assert_violation(words, "aws.iam.Policy", on=bad)


def test_unknown_inline_policies_are_deferred():
    run(POLICY, ROLE.replace(inline_policies=UNKNOWN)).assert_deferred("inlinePolicies")
    run(POLICY, ROLE.replace(inline_policies=[{}, UNKNOWN])).assert_deferred("inlinePolicies[1]")


def test_a_declared_policy_blocks_beside_an_unknown_entry():
    bad = ROLE.replace(inline_policies=[UNKNOWN, {"name": "read", "policy": DOCUMENT}])
    run(POLICY, bad).assert_violation("inlinePolicies[1]")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = resource(aws.iam.RolePolicy, "app", role="app", policy=DOCUMENT)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_finding_lists_every_declared_entry():
    bad = ROLE.replace(inline_policies=[{"name": "read", "policy": DOCUMENT}, {}, {"name": "write", "policy": DOCUMENT}])
    (message, _), = run(POLICY, bad).violations
    assert message.splitlines()[1] == (
        "Role 'app' declares inline policies (inlinePolicies[0], inlinePolicies[2]); move its document into an "
        "aws.iam.Policy and attach it with aws.iam.RolePolicyAttachment (GroupPolicyAttachment for a group).")


def test_blank_and_null_entries_clear_rather_than_declare():
    run(POLICY, ROLE.replace(inline_policies=[{}]).set("inlinePolicies", [None, {"name": "", "policy": ""}])).assert_clean()
    # An entry that is not an object is not the clearing block: it is reported.
    bad = ROLE.replace(inline_policies=[{}]).set("inlinePolicies", ["read"])
    run(POLICY, bad).assert_violation("inlinePolicies[0]")


def test_deferral_text_for_an_unknown_list():
    assert run(POLICY, ROLE.replace(inline_policies=UNKNOWN)).deferred == [
        {"message": "Role 'app': inlinePolicies is unknown at preview", "urn": ROLE.urn}]

"""iam-group-membership-complete: a compliant stack, one mutation per violation, unknowns, waivers."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, raw, resource, run, waiver

POLICY = "iam-group-membership-complete"
AUDITORS = resource(aws.iam.Group, "auditors", name="auditors")
OPERATORS = resource(aws.iam.Group, "operators", name="operators")
ALICE = resource(aws.iam.User, "alice", name="alice")
BOB = resource(aws.iam.User, "bob", name="bob")
# One membership of each kind: by output reference (preview) and by name (literal).
AUDIT_MEMBERS = resource(aws.iam.GroupMembership, "auditors", group=UNKNOWN, users=[UNKNOWN], name="auditors",
                         property_dependencies={"group": [AUDITORS], "users": [ALICE]})
BOB_GROUPS = resource(aws.iam.UserGroupMembership, "bob", user="bob", groups=["operators"])
STACK = [AUDITORS, OPERATORS, ALICE, BOB, AUDIT_MEMBERS, BOB_GROUPS]


def test_compliant_stack_passes():
    run(POLICY, STACK).assert_clean()


def without(*dropped):
    return [r for r in STACK if r not in dropped]


@pytest.mark.parametrize("dropped, subject, words", [
    ((AUDIT_MEMBERS,), AUDITORS, "has no members"),
    ((BOB_GROUPS,), OPERATORS, "has no members"),
])
def test_group_without_members_blocks(dropped, subject, words):
    stack = [r for r in without(*dropped) if r.type != "aws:iam/user:User"]
    run(POLICY, stack).assert_violation(words, on=subject)


@pytest.mark.parametrize("dropped, subject", [((AUDIT_MEMBERS,), ALICE), ((BOB_GROUPS,), BOB)])
def test_user_in_no_group_blocks(dropped, subject):
    stack = [r for r in without(*dropped) if r.type != "aws:iam/group:Group"]
    run(POLICY, stack).assert_violation("belongs to no group", on=subject)


def test_empty_membership_lists_do_not_count():
    empty_users = AUDIT_MEMBERS.replace(users=[])
    run(POLICY, [AUDITORS, empty_users]).assert_violation("has no members", on=AUDITORS)
    no_groups = BOB_GROUPS.replace(groups=[])
    run(POLICY, [BOB, no_groups]).assert_violation("belongs to no group", on=BOB)


def test_membership_matched_by_name_once_known():
    by_name = resource(aws.iam.GroupMembership, "ops", group="operators", users=["alice"], name="ops")
    run(POLICY, [OPERATORS, ALICE, by_name]).assert_clean()
    elsewhere = by_name.replace(group="other", users=["carol"])
    run(POLICY, [OPERATORS, elsewhere]).assert_violation("has no members", on=OPERATORS)
    run(POLICY, [ALICE, elsewhere]).assert_violation("belongs to no group", on=ALICE)


def test_unresolved_reference_is_deferred():
    unresolved = resource(aws.iam.GroupMembership, "ops", group=UNKNOWN, users=[UNKNOWN], name="ops")
    run(POLICY, [OPERATORS, unresolved]).assert_deferred("membership's reference is unknown")
    run(POLICY, [ALICE, unresolved]).assert_deferred("membership's reference is unknown")
    # Resolved to a group of this stack: a user it does not name still blocks.
    resolved = resource(aws.iam.GroupMembership, "ops", group=UNKNOWN, users=["carol"], name="ops",
                        property_dependencies={"group": [OPERATORS]})
    run(POLICY, [OPERATORS, ALICE, resolved]).assert_violation("belongs to no group", on=ALICE)


def test_unknown_member_list_counts_as_members():
    unknown_users = resource(aws.iam.GroupMembership, "ops", group=UNKNOWN, users=UNKNOWN, name="ops",
                             property_dependencies={"group": [OPERATORS]})
    run(POLICY, [OPERATORS, unknown_users]).assert_clean()
    unknown_groups = resource(aws.iam.UserGroupMembership, "bob", user="bob", groups=UNKNOWN)
    run(POLICY, [BOB, unknown_groups]).assert_clean()


def test_waiver_waives_and_expired_waiver_does_not():
    run(POLICY, [AUDITORS], waivers=[waiver(AUDITORS)]).assert_waived()
    run(POLICY, [AUDITORS], waivers=[waiver(AUDITORS, days=-1)]).assert_violation("expired on")


def test_findings_name_the_fix():
    result = run(POLICY, [AUDITORS, ALICE])
    assert [(message.splitlines()[1], where) for message, where in result.violations] == [
        ("Group 'auditors' has no members: add aws.iam.GroupMembership(group=group.name, users=[...]) or delete the "
         "group.", AUDITORS.urn),
        ("User 'alice' belongs to no group: add aws.iam.UserGroupMembership(user=user.name, groups=[...]) so its "
         "access comes from a job-function group.", ALICE.urn),
    ]


def test_deferral_is_on_the_resource_it_concerns():
    unresolved = resource(aws.iam.GroupMembership, "ops", group=UNKNOWN, users=[UNKNOWN], name="ops")
    assert run(POLICY, [OPERATORS, unresolved]).deferred == [
        {"message": "Group 'operators': a membership's reference is unknown at preview", "urn": OPERATORS.urn}]


def test_resources_known_only_by_their_id_are_matched():
    # Read back after creation without the name input (autonamed): the id is the name.
    group = raw("aws:iam/group:Group", "operators", {"id": "operators"})
    user = raw("aws:iam/user:User", "alice", {"id": "alice"})
    by_name = resource(aws.iam.GroupMembership, "ops", group="operators", users=["alice"], name="ops")
    run(POLICY, [group, user, by_name]).assert_clean()

"""iam-group-membership-complete: every IAM group in the stack has a member, and every IAM user is in a group.

Why: PCI DSS 7.2.1/7.2.2 want access assigned by job function. Where a
program still declares IAM users (the pack steers people to roles and
federation: `iam-user-no-credentials`, `iam-user-no-policies`), their access
comes from the groups that model those job functions, so a user in no group
is an identity whose access nobody assigned (or assigned outside the model),
and a group with no member is a grant nobody reviews until someone is quietly
added to it. AWS Config checks the same pair (IAM_GROUP_HAS_USERS_CHECK,
IAM_USER_GROUP_MEMBERSHIP_CHECK).

Memberships are `aws.iam.GroupMembership` (`group`, `users`) and
`aws.iam.UserGroupMembership` (`user`, `groups`) in the same program, matched
by output reference or, once known, by name. This is stricter than Config,
which also sees memberships other programs made: declare them beside the user
or the group. A membership whose user or group preview cannot name defers
the check to `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Deferred, ResourceView, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe

GROUP = "aws:iam/group:Group"
USER = "aws:iam/user:User"
GROUP_MEMBERSHIP = "aws:iam/groupMembership:GroupMembership"
USER_GROUP_MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"


class _Side:
    """What one side of the memberships (groups or users) points at, through one input of each membership type."""

    def __init__(self, stack: StackView, target_type: str, links: Iterable[tuple[ResourceView, str]]) -> None:
        self.urns: set[str] = set()
        self.names: set[str] = set()
        self.pending = False
        for membership, prop in links:
            self.urns.update(membership.property_dependencies.get(prop, ()))
            values = as_list(membership.get(prop))
            named = values if not is_unknown(values) else [values]
            self.names.update(v for v in named if isinstance(v, str) and v)
            if any(is_unknown(v) for v in named) and not any(
                    r.type == target_type for r in stack.sources_of(membership, prop)):
                self.pending = True

    def covers(self, resource: ResourceView) -> bool:
        return resource.urn in self.urns or any(
            isinstance(identity, str) and identity in self.names for identity in (resource.get("name"), resource.get("id")))


def _with_members(memberships: list[ResourceView], prop: str) -> list[ResourceView]:
    """Memberships that list at least one member on the other side (an unknown list counts)."""
    def listed(value: Any) -> bool:
        values = as_list(value)
        return is_unknown(values) or bool(values)
    return [m for m in memberships if listed(m.get(prop))]


def check(stack: StackView, config):
    group_memberships = stack.of_type(GROUP_MEMBERSHIP)
    user_memberships = stack.of_type(USER_GROUP_MEMBERSHIP)
    grouped = _Side(stack, GROUP, [(m, "group") for m in _with_members(group_memberships, "users")]
                    + [(m, "groups") for m in user_memberships])
    members = _Side(stack, USER, [(m, "users") for m in group_memberships]
                    + [(m, "user") for m in _with_members(user_memberships, "groups")])
    for group in stack.of_type(GROUP):
        yield from _outcome(group, grouped, "has no members: add aws.iam.GroupMembership(group=group.name, "
                                            "users=[...]) or delete the group")
    for user in stack.of_type(USER):
        yield from _outcome(user, members, "belongs to no group: add aws.iam.UserGroupMembership(user=user.name, "
                                           "groups=[...]) so its access comes from a job-function group")


def _outcome(resource: ResourceView, side: _Side, problem: str):
    if side.covers(resource):
        return
    if side.pending:
        yield Deferred(f"{describe(resource)}: a membership's reference is unknown at preview", resource.urn)
    else:
        yield Violation(f"{describe(resource)} {problem}.", resource.urn)


RULE = Rule(
    name="iam-group-membership-complete",
    description="Every IAM group in the stack has a member, and every IAM user belongs to a group.",
    severity="low",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.2", "CC6.3"),
    remediation=("Declare the membership beside the user or group: aws.iam.UserGroupMembership(user=user.name, "
                 "groups=[group.name]) or aws.iam.GroupMembership(group=group.name, users=[user.name]); delete "
                 "groups nobody belongs to."),
    check=check,
    resource_types=(GROUP, USER),
    scope="stack",
    violation_example='aws.iam.Group("auditors")  # no aws.iam.GroupMembership or UserGroupMembership names it',
)

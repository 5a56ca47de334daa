"""iam-no-inline-policies: roles and groups get permissions from customer-managed policies, never inline ones.

Why: PCI DSS 7.2.1/7.2.2 want access defined, reviewed and approved by job
function, and SOC 2 CC8.1 wants changes to it controlled. An inline policy
(`aws.iam.RolePolicy`, `GroupPolicy`, or an entry of a Role's
`inline_policies`) exists only inside its principal: IAM keeps no versions of
it (a bad edit cannot be rolled back, a past grant cannot be shown to an
auditor), access reviews and IAM Access Analyzer's policy listings miss it,
and the same grant is copied from role to role instead of shared. A
customer-managed `aws.iam.Policy` attached with `RolePolicyAttachment` /
`GroupPolicyAttachment` is versioned (five versions kept), listed, and
reusable. AWS Config's IAM_NO_INLINE_POLICY_CHECK flags the same on users,
roles and groups; inline user policies are `iam-user-no-policies`' finding
(users get no policies at all), so they are not reported twice.

A Role's `inline_policies` holding one empty block (no name, no policy) is
pulumi-aws's way of *removing* out-of-band inline policies and passes; an
entry unknown at preview is deferred.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
FIX = ("move its document into an aws.iam.Policy and attach it with aws.iam.RolePolicyAttachment "
       "(GroupPolicyAttachment for a group)")


def _declares_policy(entry) -> bool:
    """An inline_policies entry that writes a policy (not the empty block that clears them)."""
    if not isinstance(entry, Mapping):
        return entry is not None
    return any(value is not None and value != "" for value in entry.values())


def check(resource: ResourceView, config):
    if resource.type != ROLE:
        yield Violation(f"{describe(resource)} is an inline policy; {FIX}.")
        return
    entries = as_list(resource.get("inlinePolicies"))
    if is_unknown(entries):
        yield unknown_at_preview(resource, "inlinePolicies")
        return
    unknown = [i for i, entry in enumerate(entries) if is_unknown(entry)]
    declared = [i for i, entry in enumerate(entries) if not is_unknown(entry) and _declares_policy(entry)]
    if declared:
        where = ", ".join(f"inlinePolicies[{i}]" for i in declared)
        yield Violation(f"{describe(resource)} declares inline policies ({where}); {FIX}.")
    elif unknown:
        yield unknown_at_preview(resource, f"inlinePolicies[{unknown[0]}]")


RULE = Rule(
    name="iam-no-inline-policies",
    description="IAM roles and groups must not have inline policies; use customer-managed policies and attachments.",
    severity="medium",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.3", "CC8.1"),
    remediation=("Replace aws.iam.RolePolicy / GroupPolicy and Role inline_policies with an aws.iam.Policy "
                 "(policy=the same document) and an aws.iam.RolePolicyAttachment(role=role.name, "
                 "policy_arn=policy.arn) or GroupPolicyAttachment."),
    check=check,
    resource_types=(ROLE_POLICY, GROUP_POLICY, ROLE),
    violation_example='aws.iam.RolePolicy("app", role=role.id, policy=document)',
)

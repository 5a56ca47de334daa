"""iam-user-no-policies: permissions go to roles (or groups), never straight to IAM users.

Why: PCI DSS 7.2.1/7.2.2 want access assigned by job function. A policy
attached to one user (inline `aws.iam.UserPolicy`, `UserPolicyAttachment`,
or a `PolicyAttachment` listing users) is access granted to a person or a
long-lived machine identity rather than to a role, which nobody reviews as a
job function and which outlives the need. Workloads assume roles; people come
through the identity provider into roles.
"""

from __future__ import annotations

from ..model import ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

USER_POLICY = "aws:iam/userPolicy:UserPolicy"
USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"


def check(resource: ResourceView, config):
    if resource.type != POLICY_ATTACHMENT:
        yield Violation(f"{describe(resource)} grants permissions directly to an IAM user.")
        return
    users = as_list(resource.get("users"))
    if is_unknown(users):
        yield unknown_at_preview(resource, "users")
    elif users:
        yield Violation(f"{describe(resource)} attaches its policy to IAM users ({len(users)} listed in users).")


RULE = Rule(
    name="iam-user-no-policies",
    description="IAM users must not have inline or attached policies; grant permissions to roles.",
    severity="high",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.2", "CC6.3"),
    remediation=("Attach the policy to an aws.iam.Role assumed by the workload or, for people, to a role reached "
                 "through the identity provider (IAM Identity Center); drop users= from aws.iam.PolicyAttachment."),
    check=check,
    resource_types=(USER_POLICY, USER_POLICY_ATTACHMENT, POLICY_ATTACHMENT),
    violation_example=('aws.iam.UserPolicyAttachment("ops", user=user.name, '
                       'policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")'),
)

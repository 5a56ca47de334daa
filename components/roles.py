"""An IAM role with exactly one customer-managed policy: the shape every Perimeter role takes.

Customer-managed (not inline) so IAM versions every change to the
permissions, access reviews and Access Analyzer list them, and the policy
pack's `iam-no-inline-policies` holds. The policy is named after its role and
attached to it alone, so it still lives and dies with the role. Names are
fixed so ARNs are known at preview.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# Role sessions for people and workloads stay short; one hour is the IAM default floor.
MAX_SESSION_SECONDS = 3600


@dataclass
class ScopedRole:
    role: aws.iam.Role
    permissions: aws.iam.Policy
    # The attachment puts the permissions in force: a resource that needs them depends on `policy`.
    policy: aws.iam.RolePolicyAttachment

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.role.arn


def scoped_role(
    resource_name: str,
    *,
    role_name: str,
    description: str,
    trust_policy: pulumi.Input[str],
    permissions: pulumi.Input[str],
    parent: pulumi.Resource,
) -> ScopedRole:
    role = aws.iam.Role(
        resource_name,
        name=role_name,
        description=description,
        assume_role_policy=trust_policy,
        max_session_duration=MAX_SESSION_SECONDS,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    policy = aws.iam.Policy(
        resource_name,
        name=f"{role_name}-permissions",
        description=f"Permissions of the {role_name} role: {description}",
        policy=permissions,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    attachment = aws.iam.RolePolicyAttachment(
        resource_name,
        role=role.name,
        policy_arn=policy.arn,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return ScopedRole(role, policy, attachment)

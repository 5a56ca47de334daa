"""An IAM role with exactly one inline policy: the shape every Perimeter role takes.

Inline (not managed) so the permissions live and die with the role and are
reviewed together with it. Names are fixed so ARNs are known at preview.
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
    policy: aws.iam.RolePolicy

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
    policy = aws.iam.RolePolicy(
        resource_name,
        name=f"{role_name}-permissions",
        role=role.name,
        policy=permissions,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return ScopedRole(role, policy)

"""iam-no-admin-managed-policy: no AWS-managed administrator or full-access policy is attached.

Why: `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess` and the
`<Service>FullAccess` family grant every action of a service (or of all of
them) on every resource. Attached to a role, user or group they undo least
privilege in one line (PCI DSS 7.2.1, 7.2.2, 7.2.5); AWS also changes them
over time, so what they grant is not ours to review.

An AWS-managed policy is an ARN `arn:<partition>:iam::aws:policy/[path/]<name>`;
its name is matched, case-sensitively, against `deniedPolicyNames`
(shell-style patterns, configurable). Customer-managed policies are
`iam-policy-least-privilege`'s job. Read from `policy_arn` on
`RolePolicyAttachment`, `UserPolicyAttachment`, `GroupPolicyAttachment`,
`PolicyAttachment`, and from a Role's `managed_policy_arns`. An ARN unknown
at preview is a policy created in this stack, not an AWS-managed one, whose
content the document rules check; it is still re-checked at `pulumi up`.
"""

from __future__ import annotations

import fnmatch
import re

from ..model import ResourceView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

POLICY_ARN, MANAGED_POLICY_ARNS = "policyArn", "managedPolicyArns"
ARN_INPUTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": POLICY_ARN,
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": POLICY_ARN,
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": POLICY_ARN,
    "aws:iam/policyAttachment:PolicyAttachment": POLICY_ARN,
    "aws:iam/role:Role": MANAGED_POLICY_ARNS,
}
DENIED_POLICY_NAMES = ("AdministratorAccess", "AdministratorAccess-*", "PowerUserAccess", "IAMFullAccess",
                       "*FullAccess", "*FullAccess-*", "*_FullAccess", "*_FullAccess-*")
_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?([^/]+)$")


def check(resource: ResourceView, config):
    prop = ARN_INPUTS[resource.type]
    arns = as_list(resource.get(prop))
    if is_unknown(arns):
        yield unknown_at_preview(resource, prop)
        return
    for arn in arns:
        if is_unknown(arn):
            yield unknown_at_preview(resource, prop)
            continue
        managed = _AWS_MANAGED.match(arn.strip()) if isinstance(arn, str) else None
        if managed and any(fnmatch.fnmatchcase(managed.group(1), p) for p in config["deniedPolicyNames"]):
            yield Violation(f"{describe(resource)}: {prop} attaches the AWS-managed policy {arn!r}, which grants "
                            "administrator or full access.")


RULE = Rule(
    name="iam-no-admin-managed-policy",
    description="AWS-managed administrator and full-access policies must not be attached to roles, users or groups.",
    severity="critical",
    pci_dss=("7.2.1", "7.2.2", "7.2.5"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Replace the attachment with an aws.iam.Policy (or RolePolicy) listing the actions and resources "
                 "the workload needs; AWS-managed job-function or read-only policies are fine when they fit."),
    check=check,
    resource_types=tuple(ARN_INPUTS),
    waivable=False,
    config_properties={
        "deniedPolicyNames": {
            "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
            "description": "Names (shell-style patterns) of AWS-managed policies that must not be attached.",
        },
    },
    default_config={"deniedPolicyNames": list(DENIED_POLICY_NAMES)},
    violation_example=('aws.iam.RolePolicyAttachment("admin", role=role.name, '
                       'policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")'),
)

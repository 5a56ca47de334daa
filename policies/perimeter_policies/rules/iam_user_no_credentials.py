"""iam-user-no-credentials: no long-lived IAM user credentials (access keys, console passwords).

Why: an `aws.iam.AccessKey` is a static secret that works from anywhere until
someone deletes it, and ends up in CI variables, laptops and, eventually, a
public repository; a `UserLoginProfile` is a console password outside the
identity provider's MFA and joiner/leaver process. PCI DSS 8.2.2, 8.3.1 and
8.6.3 want every identity known, strongly authenticated and its secrets
protected and rotated. Workloads get temporary credentials from roles;
people sign in through IAM Identity Center or a federated IdP.

Every such resource in a program is a finding: there is nothing to read but
its presence, so nothing is deferred.
"""

from __future__ import annotations

from ..model import ResourceView, Violation
from ..rule import Rule
from ._findings import describe

ACCESS_KEY = "aws:iam/accessKey:AccessKey"
LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile"
WHAT = {ACCESS_KEY: "a long-lived access key", LOGIN_PROFILE: "a console password"}


def check(resource: ResourceView, config):
    yield Violation(f"{describe(resource)} gives an IAM user {WHAT[resource.type]}.")


RULE = Rule(
    name="iam-user-no-credentials",
    description="IAM users must not get access keys or console passwords; use roles and federation.",
    severity="high",
    pci_dss=("8.2.2", "8.3.1", "8.6.3"),
    soc2=("CC6.1", "CC6.2"),
    remediation=("Remove the aws.iam.AccessKey / aws.iam.UserLoginProfile: give workloads an aws.iam.Role (an "
                 "instance profile, task role, Lambda role or OIDC web identity for CI) and sign people in through "
                 "IAM Identity Center."),
    check=check,
    resource_types=tuple(WHAT),
    violation_example='aws.iam.AccessKey("ci", user=user.name)',
)

"""iam-passrole-scoped: no identity policy lets its holder pass every role.

Why: `iam:PassRole` hands a role to a service (a Lambda function, an ECS
task, a Bedrock agent, an EC2 instance). On Resource `*` the holder can hand
over *any* role in the account, including an administrator one, and then act
through the service with that role's rights: the classic IAM privilege
escalation path (PCI DSS 7.2.1, 7.2.2). Grant it on the ARNs of the roles the
workload really passes.

A condition does not save it: `iam:PassedToService` narrows which service
receives the role, not which role is passed, so every role can still be
handed to that service. Matching follows IAM: `iam:*`, `iam:Pass*`, `*` and
NotAction lists that do not exclude it all grant PassRole; Resource `*`,
`arn:aws:iam::<account>:*`, `arn:aws:iam::<account>:role/*` and NotResource
cover every role. Documents built from outputs are checked at `pulumi up`.
"""

from __future__ import annotations

import re

from ..model import ResourceView
from ..rule import Rule
from ._iam_policy import IDENTITY_POLICY_PATHS, all_of, allows, allows_action, identity_policy_outcomes, mentions

PASS_ROLE = "iam:PassRole"
_EVERY_ROLE = re.compile(r"^(\*|arn:[a-z*-]*:iam::[^:]*:(role/)?\*)$", re.IGNORECASE)


def passes_every_role(statement) -> object:
    return all_of(allows(statement), allows_action(statement, PASS_ROLE),
                  mentions(statement, "Resource", "NotResource", lambda value: bool(_EVERY_ROLE.match(value.strip()))))


def check(resource: ResourceView, config):
    yield from identity_policy_outcomes(resource, passes_every_role, "iam:PassRole on every role")


RULE = Rule(
    name="iam-passrole-scoped",
    description="IAM policies must not allow iam:PassRole on every role ('*').",
    severity="high",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Grant iam:PassRole only on the ARNs of the roles the workload passes, e.g. "
                 "'Resource': [lambda_role.arn], optionally with an iam:PassedToService condition."),
    check=check,
    resource_types=tuple(IDENTITY_POLICY_PATHS),
    violation_example=('aws.iam.Policy("deployer", policy=json.dumps({"Version": "2012-10-17", "Statement": '
                       '[{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}))'),
)

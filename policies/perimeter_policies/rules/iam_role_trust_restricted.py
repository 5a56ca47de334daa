"""iam-role-trust-restricted: no role can be assumed by anyone, any account, or any holder of an identity token.

Why: a role's trust policy (`assume_role_policy`) decides who may become the
role. Principal `"*"` or `{"AWS": "*"}` (or NotPrincipal) with no condition
pinning the caller lets every AWS account in the world assume it (PCI DSS
7.2.1, 8.2.2: every identity that acts must be known). The caller test is the
shared one in `_iam_policy.py` (the one `resource-policy-not-public` uses).

Federated web identity (`sts:AssumeRoleWithWebIdentity`, e.g. GitHub
Actions, EKS service accounts, Cognito) is as open when nothing pins the
token's subject: any repository on GitHub, or any pod in the cluster, then
gets the role. A web-identity statement must pin a `<provider>:sub` key to a
concrete value (or, for Cognito identity pools, the pool through
`cognito-identity.amazonaws.com:aud`) with a positive operator. Service
principals and named accounts or roles are specific. A trust policy built
from outputs is checked at `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView
from ..rule import Rule
from ._iam_policy import ROLE, TRUST_POLICY, all_of, allows, allows_action, any_of, is_public, negate, pins, policy_document_outcomes

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
COGNITO_POOL = "cognito-identity.amazonaws.com:aud"


def _pins_subject(key: str) -> bool:
    return key.endswith(":sub") or key == COGNITO_POOL


def open_trust(statement) -> object:
    federated = isinstance(statement.get("Principal"), dict) and "Federated" in statement["Principal"]
    unpinned_web_identity = all_of(allows(statement), federated, allows_action(statement, WEB_IDENTITY),
                                   negate(pins(statement.get("Condition"), _pins_subject)))
    return any_of(is_public(statement), unpinned_web_identity)


def check(role: ResourceView, config):
    yield from policy_document_outcomes(role, TRUST_POLICY, open_trust,
                                        "anyone, any account or any identity-token holder to assume the role",
                                        absent="has no assumeRolePolicy.")


RULE = Rule(
    name="iam-role-trust-restricted",
    description=("Role trust policies must name who may assume the role: no Principal '*' without a restricting "
                 "condition, no web-identity trust without a pinned subject."),
    severity="critical",
    pci_dss=("7.2.1", "8.2.2"),
    soc2=("CC6.1", "CC6.2", "CC6.3"),
    remediation=("In assume_role_policy name the service ({'Service': 'lambda.amazonaws.com'}), account or role ARN "
                 "that assumes the role; for OIDC providers add a StringEquals/StringLike condition on "
                 "'<provider>:sub' (e.g. 'token.actions.githubusercontent.com:sub': 'repo:org/repo:ref:refs/heads/main')."),
    check=check,
    resource_types=(ROLE,),
    waivable=False,
    violation_example=('aws.iam.Role("ci", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": '
                       '[{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))'),
)

"""iam-policy-least-privilege: no identity policy allows every action, or a sensitive service's every action, on every resource.

Why: PCI DSS 7.2.1/7.2.2 want access limited to what a job function needs.
`"Action": "*"` on `"Resource": "*"` is administrator access; `iam:*` and
`sts:*` let the holder grant itself anything; `kms:*`, `secretsmanager:*`,
`s3:*` and `bedrock:*` on `*` reach every key, secret, bucket and model in the
account, which is where cardholder data, prompts and the keys protecting them
live. Such a grant is allowed only with a condition that pins the caller to
something concrete (the shared reader in `_iam_policy.py` decides what
restricts: the same test `resource-policy-not-public` applies).

What counts as broad: an Allow whose Action holds `*`, `*:*` or
`<service>:*` for a service in `sensitiveServices` (or which uses NotAction,
"everything except"), and whose Resource holds `*` (or which uses
NotResource). Narrower wildcards (`s3:Get*`, `arn:aws:s3:::bucket/*`) are
not flagged: they name what is needed.

Configurable: `sensitiveServices` may hold `"*"`, which makes every service
sensitive (`ec2:*`, `logs:*`, ... on `*` too). `fullAccessOnScopedResources`
also flags an Allow of `<service>:*` (or `*`) for a listed service on named
resources and whatever its condition: the stricter reading of AWS Config's
IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS, which flags any statement granting
a whole service. With both set, this rule flags everything that Config rule
flags, in every identity policy type (not only customer-managed policies).

Documents read: `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`
(`policy`) and each of a Role's `inline_policies`. A document built from
outputs is checked at `pulumi up`; one that is not JSON fails now.
"""

from __future__ import annotations

from ..model import ResourceView
from ..rule import Rule
from ._iam_policy import IDENTITY_POLICY_PATHS, all_of, allows, caller_restricted, identity_policy_outcomes, mentions, negate

SENSITIVE_SERVICES = ("iam", "kms", "bedrock", "s3", "secretsmanager", "sts")
EVERY_SERVICE = "*"


def _broad_action(value: str, services: frozenset) -> bool:
    service, _, action = value.strip().partition(":")
    return value.strip() == "*" or (action == "*" and (service == "*" or EVERY_SERVICE in services
                                                       or service.lower() in services))


def _broad_actions(statement, services: frozenset):
    # NotAction ("everything except ...") on everything is administrator access.
    return mentions(statement, "Action", "NotAction", lambda value: _broad_action(value, services))


def check(resource: ResourceView, config):
    services = frozenset(s.lower() for s in config["sensitiveServices"])
    if config["fullAccessOnScopedResources"]:
        def broad(statement):
            return all_of(allows(statement), _broad_actions(statement, services))

        finding = "'*' or a sensitive service's '<service>:*' actions (full access to a service, on any resource)"
    else:
        def broad(statement):
            return all_of(allows(statement), _broad_actions(statement, services),
                          mentions(statement, "Resource", "NotResource", lambda value: value == "*"),
                          negate(caller_restricted(statement.get("Condition"))))

        finding = "'*' or a sensitive service's '<service>:*' actions on Resource '*' with no restricting condition"
    yield from identity_policy_outcomes(resource, broad, finding)


RULE = Rule(
    name="iam-policy-least-privilege",
    description=("IAM policies must not allow '*' actions, or '<service>:*' on sensitive services, on every "
                 "resource without a condition restricting the caller."),
    severity="critical",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("List the actions the workload calls (e.g. 'bedrock:InvokeModel', 's3:GetObject') and the ARNs "
                 "it calls them on instead of '*' and '<service>:*'; keep administrator access in a break-glass role "
                 "outside the program."),
    check=check,
    resource_types=tuple(IDENTITY_POLICY_PATHS),
    waivable=False,
    config_properties={
        "sensitiveServices": {
            "type": "array", "items": {"type": "string", "pattern": "^([a-z0-9-]+|\\*)$"}, "minItems": 1,
            "description": ("Services whose 'service:*' on Resource '*' is as dangerous as '*' (IAM service prefixes); "
                            "'*' makes every service sensitive."),
        },
        "fullAccessOnScopedResources": {
            "type": "boolean",
            "description": ("Also flag '<service>:*' for a sensitive service on named resources and under any "
                            "condition (AWS Config's IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS, with "
                            "sensitiveServices ['*'])."),
        },
    },
    default_config={"sensitiveServices": list(SENSITIVE_SERVICES), "fullAccessOnScopedResources": False},
    violation_example=('aws.iam.RolePolicy("app", role=role.id, policy=json.dumps({"Version": "2012-10-17", '
                       '"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))'),
)

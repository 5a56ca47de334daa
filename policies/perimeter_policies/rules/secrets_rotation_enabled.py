"""secrets-rotation-enabled: every Secrets Manager secret in the stack rotates.

Why: a secret that never changes stays valid for whoever copied it, forever.
PCI DSS 8.6.3 wants application and system account passwords changed
periodically, 8.3.9 within 90 days when they are the only factor. A secret
is covered by an `aws.secretsmanager.SecretRotation` whose `secret_id` is
that secret (by output reference, or by id/ARN/name once known). A rotation
whose `rotation_rules.automatically_after_days` exceeds `maxRotationDays`
(default 90) is a finding on the rotation; schedule expressions are not
interpreted. A rotation whose secret preview cannot see is deferred.
"""

from __future__ import annotations

from numbers import Real

from ..model import Deferred, StackView, Violation
from ..rule import Rule
from ._findings import describe
from ._links import references

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def check(stack: StackView, config):
    rotations = stack.of_type(ROTATION)
    maximum = config["maxRotationDays"]
    for rotation in rotations:
        days = rotation.get("rotationRules", "automaticallyAfterDays")
        if isinstance(days, Real) and days > maximum:
            yield Violation(f"{describe(rotation)}: rotationRules.automaticallyAfterDays is {days:g}, above "
                            f"{maximum:g}.", rotation.urn)
    rotated = references(stack, rotations, "secretId", (SECRET,))
    for secret in stack.of_type(SECRET):
        if rotated.cover(secret, (secret.get("id"), secret.get("arn"), secret.get("name"))):
            continue
        if rotated.unresolved:
            yield Deferred(f"{describe(secret)}: a rotation's secretId is unknown at preview", secret.urn)
        else:
            yield Violation(f"{describe(secret)} has no aws.secretsmanager.SecretRotation.", secret.urn)


RULE = Rule(
    name="secrets-rotation-enabled",
    description="Every Secrets Manager secret in the stack has automatic rotation within the maximum period.",
    severity="medium",
    pci_dss=("8.3.9", "8.6.3"),
    soc2=("CC6.1",),
    remediation=("Add aws.secretsmanager.SecretRotation(secret_id=secret.id, rotation_lambda_arn=rotator.arn, "
                 "rotation_rules={'automatically_after_days': 30}) (or a managed rotation for RDS master passwords "
                 "with manage_master_user_password=True instead of a stored secret)."),
    check=check,
    resource_types=(SECRET, ROTATION),
    scope="stack",
    config_properties={
        "maxRotationDays": {"type": "integer", "minimum": 1, "maximum": 365,
                            "description": "Longest rotation interval (automatically_after_days) accepted."},
    },
    default_config={"maxRotationDays": 90},
    violation_example='aws.secretsmanager.Secret("db-password", kms_key_id=key.arn)  # and no SecretRotation for it',
)

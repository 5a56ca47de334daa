"""backup-vault-deletion-protected: recovery points in a backup vault cannot be deleted by hand before they expire.

Why: an attacker with backup permissions, or a mistaken clean-up, deletes the
recovery points first and the data second; backups that anyone allowed to
manage them can delete do not support recovery (PCI DSS 12.10.1, SOC 2 A1.2;
AWS Config BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED). An
`aws.backup.Vault` has neither protection by default.

A vault in the stack is protected by either
- an `aws.backup.VaultLockConfiguration` for it (by output reference, or by
  vault name once known) with `min_retention_days` at least
  `minLockRetentionDays` (default 35): AWS Backup then refuses to delete a
  recovery point younger than that, in governance or compliance mode; or
- an `aws.backup.VaultPolicy` for it with a Deny statement for everyone
  (`"Principal": "*"`) on `backup:DeleteRecoveryPoint`,
  `backup:UpdateRecoveryPointLifecycle` and `backup:PutBackupVaultAccessPolicy`
  (the statement AWS Config looks for) and no Condition: an exemption in a
  condition is a way round it, so it does not count here.
A lock or policy whose vault preview cannot name, or whose retention or
document is unknown, defers the check to `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

from ..model import UNKNOWN, Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._iam_policy import all_of, allows_action, applies_to_everyone, denies, document_holds
from ._links import references

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy"
PROTECTED_ACTIONS = ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                     "backup:PutBackupVaultAccessPolicy")


def _denies_deletion(statement: Mapping):
    condition = statement.get("Condition")
    return all_of(denies(statement), applies_to_everyone(statement), UNKNOWN if is_unknown(condition) else condition is None,
                  *(allows_action(statement, action) for action in PROTECTED_ACTIONS))


def check(stack: StackView, config):
    minimum = config["minLockRetentionDays"]
    locks = stack.of_type(LOCK)
    retention = [lock.get("minRetentionDays") for lock in locks]
    holding = references(stack, [lock for lock, days in zip(locks, retention)
                                 if isinstance(days, Real) and not isinstance(days, bool) and days >= minimum],
                         "backupVaultName", (VAULT,))
    pending_locks = references(stack, [lock for lock, days in zip(locks, retention) if is_unknown(days)],
                               "backupVaultName", (VAULT,))
    policies = [(p, references(stack, [p], "backupVaultName", (VAULT,))) for p in stack.of_type(VAULT_POLICY)]
    for vault in stack.of_type(VAULT):
        identities = (vault.get("name"), vault.get("id"))
        if holding.cover(vault, identities):
            continue
        verdicts = [document_holds(p.get("policy"), _denies_deletion) for p, target in policies
                    if target.cover(vault, identities)]
        if True in verdicts:
            continue
        pending = (None in verdicts or pending_locks.cover(vault, identities) or pending_locks.unresolved
                   or holding.unresolved or any(target.unresolved for _, target in policies))
        if pending:
            yield Deferred(f"{describe(vault)}: its vault lock or vault policy is unknown at preview", vault.urn)
        else:
            yield Violation(f"{describe(vault)}: recovery points can be deleted by hand: no "
                            f"aws.backup.VaultLockConfiguration with min_retention_days >= {minimum:g} and no "
                            "aws.backup.VaultPolicy denying everyone " + ", ".join(PROTECTED_ACTIONS) + ".", vault.urn)


RULE = Rule(
    name="backup-vault-deletion-protected",
    description=("Every AWS Backup vault has a vault lock with a minimum retention, or a vault policy that denies "
                 "everyone deleting recovery points."),
    severity="medium",
    pci_dss=("12.10.1",),
    soc2=("A1.2",),
    remediation=("Add aws.backup.VaultLockConfiguration(backup_vault_name=vault.name, min_retention_days=35, "
                 "max_retention_days=...), or an aws.backup.VaultPolicy denying Principal '*' "
                 "backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and "
                 "backup:PutBackupVaultAccessPolicy."),
    check=check,
    resource_types=(VAULT,),
    scope="stack",
    config_properties={
        "minLockRetentionDays": {"type": "integer", "minimum": 1, "maximum": 36500,
                                 "description": "Fewest days a vault lock must keep each recovery point."},
    },
    default_config={"minLockRetentionDays": 35},
    violation_example='aws.backup.Vault("data", kms_key_arn=key.arn)  # no vault lock, no vault policy',
)

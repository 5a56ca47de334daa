"""backup-vault-deletion-protected: a locked vault, a vault with a deny policy, one mutation per gap, unknowns, waivers."""

import dataclasses
import json

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "backup-vault-deletion-protected"
VAULT = resource(aws.backup.Vault, "data", name="perimeter-data", kms_key_arn=UNKNOWN)
LOCK = resource(aws.backup.VaultLockConfiguration, "data", backup_vault_name=UNKNOWN, min_retention_days=35,
                max_retention_days=400, property_dependencies={"backupVaultName": [VAULT]})
DENY = {"Sid": "DenyRecoveryPointDeletion", "Effect": "Deny", "Principal": "*",
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                   "backup:PutBackupVaultAccessPolicy"], "Resource": "*"}


def vault_policy(*statements, name="perimeter-data", **options):
    return resource(aws.backup.VaultPolicy, "data", backup_vault_name=name,
                    policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), **options)


def test_locked_vault_passes():
    run(POLICY, [VAULT, LOCK]).assert_clean()


@pytest.mark.parametrize("statement", [DENY, {**DENY, "Action": "backup:*"}, {**DENY, "Principal": {"AWS": "*"}}])
def test_vault_policy_denying_deletion_passes(statement):
    run(POLICY, [VAULT, vault_policy(statement)]).assert_clean()


def test_lock_matched_by_vault_name_once_known():
    by_name = dataclasses.replace(LOCK.replace(backup_vault_name="perimeter-data"), property_dependencies={})
    run(POLICY, [VAULT, by_name]).assert_clean()


@pytest.mark.parametrize("stack, named", [
    ([VAULT], "no aws.backup.VaultLockConfiguration with min_retention_days >= 35"),
    ([VAULT, LOCK.replace(min_retention_days=7)], "can be deleted by hand"),
    ([VAULT, LOCK.replace(min_retention_days=None)], "can be deleted by hand"),
    ([VAULT, vault_policy(DENY, name="another-vault")], "can be deleted by hand"),
    ([VAULT, vault_policy({**DENY, "Effect": "Allow"})], "can be deleted by hand"),
    ([VAULT, vault_policy({**DENY, "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}})], "by hand"),
    ([VAULT, vault_policy({**DENY, "Action": ["backup:DeleteRecoveryPoint"]})], "backup:PutBackupVaultAccessPolicy"),
    ([VAULT, vault_policy({**DENY, "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]})],
     "by hand"),
    ([VAULT, vault_policy({**DENY, "Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/x"}}})],
     "by hand"),
    ([VAULT, resource(aws.backup.VaultPolicy, "data", backup_vault_name="perimeter-data", policy="{not json")],
     "by hand"),
])
def test_unprotected_vault_blocks(stack, named):
    run(POLICY, stack).assert_violation(named, on=VAULT)


def test_lock_retention_is_configurable():
    run(POLICY, [VAULT, LOCK.replace(min_retention_days=7)], config={"minLockRetentionDays": 7}).assert_clean()
    run(POLICY, [VAULT, LOCK], config={"minLockRetentionDays": 36}).assert_violation(">= 36")


@pytest.mark.parametrize("stack", [
    [VAULT, LOCK.replace(min_retention_days=UNKNOWN)],
    [VAULT, resource(aws.backup.VaultLockConfiguration, "other", backup_vault_name=UNKNOWN, min_retention_days=35)],
    [VAULT, resource(aws.backup.VaultPolicy, "data", backup_vault_name="perimeter-data", policy=UNKNOWN)],
    [VAULT, vault_policy(DENY).set("policy", {"Statement": [{**DENY, "Condition": UNKNOWN}]})],
    [VAULT, resource(aws.backup.VaultPolicy, "data", backup_vault_name=UNKNOWN, policy=UNKNOWN)],
])
def test_unknown_at_preview_is_deferred(stack):
    run(POLICY, stack).assert_deferred("unknown at preview")


def test_lock_on_another_vault_does_not_protect_this_one():
    other = resource(aws.backup.Vault, "other", name="perimeter-other", kms_key_arn=UNKNOWN)
    run(POLICY, [VAULT, other, LOCK]).assert_violation("by hand", on=other)


def test_waiver_waives_and_expired_waiver_does_not():
    run(POLICY, [VAULT], waivers=[waiver(VAULT, reason="Scratch vault for restore tests, no production data")]) \
        .assert_waived()
    run(POLICY, [VAULT], waivers=[waiver(VAULT, days=-1)]).assert_violation("expired on")


def test_finding_names_every_action_the_policy_must_deny():
    run(POLICY, [VAULT]).assert_violation(
        "aws.backup.VaultPolicy denying everyone backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, "
        "backup:PutBackupVaultAccessPolicy.", on=VAULT)


def test_every_vault_is_judged_after_a_protected_one():
    other = resource(aws.backup.Vault, "other", name="perimeter-other", kms_key_arn=UNKNOWN)
    run(POLICY, [VAULT, other, vault_policy(DENY)]).assert_violation("by hand", on=other)


def test_autonamed_vault_is_matched_by_its_id_at_update():
    vault = resource(aws.backup.Vault, "auto", kms_key_arn=UNKNOWN)
    vault = dataclasses.replace(vault, outputs={**vault.inputs, "id": "auto-4f2a"})
    lock = dataclasses.replace(LOCK.replace(backup_vault_name="auto-4f2a"), property_dependencies={})
    run(POLICY, [vault, lock]).assert_clean()


def test_deferral_is_on_the_vault_and_names_built_from_other_resources_are_unresolved():
    key = resource(aws.kms.Key, "key")
    policy = resource(aws.backup.VaultPolicy, "data", backup_vault_name=UNKNOWN, policy=UNKNOWN,
                      property_dependencies={"backupVaultName": [key]})
    result = run(POLICY, [VAULT, key, policy]).assert_deferred("Vault 'data': its vault lock or vault policy")
    assert result.deferred[0]["urn"] == VAULT.urn

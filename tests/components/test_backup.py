"""Backup: a locked vault under its own key, a daily plan, a selection of the data stores, a least-privilege role."""

import pytest

from components.backup import BackupArgs
from tests.components.conftest import ACCOUNT_ID, by_sid, created

VAULT, LOCK = "aws:backup/vault:Vault", "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN, SELECTION = "aws:backup/plan:Plan", "aws:backup/selection:Selection"
# Every bucket of the stack (SecureBucket component names) but the model-invocation logs, which hold prompts
# that must be disposed of within invocationLogDays: a recovery point would outlive that bound.
BACKED_UP = ("knowledge-base-sources", "knowledge-base-sources-access-logs", "audit-trail", "audit-trail-access-logs",
             "posture-config", "posture-config-access-logs", "audit-invocations-access-logs")
NOT_BACKED_UP = ("audit-invocations",)


def permissions(built):
    """The backup role's permissions document: scoped_role's policy resource, whichever IAM type it uses."""
    [policy] = [r for r in built.resources if r.type.startswith("aws:iam/") and r.name == "backup" and "policy" in r.inputs]
    return by_sid(policy.json("policy"))


def bucket_arn(built, name):
    return created(built, "aws:s3/bucket:Bucket", name)["arn"]


def test_vault_is_encrypted_with_its_own_key_and_locked_for_the_retention(deployed):
    vault = deployed.one(VAULT).inputs
    assert vault["name"] == f"perimeter-{deployed.stack}-data" and vault["forceDestroy"] is False
    assert vault["kmsKeyArn"] == created(deployed, "aws:kms/key:Key", "keys-backup")["arn"]
    lock = deployed.one(LOCK).inputs
    assert lock["backupVaultName"] == vault["name"]
    assert lock["minRetentionDays"] == lock["maxRetentionDays"] == 35
    assert "changeableForDays" not in lock  # governance mode: compliance mode is an organisation's own choice


def test_backup_key_is_used_only_through_aws_backup(preview):
    statements = by_sid(preview.one("aws:kms/key:Key", "keys-backup").json("policy"))
    assert statements["UseBackupDataOnlyViaItsServices"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        f"backup.{preview.region}.amazonaws.com"]
    assert not any("Service" in s["Principal"] for s in statements.values())


def test_plan_backs_up_daily_into_the_vault_and_keeps_recovery_points_35_days(deployed):
    rules = deployed.one(PLAN).inputs["rules"]
    assert deployed.one(PLAN).inputs["name"] == f"perimeter-{deployed.stack}-daily"
    assert len(rules) == 1
    assert rules[0]["targetVaultName"] == f"perimeter-{deployed.stack}-data"
    assert rules[0]["schedule"] == "cron(0 3 ? * * *)"
    assert rules[0]["lifecycle"] == {"deleteAfter": 35}


def test_selection_names_every_data_store_but_the_prompt_logs(deployed):
    selection = deployed.one(SELECTION).inputs
    assert sorted(selection["resources"]) == sorted(bucket_arn(deployed, n) for n in BACKED_UP)
    assert not set(selection["resources"]) & {bucket_arn(deployed, n) for n in NOT_BACKED_UP}
    assert selection["iamRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-backup"
    assert "notResources" not in selection and "selectionTags" not in selection


def test_selection_is_linked_to_the_buckets_plan_and_role_at_preview(preview):
    selection = preview.one(SELECTION)
    linked = set(selection.property_dependencies["resources"])
    buckets = {b.name: b.urn for b in preview.of_type("aws:s3/bucket:Bucket")}
    assert linked == {buckets[n] for n in BACKED_UP}
    assert selection.property_dependencies["planId"] == [preview.one(PLAN).urn]
    # Created only once the role's permissions are in force (AWS Backup checks the role when it starts a job).
    assert any("aws:iam/" in u and "aws:iam/role:Role" not in u and u.endswith("::backup") for u in selection.dependencies)


def test_role_trusts_aws_backup_for_this_account_only(deployed):
    trust = deployed.one("aws:iam/role:Role", "backup").json("assumeRolePolicy")["Statement"]
    assert trust == [{"Sid": "TrustServiceForThisAccountOnly", "Effect": "Allow",
                      "Principal": {"Service": "backup.amazonaws.com"}, "Action": ["sts:AssumeRole"],
                      "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}]


def test_role_reads_only_the_protected_buckets_and_uses_keys_only_through_their_services(deployed):
    statements = permissions(deployed)
    arns = sorted(bucket_arn(deployed, n) for n in BACKED_UP)
    assert sorted(statements["ReadProtectedBuckets"]["Resource"]) == arns
    assert sorted(statements["ReadProtectedObjects"]["Resource"]) == sorted(f"{a}/*" for a in arns)
    assert all(a.startswith("s3:Get") for a in statements["ReadProtectedObjects"]["Action"])
    keys = {c: created(deployed, "aws:kms/key:Key", f"keys-{c}")["arn"] for c in ("knowledge", "audit", "backup")}
    assert statements["DecryptProtectedObjectsThroughS3"]["Resource"] == [keys["knowledge"], keys["audit"]]
    assert statements["DecryptProtectedObjectsThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{deployed.region}.amazonaws.com"}}
    assert statements["EncryptRecoveryPointsThroughBackup"]["Resource"] == [keys["backup"]]
    assert statements["EncryptRecoveryPointsThroughBackup"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"backup.{deployed.region}.amazonaws.com"}}
    assert statements["ManageBackupEventRules"]["Resource"] == [
        f"arn:aws:events:{deployed.region}:{ACCOUNT_ID}:rule/AwsBackupManagedRule*"]
    every_action = [a for s in statements.values() for a in s["Action"]]
    assert not any(a.endswith(":*") or a == "*" for a in every_action)
    for sid, statement in statements.items():
        if statement["Resource"] == ["*"]:
            assert sid in ("FindBuckets", "ReadBackupProgress")
            assert all(a in ("s3:ListAllMyBuckets", "cloudwatch:GetMetricData", "events:ListRules")
                       for a in statement["Action"])


@pytest.mark.parametrize("name", BACKED_UP + NOT_BACKED_UP)
def test_bucket_policies_let_the_backup_role_read_past_the_named_readers_deny(deployed, name):
    statements = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", name).json("policy"))
    readers = statements["DenyReadsExceptNamedReaders"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-backup" in readers


def test_everything_is_a_child_of_the_component(preview):
    for type_ in (VAULT, LOCK, PLAN, SELECTION):
        assert "perimeter:resilience:Backup$" in preview.one(type_).urn


def test_args_refuse_nothing_to_protect_and_unbounded_retention():
    common = dict(context=None, vault_name="v", plan_name="p", role_name="r", kms_key_arn="k")
    with pytest.raises(ValueError, match="name the buckets"):
        BackupArgs(bucket_arns=[], bucket_key_arns=["k"], **common)
    with pytest.raises(ValueError, match="name the buckets"):
        BackupArgs(bucket_arns=["arn:aws:s3:::b"], bucket_key_arns=[], **common)
    with pytest.raises(ValueError, match="positive number of days"):
        BackupArgs(bucket_arns=["arn:aws:s3:::b"], bucket_key_arns=["k"], recovery_point_days=0, **common)

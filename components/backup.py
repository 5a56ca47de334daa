"""AWS Backup for the stack's data stores: a locked vault under its own CMK, a daily plan, one selection, one role.

Native protections (versioning, lifecycle) live in the same bucket as the data
and fall with it; AWS Backup keeps recovery points apart, in a vault whose
lock refuses to delete any of them before `recovery_point_days` (governance
mode: compliance mode cannot be undone once its grace period ends, which an
organisation should choose deliberately, not inherit from a reference stack).
The lock's maximum equals its minimum, so nothing can keep a recovery point
longer than the plan says.

The role AWS Backup assumes may read only the protected buckets (and decrypt
them only through S3), manage only the EventBridge rules AWS Backup names
`AwsBackupManagedRule*`, and use the vault key only through AWS Backup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import assume_role_policy, policy_document, statement
from .roles import scoped_role

DAILY_AT_0300_UTC = "cron(0 3 ? * * *)"
RECOVERY_POINT_DAYS = 35  # the policy pack's default minimum (AWS Config's requiredRetentionDays)
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 8 * 60

BUCKET_READ_ACTIONS = (
    "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketNotification", "s3:GetBucketTagging",
    "s3:GetBucketVersioning", "s3:GetInventoryConfiguration", "s3:ListBucket", "s3:ListBucketVersions",
    "s3:PutBucketNotification", "s3:PutInventoryConfiguration",
)
OBJECT_READ_ACTIONS = (
    "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
)
EVENT_RULE_ACTIONS = (
    "events:DeleteRule", "events:DescribeRule", "events:DisableRule", "events:EnableRule", "events:ListTargetsByRule",
    "events:PutRule", "events:PutTargets", "events:RemoveTargets",
)


@dataclass
class BackupArgs:
    context: AwsContext
    vault_name: str
    plan_name: str
    role_name: str
    kms_key_arn: pulumi.Input[str]
    # The S3 buckets to protect (ARNs), and the keys their objects are encrypted under.
    bucket_arns: Sequence[pulumi.Input[str]]
    bucket_key_arns: Sequence[pulumi.Input[str]]
    recovery_point_days: int = RECOVERY_POINT_DAYS

    def __post_init__(self) -> None:
        if not self.bucket_arns or not self.bucket_key_arns:
            raise ValueError("backup: name the buckets to protect and the keys they are encrypted under")
        if self.recovery_point_days < 1:
            raise ValueError("backup: recovery points must be kept a positive number of days")


def backup_permissions(args: BackupArgs) -> pulumi.Output[str]:
    context = args.context
    return policy_document([
        statement("ReadProtectedBuckets", BUCKET_READ_ACTIONS, list(args.bucket_arns)),
        statement("ReadProtectedObjects", OBJECT_READ_ACTIONS,
                  [pulumi.Output.concat(arn, "/*") for arn in args.bucket_arns]),
        statement("DecryptProtectedObjectsThroughS3", ["kms:Decrypt", "kms:DescribeKey"], list(args.bucket_key_arns),
                  conditions={"StringEquals": {"kms:ViaService": context.service_endpoint("s3")}}),
        statement("FindBuckets", ["s3:ListAllMyBuckets"], ["*"]),
        statement("ManageBackupEventRules", EVENT_RULE_ACTIONS, [context.arn("events", "rule/AwsBackupManagedRule*")]),
        statement("ReadBackupProgress", ["cloudwatch:GetMetricData", "events:ListRules"], ["*"]),
        statement("EncryptRecoveryPointsThroughBackup",
                  ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [args.kms_key_arn],
                  conditions={"StringEquals": {"kms:ViaService": context.service_endpoint("backup")}}),
    ])


class Backup(pulumi.ComponentResource):
    vault: aws.backup.Vault
    plan: aws.backup.Plan
    selection: aws.backup.Selection

    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:resilience:Backup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vault = aws.backup.Vault(name, name=args.vault_name, kms_key_arn=args.kms_key_arn, force_destroy=False,
                                      opts=child)
        aws.backup.VaultLockConfiguration(
            name,
            backup_vault_name=self.vault.name,
            min_retention_days=args.recovery_point_days,
            max_retention_days=args.recovery_point_days,
            opts=child,
        )
        self.plan = aws.backup.Plan(
            name,
            name=args.plan_name,
            rules=[aws.backup.PlanRuleArgs(
                rule_name="daily",
                target_vault_name=self.vault.name,
                schedule=DAILY_AT_0300_UTC,
                start_window=START_WINDOW_MINUTES,
                completion_window=COMPLETION_WINDOW_MINUTES,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.recovery_point_days),
            )],
            opts=child,
        )
        role = scoped_role(
            name,
            role_name=args.role_name,
            description="AWS Backup: read the protected buckets into the locked vault",
            trust_policy=assume_role_policy("backup.amazonaws.com", source_account=args.context.account_id),
            permissions=backup_permissions(args),
            parent=self,
        )
        self.selection = aws.backup.Selection(
            name,
            name=f"{args.plan_name}-data-stores",
            plan_id=self.plan.id,
            iam_role_arn=role.arn,
            resources=list(args.bucket_arns),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role.policy]),
        )
        self.register_outputs({"vaultArn": self.vault.arn, "planId": self.plan.id, "roleArn": role.arn})

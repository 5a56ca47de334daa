"""One customer-managed KMS key per data class, with least-privilege key policies.

Each key policy has three kinds of statement:
- the account may administer the key (no encrypt/decrypt), so a lost admin
  never locks the key, but administering it does not read the data;
- IAM principals of this account may use the key only through the AWS
  services that store that data class (kms:ViaService) and only when their
  own IAM policy also allows it;
- each AWS service principal that writes the data class directly (CloudTrail,
  CloudWatch Logs, Bedrock, Config, S3 Vectors...) may use it only under
  conditions that tie the call to this account and to the named source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import aws_principals, policy_document, services, statement

# PCI DSS 3.7.4: a one-year cryptoperiod, the longest the policy pack accepts.
ROTATION_PERIOD_DAYS = 365
# The longest window: a key scheduled for deletion by mistake can be recovered.
DELETION_WINDOW_DAYS = 30

KEY_ADMINISTRATION_ACTIONS = (
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
)
KEY_USE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant")


@dataclass(frozen=True)
class ServiceGrant:
    """An AWS service principal allowed to use a key, only under `conditions`."""

    sid: str
    service: str
    actions: Sequence[str]
    conditions: Mapping[str, Mapping[str, Any]]

    def __post_init__(self) -> None:
        if not self.conditions:
            raise ValueError(f"key grant {self.sid} to {self.service} must be conditioned (source account/ARN)")


@dataclass(frozen=True)
class DataClassKey:
    data_class: str
    description: str
    # Short service names (e.g. "s3", "logs") through which account principals may use the key.
    used_via: Sequence[str]
    service_grants: Sequence[ServiceGrant] = field(default_factory=tuple)


@dataclass
class KeysArgs:
    context: AwsContext
    alias_prefix: str
    keys: Sequence[DataClassKey]


def key_policy(context: AwsContext, spec: DataClassKey) -> pulumi.Output[str]:
    # In a key policy, Resource "*" means "this key".
    account = aws_principals(context.account_root_arn)
    statements = [
        statement("AccountAdministersKeyWithoutDataAccess", KEY_ADMINISTRATION_ACTIONS, ["*"], principal=account),
        statement(
            f"Use{spec.data_class.title().replace('-', '')}DataOnlyViaItsServices",
            KEY_USE_ACTIONS,
            ["*"],
            principal=account,
            conditions={"StringEquals": {
                "kms:CallerAccount": context.account_id,
                "kms:ViaService": [context.service_endpoint(s) for s in spec.used_via],
            }},
        ),
    ]
    statements += [
        statement(grant.sid, grant.actions, ["*"], principal=services(grant.service), conditions=grant.conditions)
        for grant in spec.service_grants
    ]
    return policy_document(statements)


class Keys(pulumi.ComponentResource):
    """`keys[data_class]` is the aws.kms.Key for that data class."""

    keys: dict[str, aws.kms.Key]

    def __init__(self, name: str, args: KeysArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:security:Keys", name, None, opts)
        self.keys = {}
        for spec in args.keys:
            key = aws.kms.Key(
                f"{name}-{spec.data_class}",
                description=spec.description,
                enable_key_rotation=True,
                rotation_period_in_days=ROTATION_PERIOD_DAYS,
                deletion_window_in_days=DELETION_WINDOW_DAYS,
                policy=key_policy(args.context, spec),
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.kms.Alias(
                f"{name}-{spec.data_class}",
                name=f"{args.alias_prefix}-{spec.data_class}",
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.keys[spec.data_class] = key
        self.register_outputs({data_class: key.arn for data_class, key in self.keys.items()})

    def arn(self, data_class: str) -> pulumi.Output[str]:
        return self.keys[data_class].arn

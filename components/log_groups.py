"""CloudWatch log groups inside the perimeter: CMK-encrypted, retention-bounded, protected."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def encrypted_log_group(
    resource_name: str,
    *,
    log_group_name: str,
    kms_key_arn: pulumi.Input[str],
    retention_days: int,
    parent: pulumi.Resource,
) -> aws.cloudwatch.LogGroup:
    # Deletion protection: evidence is removed by retention, never by a stray destroy.
    return aws.cloudwatch.LogGroup(
        resource_name,
        name=log_group_name,
        kms_key_id=kms_key_arn,
        retention_in_days=retention_days,
        deletion_protection_enabled=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )

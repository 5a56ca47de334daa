"""The audit trail: CloudTrail and Bedrock model-invocation logging (PCI DSS Req 10).

CloudTrail is multi-region with log-file validation, encrypted with the audit
key, and delivered both to a retention-bounded bucket (>= 365 days, 10.5.1)
and to a CloudWatch log group that the posture alarms read.

Model-invocation logging records metadata only (who called which model, when,
tokens, guardrail outcome): text, image, embedding and video delivery are off.
The log would otherwise hold whatever the application sends, and a
cardholder-data store is in PCI scope (the guide's "logging trap"). The
content an auditor needs is in the assistant's own transcript log, written
after redaction. Only the auditor role can read any of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import ANYONE, assume_role_policy, policy_document, services, statement
from .log_groups import encrypted_log_group
from .naming import PerimeterNames
from .roles import scoped_role
from .secure_bucket import SecureBucket, SecureBucketArgs

TRAIL_LOGS, INVOCATION_LOGS, TRANSCRIPT_LOGS = "cloudtrail", "invocations", "transcripts"
INVOCATION_PREFIX, LARGE_INVOCATION_PREFIX = "invocations", "large-invocations"
# Overwritten invocation logs are not evidence worth keeping: drop old versions quickly.
INVOCATION_NONCURRENT_DAYS = 1
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


@dataclass
class AuditArgs:
    names: PerimeterNames
    kms_key_arn: pulumi.Input[str]
    audit_days: int
    invocation_log_days: int
    auditor_role_arn: str
    # Buckets whose object reads and writes CloudTrail records as data events.
    data_event_bucket_arns: Sequence[str]
    # The role AWS Backup reads the buckets' backed-up objects with. It is a named reader of the
    # invocation-log bucket only so that its access-log sibling (same readers) can be backed up: its
    # own IAM policy grants no read of the prompts themselves, which are never backed up.
    backup_role_arn: str


def _log_streams(log_group_arn: str) -> str:
    return f"{log_group_arn}:log-stream:*"


def trail_bucket_statements(context: AwsContext, bucket_arn: str, trail_arn: str) -> list[dict]:
    cloudtrail = services("cloudtrail.amazonaws.com")
    return [
        statement("CloudTrailChecksBucketAcl", ["s3:GetBucketAcl"], [bucket_arn], principal=cloudtrail,
                  conditions={"StringEquals": {"aws:SourceArn": trail_arn}}),
        statement("CloudTrailWritesThisAccountsLogs", ["s3:PutObject"],
                  [f"{bucket_arn}/AWSLogs/{context.account_id}/*"], principal=cloudtrail,
                  conditions={"StringEquals": {"aws:SourceArn": trail_arn,
                                               "s3:x-amz-acl": "bucket-owner-full-control"}}),
        # Nobody deletes the trail (PCI DSS 10.3.2); the lifecycle expiry is S3's own action, not a request.
        statement("NobodyDeletesTrailLogs", ["s3:DeleteObject", "s3:DeleteObjectVersion"], [f"{bucket_arn}/*"],
                  effect="Deny", principal=ANYONE),
    ]


def invocation_bucket_statements(context: AwsContext, bucket_arn: str) -> list[dict]:
    return [
        statement("BedrockWritesThisAccountsInvocationLogs", ["s3:PutObject"],
                  [f"{bucket_arn}/{prefix}/AWSLogs/{context.account_id}/*"
                   for prefix in (INVOCATION_PREFIX, LARGE_INVOCATION_PREFIX)],
                  principal=services("bedrock.amazonaws.com"),
                  conditions={"StringEquals": {"aws:SourceAccount": context.account_id},
                              "ArnLike": {"aws:SourceArn": context.arn("bedrock", "*")}}),
    ]


def _selector(name: str, *conditions: tuple[str, str, Sequence[str]]) -> aws.cloudtrail.TrailAdvancedEventSelectorArgs:
    """Each condition is (CloudTrail field, operator argument name, values)."""
    return aws.cloudtrail.TrailAdvancedEventSelectorArgs(
        name=name,
        field_selectors=[
            aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(field=field, **{operator: list(values)})
            for field, operator, values in conditions
        ],
    )


def event_selectors(bucket_arns: Sequence[str]) -> list[aws.cloudtrail.TrailAdvancedEventSelectorArgs]:
    data_events = ("eventCategory", "equals", ["Data"])
    return [
        _selector("All management events", ("eventCategory", "equals", ["Management"])),
        _selector("Objects in perimeter buckets", data_events,
                  ("resources.type", "equals", ["AWS::S3::Object"]),
                  ("resources.ARN", "starts_withs", [f"{arn}/" for arn in bucket_arns])),
        _selector("Knowledge base retrievals", data_events,
                  ("resources.type", "equals", ["AWS::Bedrock::KnowledgeBase"])),
        _selector("Guardrail evaluations", data_events,
                  ("resources.type", "equals", ["AWS::Bedrock::Guardrail"])),
    ]


class Audit(pulumi.ComponentResource):
    def __init__(self, name: str, args: AuditArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:security:Audit", name, None, opts)
        names, context = args.names, args.names.context
        trail_arn = names.trail_arn

        self.trail_bucket = SecureBucket(
            f"{name}-trail",
            SecureBucketArgs(
                context=context,
                bucket_name=names.bucket("trail"),
                kms_key_arn=args.kms_key_arn,
                expiration_days=args.audit_days,
                noncurrent_expiration_days=args.audit_days,
                readers=[args.auditor_role_arn, args.backup_role_arn],
                service_statements=trail_bucket_statements(context, context.bucket_arn(names.bucket("trail")), trail_arn),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.trail_log_group = encrypted_log_group(
            f"{name}-trail", log_group_name=names.log_group(TRAIL_LOGS), kms_key_arn=args.kms_key_arn,
            retention_days=args.audit_days, parent=self)
        trail_delivery = scoped_role(
            f"{name}-trail-delivery",
            role_name=names.role("trail-logs"),
            description="CloudTrail: deliver this trail to its CloudWatch log group",
            trust_policy=assume_role_policy("cloudtrail.amazonaws.com", source_account=context.account_id,
                                            source_arn=trail_arn),
            permissions=policy_document([
                statement("DeliverTrailEvents", LOG_WRITE_ACTIONS, [_log_streams(names.log_group_arn(TRAIL_LOGS))]),
            ]),
            parent=self,
        )
        self.trail = aws.cloudtrail.Trail(
            name,
            name=names.trail,
            s3_bucket_name=self.trail_bucket.bucket.bucket,
            kms_key_id=args.kms_key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=self.trail_log_group.arn.apply(lambda arn: f"{arn}:*"),
            cloud_watch_logs_role_arn=trail_delivery.arn,
            advanced_event_selectors=event_selectors(args.data_event_bucket_arns),
            # CloudTrail verifies it can write to the bucket and log group when the trail is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.trail_bucket.policy, trail_delivery.policy]),
        )

        self.invocation_bucket = SecureBucket(
            f"{name}-invocations",
            SecureBucketArgs(
                context=context,
                bucket_name=names.bucket("invocations"),
                kms_key_arn=args.kms_key_arn,
                expiration_days=args.invocation_log_days,
                noncurrent_expiration_days=INVOCATION_NONCURRENT_DAYS,
                readers=[args.auditor_role_arn, args.backup_role_arn],
                service_statements=invocation_bucket_statements(context, context.bucket_arn(names.bucket("invocations"))),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.invocation_log_group = encrypted_log_group(
            f"{name}-invocations", log_group_name=names.log_group(INVOCATION_LOGS), kms_key_arn=args.kms_key_arn,
            retention_days=args.invocation_log_days, parent=self)
        invocation_delivery = scoped_role(
            f"{name}-invocation-delivery",
            role_name=names.role("invocation-logs"),
            description="Bedrock: deliver model-invocation logs to their CloudWatch log group",
            trust_policy=assume_role_policy("bedrock.amazonaws.com", source_account=context.account_id,
                                            source_arn=context.arn("bedrock", "*")),
            permissions=policy_document([
                statement("DeliverInvocationLogs", LOG_WRITE_ACTIONS,
                          [_log_streams(names.log_group_arn(INVOCATION_LOGS))]),
            ]),
            parent=self,
        )
        self.invocation_logging = aws.bedrockmodel.InvocationLoggingConfiguration(
            name,
            logging_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigArgs(
                text_data_delivery_enabled=False,
                image_data_delivery_enabled=False,
                embedding_data_delivery_enabled=False,
                video_data_delivery_enabled=False,
                s3_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigS3ConfigArgs(
                    bucket_name=self.invocation_bucket.bucket.bucket,
                    key_prefix=INVOCATION_PREFIX,
                ),
                cloudwatch_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigArgs(
                    log_group_name=self.invocation_log_group.name,
                    role_arn=invocation_delivery.arn,
                    large_data_delivery_s3_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigLargeDataDeliveryS3ConfigArgs(
                        bucket_name=self.invocation_bucket.bucket.bucket,
                        key_prefix=LARGE_INVOCATION_PREFIX,
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.invocation_bucket.policy, invocation_delivery.policy]),
        )

        # The assistant's redacted transcript of each request is evidence too: same key, same bound.
        self.transcript_log_group = encrypted_log_group(
            f"{name}-transcripts", log_group_name=names.log_group(TRANSCRIPT_LOGS), kms_key_arn=args.kms_key_arn,
            retention_days=args.invocation_log_days, parent=self)

        self.register_outputs({
            "trailArn": self.trail.arn,
            "trailBucket": self.trail_bucket.bucket_name,
            "invocationLogBucket": self.invocation_bucket.bucket_name,
            "invocationLogGroup": self.invocation_log_group.name,
            "transcriptLogGroup": self.transcript_log_group.name,
        })

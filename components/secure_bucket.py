"""An S3 bucket that is private, CMK-encrypted, TLS-only, versioned, retention-bounded and access-logged.

Used for knowledge sources, invocation logs, CloudTrail and Config. Each
control is its own resource (pulumi-aws 7 deprecates the inline blocks), and
none of them can be switched off through the args.

Every request to the bucket is recorded twice: object-level API calls by the
trail's S3 data events, and every request (including anonymous and denied
ones) by S3 server access logging into a sibling `<bucket>-logs` bucket with
the same controls. The sibling is encrypted under the same customer-managed
key, not SSE-S3: AWS's S3 guide long said SSE-KMS targets were unsupported,
while AWS CDK's integration-tested fix (aws-cdk#25350) shows delivery works
when the key policy lets `logging.s3.amazonaws.com` generate data keys; that
grant belongs to the key's ServiceGrants. The sibling does not log itself
(AWS: a log target should not have server access logging), which is the
policy pack's one exemption from service-logging-attached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import ANYONE, policy_document, services, statement

INCOMPLETE_UPLOAD_DAYS = 7
MINIMUM_TLS_VERSION = 1.2
ACCESS_LOG_SUFFIX = "-logs"
# PCI DSS 10.5.1: audit logs are kept at least twelve months.
ACCESS_LOG_MINIMUM_DAYS = 365
MAX_BUCKET_NAME_LENGTH = 63


@dataclass
class SecureBucketArgs:
    context: AwsContext
    bucket_name: str
    kms_key_arn: pulumi.Input[str]
    expiration_days: int
    noncurrent_expiration_days: int
    # The only principals that may read objects; everyone else is denied s3:GetObject.
    readers: Sequence[pulumi.Input[str]]
    # Allow statements for AWS services that deliver into the bucket (built by the caller,
    # each conditioned on aws:SourceAccount / aws:SourceArn).
    service_statements: Sequence[Mapping[str, Any]] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.expiration_days < 1 or self.noncurrent_expiration_days < 1:
            raise ValueError(f"bucket {self.bucket_name}: retention must be bounded by a positive number of days")
        if not self.readers:
            raise ValueError(f"bucket {self.bucket_name}: name at least one reader")
        if len(access_log_bucket_name(self.bucket_name)) > MAX_BUCKET_NAME_LENGTH:
            raise ValueError(f"bucket {self.bucket_name}: its access-log bucket name would exceed "
                             f"{MAX_BUCKET_NAME_LENGTH} characters; shorten the name")

    @property
    def access_logs(self) -> "SecureBucketArgs":
        """The sibling that receives this bucket's server access logs: the same controls, a year of retention."""
        return SecureBucketArgs(
            context=self.context,
            bucket_name=access_log_bucket_name(self.bucket_name),
            kms_key_arn=self.kms_key_arn,
            expiration_days=max(self.expiration_days, ACCESS_LOG_MINIMUM_DAYS),
            noncurrent_expiration_days=self.noncurrent_expiration_days,
            readers=self.readers,
            service_statements=(access_log_delivery_statement(self),),
        )


def access_log_bucket_name(bucket_name: str) -> str:
    """The bucket that receives `bucket_name`'s server access logs (for callers that name it before it exists)."""
    return bucket_name + ACCESS_LOG_SUFFIX


def access_log_delivery_statement(source: SecureBucketArgs) -> dict[str, Any]:
    """S3's logging service may write the source bucket's access logs, for this account's source bucket only."""
    target = source.context.bucket_arn(access_log_bucket_name(source.bucket_name))
    return statement("S3WritesThisBucketsAccessLogs", ["s3:PutObject"], [f"{target}/{source.bucket_name}/*"],
                     principal=services("logging.s3.amazonaws.com"),
                     conditions={"ArnLike": {"aws:SourceArn": source.context.bucket_arn(source.bucket_name)},
                                 "StringEquals": {"aws:SourceAccount": source.context.account_id}})


def bucket_policy_statements(args: SecureBucketArgs) -> list[dict[str, Any]]:
    bucket_arn = args.context.bucket_arn(args.bucket_name)
    objects = f"{bucket_arn}/*"
    return [
        statement("DenyInsecureTransport", ["s3:*"], [bucket_arn, objects], effect="Deny", principal=ANYONE,
                  conditions={"Bool": {"aws:SecureTransport": "false"}}),
        statement("DenyOutdatedTls", ["s3:*"], [bucket_arn, objects], effect="Deny", principal=ANYONE,
                  conditions={"NumericLessThan": {"s3:TlsVersion": MINIMUM_TLS_VERSION}}),
        statement("DenyPutsNotEncryptedWithKms", ["s3:PutObject"], [objects], effect="Deny", principal=ANYONE,
                  conditions={"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}}),
        statement("DenyPutsWithAnotherKey", ["s3:PutObject"], [objects], effect="Deny", principal=ANYONE,
                  conditions={"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": args.kms_key_arn}}),
        statement("DenyReadsExceptNamedReaders", ["s3:GetObject", "s3:GetObjectVersion"], [objects],
                  effect="Deny", principal=ANYONE,
                  conditions={"ArnNotEquals": {"aws:PrincipalArn": list(args.readers)}}),
        *args.service_statements,
    ]


class SecureBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    access_logs: aws.s3.Bucket

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:storage:SecureBucket", name, None, opts)
        self.bucket_name = args.bucket_name
        self.arn = args.context.bucket_arn(args.bucket_name)
        self.bucket, self.policy = self._hardened_bucket(name, args)
        self.access_logs, log_policy = self._hardened_bucket(f"{name}-access-logs", args.access_logs)
        aws.s3.BucketLogging(
            name,
            bucket=self.bucket.id,
            target_bucket=self.access_logs.id,
            target_prefix=f"{args.bucket_name}/",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_policy]),
        )
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.arn,
                               "access_logs": self.access_logs.bucket})

    def _hardened_bucket(self, name: str, args: SecureBucketArgs) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(name, bucket=args.bucket_name, force_destroy=False, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms",
                    kms_master_key_id=args.kms_key_arn,
                ),
                bucket_key_enabled=True,
            )],
            opts=child,
        )
        public_access_block = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            name,
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            name,
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="bounded-retention",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expiration_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=args.noncurrent_expiration_days,
                ),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=INCOMPLETE_UPLOAD_DAYS,
                ),
            )],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        policy = aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=policy_document(bucket_policy_statements(args)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access_block]),
        )
        return bucket, policy

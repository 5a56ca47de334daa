"""An S3 bucket that is private, CMK-encrypted, TLS-only, versioned and retention-bounded.

Used for knowledge sources, invocation logs, CloudTrail and Config. Each
control is its own resource (pulumi-aws 7 deprecates the inline blocks), and
none of them can be switched off through the args.

S3 server access logging is deliberately not used: its target bucket cannot
use SSE-KMS, which would put an unencrypted bucket inside the perimeter.
Object-level access to these buckets is recorded by CloudTrail data events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import ANYONE, policy_document, statement

INCOMPLETE_UPLOAD_DAYS = 7
MINIMUM_TLS_VERSION = 1.2


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

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:storage:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket_name = args.bucket_name
        self.arn = args.context.bucket_arn(args.bucket_name)
        self.bucket = aws.s3.Bucket(name, bucket=args.bucket_name, force_destroy=False, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=self.bucket.id,
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
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            name,
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            name,
            bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=self.bucket.id,
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
        self.policy = aws.s3.BucketPolicy(
            name,
            bucket=self.bucket.id,
            policy=policy_document(bucket_policy_statements(args)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access_block]),
        )
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.arn})

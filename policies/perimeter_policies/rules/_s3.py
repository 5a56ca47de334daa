"""S3 resource types and where each keeps its default encryption, shared by the S3 rules."""

from ._paths import EACH

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"  # deprecated token, still accepted by pulumi-aws 7
BUCKETS = (BUCKET, BUCKET_V2)
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE_CONFIGURATION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_CONFIGURATION_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
SSE_CONFIGURATIONS = (SSE_CONFIGURATION, SSE_CONFIGURATION_V2)
LIFECYCLES = ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
              "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")

# Path to the `{sseAlgorithm, kmsMasterKeyId}` block(s): the inline bucket forms
# (deprecated) and the separate configuration resources differ in nesting and plurals.
DEFAULT_ENCRYPTION = {
    BUCKET: ("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault"),
    BUCKET_V2: ("serverSideEncryptionConfigurations", EACH, "rules", EACH, "applyServerSideEncryptionByDefaults", EACH),
    SSE_CONFIGURATION: ("rules", EACH, "applyServerSideEncryptionByDefault"),
    SSE_CONFIGURATION_V2: ("rules", EACH, "applyServerSideEncryptionByDefault"),
}
S3_KMS_KEY = "kmsMasterKeyId"
S3_ALGORITHM = "sseAlgorithm"
S3_KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")

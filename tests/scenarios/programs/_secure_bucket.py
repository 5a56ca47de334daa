"""A compliant bucket the scenarios build on: CMK, public access block, ownership, versioning."""
import pulumi_aws as aws


def secure_bucket(name, key=None):
    key = key or aws.kms.Key(f"{name}-key", enable_key_rotation=True)
    bucket = aws.s3.Bucket(name)
    aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-sse", bucket=bucket.id, rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True}])
    aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                   ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.BucketOwnershipControls(f"{name}-own", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
    aws.s3.BucketVersioning(f"{name}-ver", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    return bucket, key

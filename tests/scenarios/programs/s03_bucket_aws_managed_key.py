import pulumi_aws as aws

bucket = aws.s3.Bucket("managed")
aws.s3.BucketPublicAccessBlock("managed-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketServerSideEncryptionConfiguration("managed-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/aws/s3"}}])

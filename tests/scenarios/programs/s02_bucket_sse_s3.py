import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, _ = secure_bucket("docs")
other = aws.s3.Bucket("aes")
aws.s3.BucketPublicAccessBlock("aes-pab", bucket=other.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketServerSideEncryptionConfiguration("aes-sse", bucket=other.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])

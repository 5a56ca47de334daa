import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, _ = secure_bucket("kb")
# The bucket id is unknown at preview; the flag is not, so this must still block.
aws.s3.BucketPublicAccessBlock("kb-pab-loose", bucket=bucket.id, block_public_acls=False, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True)

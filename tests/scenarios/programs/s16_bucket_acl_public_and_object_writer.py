import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, _ = secure_bucket("exports")
aws.s3.BucketAcl("exports-acl", bucket=bucket.id, acl="public-read")
legacy, _ = secure_bucket("legacy")
aws.s3.BucketOwnershipControls("legacy-writer", bucket=legacy.id, rule={"object_ownership": "ObjectWriter"})

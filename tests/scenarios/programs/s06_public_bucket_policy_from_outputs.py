import pulumi
import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, _ = secure_bucket("site")
# Built from an output: unknowable at preview, decided at update.
aws.s3.BucketPolicy("site-policy", bucket=bucket.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": pulumi.Output.concat(bucket.arn, "/*")}]}))

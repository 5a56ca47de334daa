import json

import pulumi_aws as aws

aws.kms.Key("shared", enable_key_rotation=True, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                   "Resource": "*"}]}))
aws.sqs.Queue("jobs", sqs_managed_sse_enabled=True)
aws.s3.AccountPublicAccessBlock("account", block_public_acls=True, block_public_policy=False,
                                ignore_public_acls=True, restrict_public_buckets=True)

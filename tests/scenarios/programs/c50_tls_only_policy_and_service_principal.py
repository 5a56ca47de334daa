"""Look-alikes that must stay clean: Principal "*" in a Deny, and a service principal with source-account."""
import json

import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, _ = secure_bucket("audit")
aws.s3.BucketPolicy("audit-policy", bucket="audit-bucket-fixed-name", policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::audit-bucket-fixed-name", "arn:aws:s3:::audit-bucket-fixed-name/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::audit-bucket-fixed-name/AWSLogs/123456789012/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}},
        {"Sid": "OrgRead", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::audit-bucket-fixed-name/*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}},
    ]}))

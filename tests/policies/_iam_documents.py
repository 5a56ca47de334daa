"""IAM policy statements shared by the resource-policy and endpoint-policy tests."""

import json

ACCOUNT = "111122223333"
BUCKET_ARN = "arn:aws:s3:::perimeter-data"

TLS_ONLY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [BUCKET_ARN, BUCKET_ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
SERVICE_PRINCIPAL = {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                     "Action": "s3:PutObject", "Resource": BUCKET_ARN + "/*"}
STAR_FOR_OWN_ACCOUNT = {"Sid": "OwnAccountOnly", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
                        "Resource": BUCKET_ARN + "/*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
ACCOUNT_ROOT = {"Sid": "AccountAdmin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "*", "Resource": "*"}
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": BUCKET_ARN + "/*"}
DEFAULT_FULL_ACCESS = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
INVOKE_ONLY = {"Sid": "InvokeModels", "Effect": "Allow", "Principal": "*",
               "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
               "Resource": "arn:aws:bedrock:eu-west-1::foundation-model/*"}


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})

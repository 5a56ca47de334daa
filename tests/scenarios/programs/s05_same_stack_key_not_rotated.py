import pulumi_aws as aws
from _secure_bucket import secure_bucket

key = aws.kms.Key("unrotated", enable_key_rotation=False)
secure_bucket("logs", key=key)

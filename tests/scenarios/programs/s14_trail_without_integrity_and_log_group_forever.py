import pulumi_aws as aws
from _secure_bucket import secure_bucket

bucket, key = secure_bucket("trail-logs")
group = aws.cloudwatch.LogGroup("trail-group", kms_key_id=key.arn)
aws.cloudtrail.Trail("trail", s3_bucket_name=bucket.id, kms_key_id=key.arn,
                     cloud_watch_logs_group_arn=group.arn.apply(lambda a: f"{a}:*"),
                     cloud_watch_logs_role_arn="arn:aws:iam::123456789012:role/trail")

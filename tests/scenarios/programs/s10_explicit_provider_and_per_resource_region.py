import pulumi
import pulumi_aws as aws

us = aws.Provider("us", region="us-west-2")
aws.kms.Key("us-key", enable_key_rotation=True, opts=pulumi.ResourceOptions(provider=us))
aws.kms.Key("moved-key", enable_key_rotation=True, region="ap-southeast-1")

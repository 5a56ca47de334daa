import json

import pulumi_aws as aws

key = aws.kms.Key("db-key", enable_key_rotation=True)
aws.rds.Instance("db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                 username="app", manage_master_user_password=True, storage_encrypted=True, kms_key_id=key.arn,
                 publicly_accessible=True)
fn = aws.lambda_.Function("fn", runtime="python3.12", handler="index.handler", role="arn:aws:iam::123456789012:role/fn",
                          code=None, image_uri="123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:1", package_type="Image",
                          kms_key_arn=key.arn)
aws.lambda_.FunctionUrl("fn-url", function_name=fn.name, authorization_type="NONE")
aws.opensearch.ServerlessSecurityPolicy("vectors-net", type="network", policy=json.dumps([{
    "Rules": [{"ResourceType": "collection", "Resource": ["collection/vectors"]}], "AllowFromPublic": True}]))

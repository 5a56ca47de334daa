import pulumi_aws as aws

key = aws.kms.Key("agent-key", enable_key_rotation=True)
aws.bedrock.AgentAgent("helper", agent_name="helper", agent_resource_role_arn="arn:aws:iam::123456789012:role/agent",
                       foundation_model="us.anthropic.claude-3-5-sonnet-20240620-v1:0", customer_encryption_key_arn=key.arn)

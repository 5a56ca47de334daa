import pulumi_aws as aws
from _guardrail import card_blocking_guardrail

guardrail = card_blocking_guardrail("assistant")
version = aws.bedrock.GuardrailVersion("assistant-v", guardrail_arn=guardrail.guardrail_arn, description="config sha256 abc")
agent_key = aws.kms.Key("agent-key", enable_key_rotation=True)
aws.bedrock.AgentAgent("helper", agent_name="helper", agent_resource_role_arn="arn:aws:iam::123456789012:role/agent",
                       foundation_model="eu.anthropic.claude-3-5-sonnet-20240620-v1:0", customer_encryption_key_arn=agent_key.arn,
                       guardrail_configurations=[{"guardrail_identifier": guardrail.guardrail_id,
                                                  "guardrail_version": version.version}])

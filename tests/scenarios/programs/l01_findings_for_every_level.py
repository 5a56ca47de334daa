import pulumi_aws as aws
from _guardrail import card_blocking_guardrail

# Two findings on one bucket: no encryption configuration, no public access block.
aws.s3.Bucket("naked")
# One on a key: rotation off.
aws.kms.Key("unrotated", enable_key_rotation=False)
# One that preview must defer (the guardrail's version output is unknown) and update decides: pinned to DRAFT.
guardrail = card_blocking_guardrail("assistant")
aws.bedrock.GuardrailVersion("assistant-v", guardrail_arn=guardrail.guardrail_arn, description="pinned")
agent_key = aws.kms.Key("agent-key", enable_key_rotation=True)
aws.bedrock.AgentAgent("helper", agent_name="helper", agent_resource_role_arn="arn:aws:iam::123456789012:role/agent",
                       foundation_model="anthropic.claude-3-haiku-20240307-v1:0", customer_encryption_key_arn=agent_key.arn,
                       guardrail_configurations=[{"guardrail_identifier": guardrail.guardrail_id,
                                                  "guardrail_version": guardrail.version}])

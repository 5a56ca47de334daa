import pulumi_aws as aws
from _guardrail import card_blocking_guardrail

guardrail = card_blocking_guardrail("assistant", cross_region_config={"guardrail_profile_identifier": "us.guardrail.v1:0"})
aws.bedrock.GuardrailVersion("assistant-v", guardrail_arn=guardrail.guardrail_arn, description="pinned")
aws.bedrock.InferenceProfile("app-profile", name="app-profile", model_source={
    "copy_from": "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0"})

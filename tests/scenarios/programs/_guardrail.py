"""A guardrail that blocks card numbers, with a CMK."""
import pulumi_aws as aws


def card_blocking_guardrail(name, **overrides):
    key = aws.kms.Key(f"{name}-key", enable_key_rotation=True)
    args = dict(
        name=name, kms_key_arn=key.arn,
        blocked_input_messaging="Blocked.", blocked_outputs_messaging="Blocked.",
        sensitive_information_policy_config={"pii_entities_configs": [{
            "type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK", "input_action": "BLOCK", "output_action": "BLOCK",
            "input_enabled": True, "output_enabled": True}]},
    )
    args.update(overrides)
    return aws.bedrock.Guardrail(name, **args)

"""A guardrail that blocks card numbers, with a CMK, and meets bedrock-guardrail-baseline's default baseline."""
import pulumi_aws as aws

# bedrock-guardrail-baseline's defaults, written out here as a program would.
BLOCKED = ("CREDIT_DEBIT_CARD_NUMBER", "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "PIN",
           "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
           "AWS_ACCESS_KEY", "AWS_SECRET_KEY")
ANONYMIZED = ("EMAIL", "PHONE")


def _pii(entity, action):
    return {"type": entity, "action": action, "input_action": action, "output_action": action,
            "input_enabled": True, "output_enabled": True}


def card_blocking_guardrail(name, **overrides):
    key = aws.kms.Key(f"{name}-key", enable_key_rotation=True)
    args = dict(
        name=name, kms_key_arn=key.arn,
        blocked_input_messaging="Blocked.", blocked_outputs_messaging="Blocked.",
        sensitive_information_policy_config={"pii_entities_configs": [_pii(t, "BLOCK") for t in BLOCKED]
                                             + [_pii(t, "ANONYMIZE") for t in ANONYMIZED]},
        topic_policy_config={"topics_configs": [
            {"name": "InvestmentAdvice", "definition": "Advice to buy, sell or hold investments.", "type": "DENY"},
            {"name": "CreditDecisions", "definition": "Approving or declining credit for a customer.", "type": "DENY"}]},
        content_policy_config={"filters_configs": [{"type": "PROMPT_ATTACK", "input_strength": "HIGH",
                                                    "output_strength": "NONE", "input_action": "BLOCK"}]},
        contextual_grounding_policy_config={"filters_configs": [{"type": "GROUNDING", "threshold": 0.75},
                                                                {"type": "RELEVANCE", "threshold": 0.7}]},
    )
    args.update(overrides)
    return aws.bedrock.Guardrail(name, **args)

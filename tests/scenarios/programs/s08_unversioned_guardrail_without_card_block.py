from _guardrail import card_blocking_guardrail

card_blocking_guardrail("loose", sensitive_information_policy_config={"pii_entities_configs": [{
    "type": "EMAIL", "action": "ANONYMIZE"}]})

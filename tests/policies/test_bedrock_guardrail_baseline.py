import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "bedrock-guardrail-baseline"
BLOCKED = ["CREDIT_DEBIT_CARD_NUMBER", "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "PIN",
           "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
           "AWS_ACCESS_KEY", "AWS_SECRET_KEY"]
ANONYMIZED = ["NAME", "EMAIL", "PHONE", "ADDRESS"]


def pii(entity, action):
    return {"type": entity, "action": action, "input_action": action, "input_enabled": True,
            "output_action": action, "output_enabled": True}


GUARDRAIL = resource(
    aws.bedrock.Guardrail, "support", blocked_input_messaging="no", blocked_outputs_messaging="no",
    kms_key_arn=UNKNOWN,
    sensitive_information_policy_config={"pii_entities_configs": [pii(t, "BLOCK") for t in BLOCKED]
                                         + [pii(t, "ANONYMIZE") for t in ANONYMIZED]},
    topic_policy_config={"topics_configs": [
        {"name": "InvestmentAdvice", "definition": "Advice on investments.", "type": "DENY", "examples": []},
        {"name": "CreditDecisions", "definition": "Deciding credit.", "type": "DENY", "examples": []}]},
    content_policy_config={"filters_configs": [
        {"type": "PROMPT_ATTACK", "input_strength": "HIGH", "output_strength": "NONE", "input_action": "BLOCK",
         "input_enabled": True, "output_action": "NONE", "output_enabled": False},
        {"type": "HATE", "input_strength": "HIGH", "output_strength": "HIGH"}]},
    contextual_grounding_policy_config={"filters_configs": [{"type": "GROUNDING", "threshold": 0.75},
                                                            {"type": "RELEVANCE", "threshold": 0.7}]},
)
PII = ("sensitiveInformationPolicyConfig", "piiEntitiesConfigs")
EMAIL = PII + (11,)
PROMPT_ATTACK = ("contentPolicyConfig", "filtersConfigs", 0)
GROUNDING = ("contextualGroundingPolicyConfig", "filtersConfigs", 0)
RELEVANCE = ("contextualGroundingPolicyConfig", "filtersConfigs", 1)
TOPIC = ("topicPolicyConfig", "topicsConfigs", 1)


def test_reference_shaped_guardrail_passes():
    run(POLICY, GUARDRAIL).assert_clean()


@pytest.mark.parametrize("path, value, named", [
    (EMAIL + ("action",), "NONE", "[11] (EMAIL).action is 'NONE'"),
    (EMAIL + ("outputAction",), "NONE", "(EMAIL).outputAction is 'NONE'"),
    (EMAIL + ("inputEnabled",), False, "(EMAIL).inputEnabled is false"),
    (EMAIL, {"type": "URL", "action": "BLOCK"}, "has no EMAIL entry"),
    (PII + (1, "action"), "NONE", "(CREDIT_DEBIT_CARD_CVV).action"),
    (TOPIC + ("name",), "Weather", "does not deny the required topic 'CreditDecisions'"),
    (TOPIC + ("type",), "ALLOW", "(CreditDecisions).type is 'ALLOW', not DENY"),
    (PROMPT_ATTACK + ("inputStrength",), "MEDIUM", "inputStrength is 'MEDIUM', below HIGH"),
    (PROMPT_ATTACK + ("inputAction",), "NONE", "inputAction is 'NONE'"),
    (PROMPT_ATTACK + ("inputEnabled",), False, "inputEnabled is false"),
    (PROMPT_ATTACK + ("type",), "MISCONDUCT", "has no PROMPT_ATTACK filter"),
    (GROUNDING + ("threshold",), 0.5, "(GROUNDING).threshold is 0.5, below 0.7"),
    (RELEVANCE + ("type",), "GROUNDING", "has no RELEVANCE filter"),
    (("contextualGroundingPolicyConfig",), {"filtersConfigs": []}, "has no GROUNDING filter"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_weakening_blocks(path, value, named):
    run(POLICY, GUARDRAIL.set(*path, value)).assert_violation(named, on=GUARDRAIL)


def test_card_number_entry_is_left_to_the_critical_rule():
    run(POLICY, GUARDRAIL.set(*PII, 0, "action", "NONE")).assert_clean()
    run(POLICY, GUARDRAIL, config={"piiEntityTypes": ["EMAIL"]}).assert_clean()


def test_topic_names_compare_ignoring_case_and_separators():
    run(POLICY, GUARDRAIL, config={"deniedTopics": ["credit-decisions", "investment advice"]}).assert_clean()


def test_baseline_is_configurable():
    config = {"piiEntityTypes": ["US_SOCIAL_SECURITY_NUMBER"], "deniedTopics": ["Crypto"],
              "minPromptAttackStrength": "MEDIUM", "minGroundingThreshold": 0.8, "minRelevanceThreshold": 0.5}
    result = run(POLICY, GUARDRAIL, config=config).assert_violation("US_SOCIAL_SECURITY_NUMBER", "'Crypto'")
    message = result.violations[0][0]
    assert "threshold is 0.75, below 0.8" in message and "(RELEVANCE)" not in message and "(PROMPT_ATTACK)" not in message


def test_unknown_values_are_deferred_and_known_weakness_still_blocks():
    run(POLICY, GUARDRAIL.unknown(*GROUNDING, "threshold")).assert_deferred("threshold")
    run(POLICY, GUARDRAIL.unknown(*PII)).assert_deferred("piiEntitiesConfigs")
    run(POLICY, GUARDRAIL.unknown(*PII).set(*PROMPT_ATTACK, "inputStrength", "LOW")).assert_violation("LOW")


def test_waiver_waives():
    weak = GUARDRAIL.set(*GROUNDING, "threshold", 0.5)
    run(POLICY, weak, waivers=[waiver(weak, reason="Search-only assistant, no generated answers (SEC-77)")]).assert_waived()


@pytest.mark.parametrize("path, value, named", [
    (EMAIL + ("inputAction",), "NONE", "sensitiveInformationPolicyConfig.piiEntitiesConfigs[11] (EMAIL).inputAction "
                                       "is 'NONE', not BLOCK or ANONYMIZE"),
    (EMAIL + ("action",), None, "piiEntitiesConfigs[11] (EMAIL).action is None, not BLOCK or ANONYMIZE"),
    (EMAIL, {"type": "URL", "action": "BLOCK"}, "Guardrail 'support': sensitiveInformationPolicyConfig.piiEntitiesConfigs has no EMAIL entry, "
                                                "so it reaches the model and its answers"),
    (PII, "EMAIL", "sensitiveInformationPolicyConfig.piiEntitiesConfigs is 'EMAIL', not a list"),
], ids=["input-action", "action-absent", "entry-missing", "not-a-list"])
def test_pii_finding_names_the_entry_and_why(path, value, named):
    weak = GUARDRAIL.without(*path) if value is None else GUARDRAIL.set(*path, value)
    run(POLICY, weak).assert_violation(named, on=GUARDRAIL)


def test_per_direction_actions_are_optional_overrides():
    run(POLICY, GUARDRAIL.without(*EMAIL, "inputAction").without(*EMAIL, "outputAction")).assert_clean()


def test_a_missing_entry_does_not_hide_weaknesses_of_later_ones():
    weak = GUARDRAIL.set(*PII, 1, {"type": "URL", "action": "BLOCK"}).set(*PII, 12, "action", "NONE")
    run(POLICY, weak).assert_violation("has no CREDIT_DEBIT_CARD_CVV entry", "(PHONE).action is 'NONE'")


@pytest.mark.parametrize("path, deferred", [
    (EMAIL, "sensitiveInformationPolicyConfig.piiEntitiesConfigs[11]"),
    (EMAIL + ("type",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[11].type"),
    (EMAIL + ("action",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[11].action"),
    (TOPIC + ("name",), "topicPolicyConfig.topicsConfigs[1].name"),
], ids=["entry", "entry-type", "entry-action", "topic-name"])
def test_unknown_entry_parts_are_deferred_by_name(path, deferred):
    run(POLICY, GUARDRAIL.unknown(*path)).assert_deferred(f"Guardrail 'support': {deferred} unknown at preview")


def test_every_weakness_is_reported_in_one_finding_each_with_why():
    weak = (GUARDRAIL.set(*EMAIL, "type", "URL").set(*PII, 12, "outputEnabled", False)
            .set(*TOPIC, "type", "ALLOW").without(*PROMPT_ATTACK, "inputStrength")
            .set(*PROMPT_ATTACK, "inputAction", "NONE").set(*PROMPT_ATTACK, "inputEnabled", False)
            .set(*GROUNDING, "type", "HATE").set(*RELEVANCE, "threshold", True))
    result = run(POLICY, weak, config={"piiEntityTypes": ["EMAIL", "PHONE"], "deniedTopics": ["Crypto", "CreditDecisions"]})
    result.assert_violation(on=GUARDRAIL)
    assert result.violations[0][0].splitlines()[1] == (
        "Guardrail 'support': "
        "sensitiveInformationPolicyConfig.piiEntitiesConfigs has no EMAIL entry, so it reaches the model and its answers; "
        "sensitiveInformationPolicyConfig.piiEntitiesConfigs[12] (PHONE).outputEnabled is false, so PHONE passes that way; "
        "topicPolicyConfig.topicsConfigs does not deny the required topic 'Crypto'; "
        "topicPolicyConfig.topicsConfigs[1] (CreditDecisions).type is 'ALLOW', not DENY; "
        "contentPolicyConfig.filtersConfigs[0] (PROMPT_ATTACK).inputStrength is None, below HIGH; "
        "contentPolicyConfig.filtersConfigs[0] (PROMPT_ATTACK).inputAction is 'NONE', so attacks are only detected; "
        "contentPolicyConfig.filtersConfigs[0] (PROMPT_ATTACK).inputEnabled is false; "
        "contextualGroundingPolicyConfig.filtersConfigs has no GROUNDING filter (threshold >= 0.7); "
        "contextualGroundingPolicyConfig.filtersConfigs[1] (RELEVANCE).threshold is True, below 0.7.")


def test_missing_prompt_attack_filter_says_what_gets_through():
    run(POLICY, GUARDRAIL.set(*PROMPT_ATTACK, "type", "MISCONDUCT")).assert_violation(
        "Guardrail 'support': contentPolicyConfig.filtersConfigs has no PROMPT_ATTACK filter, so jailbreaks and "
        "prompt injection reach the model.")


@pytest.mark.parametrize("threshold", ["high", False], ids=["text", "boolean"])
def test_threshold_that_is_not_a_number_blocks(threshold):
    run(POLICY, GUARDRAIL.set(*RELEVANCE, "threshold", threshold)).assert_violation(
        f"(RELEVANCE).threshold is {threshold!r}, below 0.7")


@pytest.mark.parametrize("strength", ["EXTREME", None], ids=["unlisted", "absent"])
def test_prompt_attack_strength_outside_the_scale_counts_as_none(strength):
    weak = GUARDRAIL.without(*PROMPT_ATTACK, "inputStrength") if strength is None \
        else GUARDRAIL.set(*PROMPT_ATTACK, "inputStrength", strength)
    run(POLICY, weak, config={"minPromptAttackStrength": "LOW"}).assert_violation(
        f"(PROMPT_ATTACK).inputStrength is {strength!r}, below LOW")


@pytest.mark.parametrize("path, deferred", [
    (("topicPolicyConfig", "topicsConfigs"), "topicPolicyConfig.topicsConfigs"),
    (("contentPolicyConfig", "filtersConfigs"), "contentPolicyConfig.filtersConfigs"),
    (("contextualGroundingPolicyConfig", "filtersConfigs"), "contextualGroundingPolicyConfig.filtersConfigs"),
    (TOPIC + ("type",), "topicPolicyConfig.topicsConfigs[1].type"),
    (PROMPT_ATTACK + ("type",), "contentPolicyConfig.filtersConfigs[0].type"),
    (PROMPT_ATTACK + ("inputStrength",), "contentPolicyConfig.filtersConfigs[0].inputStrength"),
    (PROMPT_ATTACK + ("inputAction",), "contentPolicyConfig.filtersConfigs[0].inputAction"),
    (PROMPT_ATTACK + ("inputEnabled",), "contentPolicyConfig.filtersConfigs[0].inputEnabled"),
    (EMAIL + ("outputEnabled",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[11].outputEnabled"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_unknown_block_or_setting_is_deferred_not_reported_missing(path, deferred):
    run(POLICY, GUARDRAIL.unknown(*path)).assert_deferred(f"Guardrail 'support': {deferred} unknown at preview")

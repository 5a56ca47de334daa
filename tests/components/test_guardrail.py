"""Guardrail: blocks card/bank data, masks PII, denies regulated advice, grounded, CMK, pinned version."""

import dataclasses
import re

import pytest

from components.config import ALWAYS_ANONYMIZED, ALWAYS_BLOCKED, ConfigError, GuardrailSettings
from components.guardrail import SEPARATED_PAN_PATTERN, GuardrailPolicy
from tests.components.conftest import created

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"


def settings(**changes) -> GuardrailSettings:
    base = GuardrailSettings(0.8, 0.75, r"\bACC-?\d{8}\b", ALWAYS_BLOCKED, ALWAYS_ANONYMIZED)
    return dataclasses.replace(base, **changes)


def pii_by_type(guardrail):
    return {c["type"]: c for c in guardrail.inputs["sensitiveInformationPolicyConfig"]["piiEntitiesConfigs"]}


def test_guardrail_is_cmk_encrypted_and_named_for_the_stack(deployed):
    guardrail = deployed.one(GUARDRAIL)
    assert guardrail.inputs["kmsKeyArn"] == created(deployed, "aws:kms/key:Key", "keys-guardrail")["arn"]
    assert guardrail.inputs["name"] == f"perimeter-{deployed.stack}-assistant"
    assert guardrail.inputs["blockedInputMessaging"] and guardrail.inputs["blockedOutputsMessaging"]


def test_card_and_bank_data_blocked_both_ways(preview):
    configs = pii_by_type(preview.one(GUARDRAIL))
    blocked = set(ALWAYS_BLOCKED) | set(preview.setting("guardrail").get("piiBlock", []))
    for entity in blocked:
        assert configs[entity] == {"type": entity, "action": "BLOCK", "inputAction": "BLOCK", "inputEnabled": True,
                                   "outputAction": "BLOCK", "outputEnabled": True}


def test_personal_data_anonymized_both_ways(preview):
    configs = pii_by_type(preview.one(GUARDRAIL))
    blocked = set(ALWAYS_BLOCKED) | set(preview.setting("guardrail").get("piiBlock", []))
    for entity in (set(ALWAYS_ANONYMIZED) | set(preview.setting("guardrail").get("piiAnonymize", []))) - blocked:
        assert configs[entity] == {"type": entity, "action": "ANONYMIZE", "inputAction": "ANONYMIZE",
                                   "inputEnabled": True, "outputAction": "ANONYMIZE", "outputEnabled": True}
    assert {"NAME", "EMAIL", "PHONE", "ADDRESS"} <= set(configs)


def test_regexes_block_separated_pans_and_the_org_account_format(preview):
    regexes = {r["name"]: r for r in preview.one(GUARDRAIL).inputs["sensitiveInformationPolicyConfig"]["regexesConfigs"]}
    assert regexes["OrganisationAccountNumber"]["pattern"] == preview.setting("guardrail")["accountNumberPattern"]
    assert regexes["SeparatedCardNumber"]["pattern"] == SEPARATED_PAN_PATTERN
    for regex in regexes.values():
        assert regex["action"] == regex["inputAction"] == regex["outputAction"] == "BLOCK"
        assert regex["inputEnabled"] is regex["outputEnabled"] is True
        assert len(regex["pattern"]) <= 500


@pytest.mark.parametrize("text", ["4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005",
                                  "6011 0009 9013 9424 123"])
def test_pan_regex_matches_separated_card_numbers(text):
    assert re.search(SEPARATED_PAN_PATTERN, f"my card is {text} thanks")


@pytest.mark.parametrize("text", ["call 0207 946 0000", "order 1234-5678", "2024-06-01"])
def test_pan_regex_ignores_short_numbers(text):
    assert not re.search(SEPARATED_PAN_PATTERN, text)


def test_regulated_advice_topics_denied_within_bedrock_limits(preview):
    topics = {t["name"]: t for t in preview.one(GUARDRAIL).inputs["topicPolicyConfig"]["topicsConfigs"]}
    assert set(topics) == {"InvestmentAdvice", "RegulatedFinancialAdvice", "CreditDecisions"}
    for topic in topics.values():
        assert topic["type"] == "DENY"
        assert len(topic["definition"]) <= 200 and 1 <= len(topic["examples"]) <= 5


def test_content_filters_include_prompt_attack_on_input_only(preview):
    filters = {f["type"]: f for f in preview.one(GUARDRAIL).inputs["contentPolicyConfig"]["filtersConfigs"]}
    assert set(filters) == {"PROMPT_ATTACK", "HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"}
    assert filters["PROMPT_ATTACK"]["inputStrength"] == "HIGH" and filters["PROMPT_ATTACK"]["outputStrength"] == "NONE"
    assert filters["PROMPT_ATTACK"]["inputAction"] == "BLOCK" and filters["PROMPT_ATTACK"]["inputEnabled"] is True
    for name in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"):
        f = filters[name]
        assert f["inputStrength"] == f["outputStrength"] == "HIGH"
        assert f["inputAction"] == f["outputAction"] == "BLOCK" and f["inputEnabled"] is f["outputEnabled"] is True


def test_grounding_thresholds_come_from_config(preview):
    thresholds = {f["type"]: f["threshold"] for f in
                  preview.one(GUARDRAIL).inputs["contextualGroundingPolicyConfig"]["filtersConfigs"]}
    assert thresholds == {"GROUNDING": preview.setting("guardrail")["groundingThreshold"],
                          "RELEVANCE": preview.setting("guardrail")["relevanceThreshold"]}


def test_version_description_carries_the_policy_digest(preview):
    version = preview.one("aws:bedrock/guardrailVersion:GuardrailVersion")
    assert re.fullmatch(r"perimeter policy sha256:[0-9a-f]{64}", version.inputs["description"])
    assert version.inputs["skipDestroy"] is True
    assert "Guardrail$aws:bedrock/guardrailVersion" in version.urn


def test_stacks_with_different_policies_publish_different_versions(build_stack):
    descriptions = {build_stack(s).one("aws:bedrock/guardrailVersion:GuardrailVersion").inputs["description"]
                    for s in ("dev", "staging", "prod")}
    assert len(descriptions) == 3


def test_any_policy_change_changes_the_digest():
    base = GuardrailPolicy.from_settings("g", settings())
    assert base.digest() == GuardrailPolicy.from_settings("g", settings()).digest()
    for changed in (settings(grounding_threshold=0.81), settings(account_number_pattern=r"\bAC\d{9}\b"),
                    settings(pii_block=ALWAYS_BLOCKED + ("PASSWORD",))):
        assert GuardrailPolicy.from_settings("g", changed).digest() != base.digest()


def test_pinned_version_is_exported(deployed):
    published = created(deployed, "aws:bedrock/guardrailVersion:GuardrailVersion")["version"]
    assert deployed.outputs["guardrailVersion"] == published
    assert deployed.outputs["modelInventory"]["guardrail"]["version"] == published


@pytest.mark.parametrize("name", ["x" * 51, "perimeter assistant", "perimeter.assistant"])
def test_invalid_guardrail_names_are_config_errors(name):
    with pytest.raises(ConfigError, match="guardrail name"):
        GuardrailPolicy.from_settings(name, settings())


def test_overlong_regex_is_a_config_error():
    with pytest.raises(ConfigError, match="at most 500"):
        GuardrailPolicy.from_settings("g", settings(account_number_pattern="\\d" * 251))


def test_unknown_entity_type_is_a_config_error():
    with pytest.raises(ConfigError, match="CREDIT_CARD"):
        GuardrailPolicy.from_settings("g", settings(pii_block=ALWAYS_BLOCKED + ("CREDIT_CARD",)))

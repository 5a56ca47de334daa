import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policy_harness import analyze, resource

POLICY = "bedrock-guardrail-blocks-card-numbers"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
CARD = ("sensitiveInformationPolicyConfig", "piiEntitiesConfigs", 1)
COMPLIANT = {
    "name": "pci", "blockedInputMessaging": "Sorry.", "blockedOutputsMessaging": "Sorry.", "kmsKeyArn": UNKNOWN,
    "contentPolicyConfig": {"filtersConfigs": [{"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}]},
    "sensitiveInformationPolicyConfig": {"piiEntitiesConfigs": [
        {"type": "EMAIL", "action": "ANONYMIZE"},
        {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK", "inputAction": "BLOCK", "outputAction": "ANONYMIZE",
         "inputEnabled": True, "outputEnabled": True},
    ]},
}


def run(inputs):
    return analyze(POLICY, resource(GUARDRAIL, "pci", inputs))


def test_compliant_guardrail_with_unknown_key_arn_passes():
    result = run(COMPLIANT)
    assert result.clean and not result.cant_run and not result.deferred


def test_minimal_block_entry_passes():
    inputs = {"kmsKeyArn": UNKNOWN, "sensitiveInformationPolicyConfig": {"piiEntitiesConfigs": [
        {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "ANONYMIZE"}]}}
    assert run(inputs).clean


MUTATIONS = [
    (CARD + ("action",), "NONE", "piiEntitiesConfigs[1].action is 'NONE'"),
    (CARD + ("inputAction",), "NONE", "inputAction is 'NONE', so card numbers pass in the input"),
    (CARD + ("outputAction",), "NONE", "outputAction is 'NONE', so card numbers pass in the output"),
    (CARD + ("inputEnabled",), False, "inputEnabled is false"),
    (CARD + ("outputEnabled",), False, "outputEnabled is false"),
    (CARD + ("type",), "CREDIT_DEBIT_CARD_CVV", "has no CREDIT_DEBIT_CARD_NUMBER entry"),
    (("sensitiveInformationPolicyConfig",), REMOVE, "has no CREDIT_DEBIT_CARD_NUMBER entry"),
    (("kmsKeyArn",), REMOVE, "kmsKeyArn is not set"),
    (("kmsKeyArn",), "alias/aws/bedrock", "kmsKeyArn is the AWS-managed key"),
]


@pytest.mark.parametrize("path, value, named", MUTATIONS, ids=[f"{m[0][-1]}={m[1]!r}" for m in MUTATIONS])
def test_each_violation_blocks(path, value, named):
    result = run(mutated(COMPLIANT, path, value))
    assert len(result.violations) == 1 and not result.cant_run
    assert named in result.violations[0][0] and "Guardrail 'pci'" in result.violations[0][0]


def test_bad_action_blocks_beside_unknown_inputs():
    inputs = mutated(COMPLIANT, CARD + ("action",), "NONE")
    inputs.update(name=UNKNOWN, topicPolicyConfig=UNKNOWN, wordPolicyConfig=UNKNOWN)
    inputs["sensitiveInformationPolicyConfig"]["piiEntitiesConfigs"][0] = UNKNOWN
    inputs["sensitiveInformationPolicyConfig"]["regexesConfigs"] = UNKNOWN
    result = run(inputs)
    assert len(result.violations) == 1 and not result.cant_run


def test_missing_key_blocks_even_when_the_pii_policy_is_unknown():
    result = run({"sensitiveInformationPolicyConfig": UNKNOWN})
    assert "kmsKeyArn is not set" in result.violations[0][0]


@pytest.mark.parametrize("path", [("sensitiveInformationPolicyConfig",), CARD + ("outputAction",), CARD + ("type",)])
def test_pii_settings_unknown_at_preview_are_deferred(path):
    result = run(mutated(COMPLIANT, path, UNKNOWN))
    assert result.clean and result.deferred


def test_not_waivable():
    waiver = {"resource": "*", "reason": "card numbers are tokenised upstream", "approver": "ciso@example.com",
              "expires": "2099-01-01"}
    result = analyze(POLICY, resource(GUARDRAIL, "pci", mutated(COMPLIANT, ("kmsKeyArn",), REMOVE)), {"waivers": [waiver]})
    assert result.violations and not result.waived


@pytest.mark.parametrize("path, named", [
    (("sensitiveInformationPolicyConfig",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs"),
    (CARD + ("type",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[1].type"),
    (CARD + ("action",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[1].action"),
    (CARD + ("inputAction",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[1].inputAction"),
    (CARD + ("outputEnabled",), "sensitiveInformationPolicyConfig.piiEntitiesConfigs[1].outputEnabled"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_deferral_names_the_unknown_setting(path, named):
    result = run(mutated(COMPLIANT, path, UNKNOWN))
    assert result.clean and [d["message"] for d in result.deferred] == [f"Guardrail 'pci': {named} unknown at preview"]


def test_entity_list_that_is_not_a_list_blocks_and_says_why():
    result = run(mutated(COMPLIANT, ("sensitiveInformationPolicyConfig", "piiEntitiesConfigs"), "CREDIT_DEBIT_CARD_NUMBER"))
    assert len(result.violations) == 1
    assert ("Guardrail 'pci': sensitiveInformationPolicyConfig.piiEntitiesConfigs is 'CREDIT_DEBIT_CARD_NUMBER', not a "
            "list of entity configurations, so card numbers are not filtered.") in result.violations[0][0].splitlines()

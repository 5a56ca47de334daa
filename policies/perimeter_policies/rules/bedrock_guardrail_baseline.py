"""bedrock-guardrail-baseline: every guardrail meets the organisation's baseline, set in policy config.

Why: a guardrail that exists can still be weakened until it filters nothing.
The baseline is what the security team decides every guardrail must do, and
organisations differ, so each part is policy config:
- `piiEntityTypes`: PII types that must be BLOCKed or ANONYMIZEd in both
  directions (an entry's `action`, any per-direction `input_action` /
  `output_action` override, and neither direction disabled). The default is
  card and bank data, cloud credentials and contact data (PCI DSS 3.3.1,
  3.4.1, 3.5.1; SOC 2 C1.1). CREDIT_DEBIT_CARD_NUMBER is not listed here: it is
  bedrock-guardrail-blocks-card-numbers' job (critical, not waivable), so no
  two rules judge the same entry.
- `deniedTopics`: topics, by name, that must be denied (type DENY), e.g. the
  regulated decisions the model must never make. Names compare ignoring case
  and separators, so "credit-decisions" matches "CreditDecisions".
- `minPromptAttackStrength`: the PROMPT_ATTACK content filter must be on for
  input (enabled, action not NONE) at this strength or stronger (PCI DSS 6.4.2).
- `minGroundingThreshold` / `minRelevanceThreshold`: contextual grounding and
  relevance filters present with at least these thresholds, so answers not
  supported by the knowledge base are blocked (SOC 2 PI1.3).
Values unknown at preview are deferred; a known weakness blocks regardless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from numbers import Real

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from .bedrock_guardrail_blocks_card_numbers import CARD_NUMBER, PROTECTING_ACTIONS

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
# The PII entity types Bedrock guardrails detect (Bedrock API, 31 types).
PII_ENTITY_TYPES = (
    "CREDIT_DEBIT_CARD_NUMBER", "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "PIN",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
    "US_SOCIAL_SECURITY_NUMBER", "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER",
    "UK_NATIONAL_INSURANCE_NUMBER", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
    "CA_SOCIAL_INSURANCE_NUMBER", "CA_HEALTH_NUMBER", "DRIVER_ID",
    "NAME", "EMAIL", "PHONE", "ADDRESS", "AGE", "USERNAME", "PASSWORD",
    "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "IP_ADDRESS", "MAC_ADDRESS", "URL", "LICENSE_PLATE",
    "VEHICLE_IDENTIFICATION_NUMBER",
)
STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")
PII = ("sensitiveInformationPolicyConfig", "piiEntitiesConfigs")
TOPICS = ("topicPolicyConfig", "topicsConfigs")
CONTENT_FILTERS = ("contentPolicyConfig", "filtersConfigs")
GROUNDING_FILTERS = ("contextualGroundingPolicyConfig", "filtersConfigs")


def _topic_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Reading:
    """The problems and unknowns found on one guardrail, with the list-valued blocks read safely."""

    def __init__(self, guardrail: ResourceView) -> None:
        self.guardrail = guardrail
        self.problems: list[str] = []
        self.unknowns: list[str] = []

    def entries(self, path: tuple[str, str]) -> list[tuple[str, Mapping]]:
        """(spelled path, entry) for each object in the list at `path`; unknown and malformed parts are noted."""
        spelled = ".".join(path)
        value = self.guardrail.get(*path)
        if is_unknown(value):
            self.unknowns.append(spelled)
            return []
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{spelled} is {value!r}, not a list")
            return []
        found = []
        for index, entry in enumerate(value):
            if is_unknown(entry):
                self.unknowns.append(f"{spelled}[{index}]")
            elif isinstance(entry, Mapping):
                found.append((f"{spelled}[{index}]", entry))
        return found

    def by_key(self, path: tuple[str, str], key) -> dict[str, tuple[str, Mapping]]:
        keyed = {}
        for spelled, entry in self.entries(path):
            value = entry.get("type") if key is None else entry.get(key)
            if is_unknown(value):
                self.unknowns.append(f"{spelled}.{'type' if key is None else key}")
            elif isinstance(value, str):
                keyed.setdefault(_topic_key(value) if key == "name" else value, (spelled, entry))
        return keyed


def _pii(reading: _Reading, required: list[str]) -> None:
    entries = reading.by_key(PII, None)
    for entity in required:
        if entity not in entries:
            if not any(u.startswith(".".join(PII)) for u in reading.unknowns):
                reading.problems.append(f"{'.'.join(PII)} has no {entity} entry, so it reaches the model and its answers")
            continue
        spelled, entry = entries[entity]
        for field in ("action", "inputAction", "outputAction"):
            value = entry.get(field)
            if is_unknown(value):
                reading.unknowns.append(f"{spelled}.{field}")
            elif (field == "action" or value is not None) and value not in PROTECTING_ACTIONS:
                reading.problems.append(f"{spelled} ({entity}).{field} is {value!r}, not BLOCK or ANONYMIZE")
        for field in ("inputEnabled", "outputEnabled"):
            value = entry.get(field)
            if is_unknown(value):
                reading.unknowns.append(f"{spelled}.{field}")
            elif value is False:
                reading.problems.append(f"{spelled} ({entity}).{field} is false, so {entity} passes that way")


def _topics(reading: _Reading, required: list[str]) -> None:
    topics = reading.by_key(TOPICS, "name")
    for name in required:
        found = topics.get(_topic_key(name))
        if found is None:
            if not any(u.startswith(".".join(TOPICS)) for u in reading.unknowns):
                reading.problems.append(f"{'.'.join(TOPICS)} does not deny the required topic {name!r}")
            continue
        spelled, topic = found
        kind = topic.get("type")
        if is_unknown(kind):
            reading.unknowns.append(f"{spelled}.type")
        elif kind != "DENY":
            reading.problems.append(f"{spelled} ({name}).type is {kind!r}, not DENY")


def _prompt_attack(reading: _Reading, minimum: str) -> None:
    filters = reading.by_key(CONTENT_FILTERS, None)
    if "PROMPT_ATTACK" not in filters:
        if not any(u.startswith(".".join(CONTENT_FILTERS)) for u in reading.unknowns):
            reading.problems.append(f"{'.'.join(CONTENT_FILTERS)} has no PROMPT_ATTACK filter, so jailbreaks and "
                                    "prompt injection reach the model")
        return
    spelled, entry = filters["PROMPT_ATTACK"]
    strength, action, enabled = entry.get("inputStrength"), entry.get("inputAction"), entry.get("inputEnabled")
    for field, value in (("inputStrength", strength), ("inputAction", action), ("inputEnabled", enabled)):
        if is_unknown(value):
            reading.unknowns.append(f"{spelled}.{field}")
    if not is_unknown(strength) and STRENGTHS.index(strength if strength in STRENGTHS else "NONE") < STRENGTHS.index(minimum):
        reading.problems.append(f"{spelled} (PROMPT_ATTACK).inputStrength is {strength!r}, below {minimum}")
    if action == "NONE":
        reading.problems.append(f"{spelled} (PROMPT_ATTACK).inputAction is 'NONE', so attacks are only detected")
    if enabled is False:
        reading.problems.append(f"{spelled} (PROMPT_ATTACK).inputEnabled is false")


def _grounding(reading: _Reading, minimums: dict[str, float]) -> None:
    filters = reading.by_key(GROUNDING_FILTERS, None)
    for kind, minimum in minimums.items():
        if kind not in filters:
            if not any(u.startswith(".".join(GROUNDING_FILTERS)) for u in reading.unknowns):
                reading.problems.append(f"{'.'.join(GROUNDING_FILTERS)} has no {kind} filter (threshold >= {minimum:g})")
            continue
        spelled, entry = filters[kind]
        threshold = entry.get("threshold")
        if is_unknown(threshold):
            reading.unknowns.append(f"{spelled}.threshold")
        elif not isinstance(threshold, Real) or isinstance(threshold, bool) or threshold < minimum:
            reading.problems.append(f"{spelled} ({kind}).threshold is {threshold!r}, below {minimum:g}")


def check(guardrail: ResourceView, config):
    reading = _Reading(guardrail)
    _pii(reading, [t for t in config["piiEntityTypes"] if t != CARD_NUMBER])
    _topics(reading, list(config["deniedTopics"]))
    _prompt_attack(reading, config["minPromptAttackStrength"])
    _grounding(reading, {"GROUNDING": config["minGroundingThreshold"], "RELEVANCE": config["minRelevanceThreshold"]})
    yield from settle(reading.problems, reading.unknowns, subject=describe(guardrail))


RULE = Rule(
    name="bedrock-guardrail-baseline",
    description=("Bedrock guardrails meet the configured baseline: required PII types blocked or anonymized, "
                 "required topics denied, prompt-attack filter on input, grounding and relevance thresholds."),
    severity="high",
    pci_dss=("3.3.1", "3.4.1", "3.5.1", "6.4.2"),
    soc2=("C1.1", "CC6.8", "PI1.3"),
    remediation=(
        "In the aws.bedrock.Guardrail set sensitive_information_policy_config.pii_entities_configs with action "
        "BLOCK or ANONYMIZE (both directions enabled) for every required type, topic_policy_config.topics_configs "
        "with type DENY for every required topic, a content_policy_config filter {type: PROMPT_ATTACK, "
        "input_strength: HIGH, input_action: BLOCK}, and contextual_grounding_policy_config filters GROUNDING and "
        "RELEVANCE at or above the thresholds; then publish a new GuardrailVersion."
    ),
    check=check,
    resource_types=(GUARDRAIL,),
    config_properties={
        "piiEntityTypes": {
            "type": "array", "uniqueItems": True,
            "items": {"type": "string", "enum": [t for t in PII_ENTITY_TYPES if t != CARD_NUMBER]},
            "description": ("PII entity types every guardrail must BLOCK or ANONYMIZE in both directions "
                            f"({CARD_NUMBER} is enforced by bedrock-guardrail-blocks-card-numbers)."),
        },
        "deniedTopics": {
            "type": "array", "uniqueItems": True, "items": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": "Names of topics every guardrail must deny (compared ignoring case and separators).",
        },
        "minPromptAttackStrength": {
            "type": "string", "enum": list(STRENGTHS[1:]),
            "description": "Weakest input strength allowed for the PROMPT_ATTACK content filter.",
        },
        "minGroundingThreshold": {"type": "number", "minimum": 0, "maximum": 0.99,
                                  "description": "Lowest contextual grounding threshold allowed."},
        "minRelevanceThreshold": {"type": "number", "minimum": 0, "maximum": 0.99,
                                  "description": "Lowest contextual relevance threshold allowed."},
    },
    default_config={
        "piiEntityTypes": ["CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "PIN",
                           "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "US_BANK_ACCOUNT_NUMBER",
                           "US_BANK_ROUTING_NUMBER", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "EMAIL", "PHONE"],
        "deniedTopics": ["InvestmentAdvice", "CreditDecisions"],
        "minPromptAttackStrength": "HIGH",
        "minGroundingThreshold": 0.7,
        "minRelevanceThreshold": 0.7,
    },
    violation_example=('aws.bedrock.Guardrail("support", content_policy_config={"filters_configs": [{"type": '
                       '"PROMPT_ATTACK", "input_strength": "LOW", "output_strength": "NONE"}]}, ...)'),
)

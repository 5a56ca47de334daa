"""The Bedrock guardrail every model call goes through, and its pinned, numbered version.

The policy is plain data (`GuardrailPolicy`), built and validated from config
before any resource is registered. A GuardrailVersion is replaced only when
its `guardrail_arn` or `description` changes, so the description carries a
SHA-256 of the canonical policy: every policy change publishes a new number,
and the number the application pins always matches what is in source control.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .config import PII_ENTITY_TYPES, ConfigError, GuardrailSettings

NAME_PATTERN = re.compile(r"^[0-9a-zA-Z_-]{1,50}$")
MAX_REGEX_LENGTH = 500
MAX_REGEXES = 30
MAX_TOPICS = 30
MAX_TOPIC_DEFINITION = 200
MAX_TOPIC_EXAMPLES = 5

BLOCKED_INPUT_MESSAGE = (
    "I can't help with that here. Please don't share card, bank or login details in chat; "
    "for account-specific help, contact us through the authenticated app."
)
BLOCKED_OUTPUT_MESSAGE = (
    "I can't provide that answer. For advice about your finances or a credit decision, "
    "please speak to a qualified member of our team."
)

# 13-19 digit card numbers written with spaces or dashes, which the built-in
# CREDIT_DEBIT_CARD_NUMBER detector can miss.
SEPARATED_PAN_PATTERN = r"\b\d{4}(?:[ -]?\d){9,15}\b"


@dataclass(frozen=True)
class RegexFilter:
    name: str
    pattern: str
    description: str
    action: str = "BLOCK"


@dataclass(frozen=True)
class DeniedTopic:
    name: str
    definition: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ContentFilter:
    type: str
    input_strength: str
    output_strength: str


DENIED_TOPICS = (
    DeniedTopic(
        name="InvestmentAdvice",
        definition="Recommendations to buy, sell or hold securities, funds, crypto-assets or other investments, "
                   "or predictions of their returns.",
        examples=("Should I buy Tesla shares?", "Which crypto will go up this year?",
                  "Is now a good time to move my savings into an index fund?"),
    ),
    DeniedTopic(
        name="RegulatedFinancialAdvice",
        definition="Personalised advice on pensions, mortgages, tax, insurance or debt that would need a "
                   "regulated adviser.",
        examples=("How should I restructure my debts?", "Which pension should I transfer into?",
                  "How can I pay less tax on my bonus?"),
    ),
    DeniedTopic(
        name="CreditDecisions",
        definition="Approving, declining or predicting a credit, loan, limit or overdraft decision, or a fraud "
                   "or dispute outcome, for a customer.",
        examples=("Will my loan application be approved?", "Increase my credit limit to 5000.",
                  "Is this transaction fraud? Decide for me.", "Can you approve my overdraft?"),
    ),
)

# AWS does not evaluate prompt attacks on model output: its output strength must be NONE.
CONTENT_FILTERS = (
    ContentFilter("PROMPT_ATTACK", "HIGH", "NONE"),
    ContentFilter("HATE", "HIGH", "HIGH"),
    ContentFilter("INSULTS", "HIGH", "HIGH"),
    ContentFilter("SEXUAL", "HIGH", "HIGH"),
    ContentFilter("VIOLENCE", "HIGH", "HIGH"),
    ContentFilter("MISCONDUCT", "HIGH", "HIGH"),
)


@dataclass(frozen=True)
class GuardrailPolicy:
    name: str
    pii_block: tuple[str, ...]
    pii_anonymize: tuple[str, ...]
    regexes: tuple[RegexFilter, ...]
    topics: tuple[DeniedTopic, ...]
    content_filters: tuple[ContentFilter, ...]
    grounding_threshold: float
    relevance_threshold: float
    blocked_input_message: str = BLOCKED_INPUT_MESSAGE
    blocked_output_message: str = BLOCKED_OUTPUT_MESSAGE

    @classmethod
    def from_settings(cls, name: str, settings: GuardrailSettings) -> "GuardrailPolicy":
        policy = cls(
            name=name,
            pii_block=settings.pii_block,
            pii_anonymize=settings.pii_anonymize,
            regexes=(
                RegexFilter("SeparatedCardNumber", SEPARATED_PAN_PATTERN,
                            "Card numbers (13-19 digits) written with spaces or dashes"),
                RegexFilter("OrganisationAccountNumber", settings.account_number_pattern,
                            "The organisation's own customer account-number format"),
            ),
            topics=DENIED_TOPICS,
            content_filters=CONTENT_FILTERS,
            grounding_threshold=settings.grounding_threshold,
            relevance_threshold=settings.relevance_threshold,
        )
        policy.validate()
        return policy

    def validate(self) -> None:
        """Bedrock's own limits, checked before anything is sent to AWS."""
        if not NAME_PATTERN.match(self.name):
            raise ConfigError(f"guardrail name {self.name!r} (from the stack name) is not allowed; "
                              "allowed: at most 50 characters of 0-9 a-z A-Z - _")
        unknown = [t for t in self.pii_block + self.pii_anonymize if t not in PII_ENTITY_TYPES]
        if unknown:
            raise ConfigError(f"perimeter:guardrail PII entity type {unknown[0]!r} is unknown; "
                              f"allowed: {', '.join(PII_ENTITY_TYPES)}")
        if len(self.regexes) > MAX_REGEXES or len(self.topics) > MAX_TOPICS:
            raise ConfigError(f"perimeter:guardrail has {len(self.regexes)} regexes and {len(self.topics)} topics; "
                              f"allowed: at most {MAX_REGEXES} of each")
        for regex in self.regexes:
            if len(regex.pattern) > MAX_REGEX_LENGTH:
                raise ConfigError(f"perimeter:guardrail regex {regex.name} has {len(regex.pattern)} characters; "
                                  f"allowed: at most {MAX_REGEX_LENGTH}")
        for topic in self.topics:
            if len(topic.definition) > MAX_TOPIC_DEFINITION or len(topic.examples) > MAX_TOPIC_EXAMPLES:
                raise ConfigError(f"guardrail topic {topic.name} is too long; allowed: a definition of at most "
                                  f"{MAX_TOPIC_DEFINITION} characters and at most {MAX_TOPIC_EXAMPLES} examples")

    def digest(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class GuardrailArgs:
    policy: GuardrailPolicy
    kms_key_arn: pulumi.Input[str]


def _pii_entity(entity_type: str, action: str) -> aws.bedrock.GuardrailSensitiveInformationPolicyConfigPiiEntitiesConfigArgs:
    return aws.bedrock.GuardrailSensitiveInformationPolicyConfigPiiEntitiesConfigArgs(
        type=entity_type, action=action,
        input_action=action, input_enabled=True,
        output_action=action, output_enabled=True,
    )


def _content_filter(spec: ContentFilter) -> aws.bedrock.GuardrailContentPolicyConfigFiltersConfigArgs:
    output_evaluated = spec.output_strength != "NONE"
    return aws.bedrock.GuardrailContentPolicyConfigFiltersConfigArgs(
        type=spec.type,
        input_strength=spec.input_strength, input_action="BLOCK", input_enabled=True,
        output_strength=spec.output_strength,
        output_action="BLOCK" if output_evaluated else "NONE", output_enabled=output_evaluated,
    )


def guardrail_inputs(policy: GuardrailPolicy) -> dict[str, Any]:
    """The aws.bedrock.Guardrail policy arguments for `policy`."""
    return dict(
        blocked_input_messaging=policy.blocked_input_message,
        blocked_outputs_messaging=policy.blocked_output_message,
        sensitive_information_policy_config=aws.bedrock.GuardrailSensitiveInformationPolicyConfigArgs(
            pii_entities_configs=[_pii_entity(t, "BLOCK") for t in policy.pii_block]
            + [_pii_entity(t, "ANONYMIZE") for t in policy.pii_anonymize],
            regexes_configs=[
                aws.bedrock.GuardrailSensitiveInformationPolicyConfigRegexesConfigArgs(
                    name=r.name, pattern=r.pattern, description=r.description, action=r.action,
                    input_action=r.action, input_enabled=True, output_action=r.action, output_enabled=True,
                )
                for r in policy.regexes
            ],
        ),
        topic_policy_config=aws.bedrock.GuardrailTopicPolicyConfigArgs(
            topics_configs=[
                aws.bedrock.GuardrailTopicPolicyConfigTopicsConfigArgs(
                    name=t.name, definition=t.definition, examples=list(t.examples), type="DENY",
                )
                for t in policy.topics
            ],
        ),
        content_policy_config=aws.bedrock.GuardrailContentPolicyConfigArgs(
            filters_configs=[_content_filter(f) for f in policy.content_filters],
        ),
        contextual_grounding_policy_config=aws.bedrock.GuardrailContextualGroundingPolicyConfigArgs(
            filters_configs=[
                aws.bedrock.GuardrailContextualGroundingPolicyConfigFiltersConfigArgs(
                    type="GROUNDING", threshold=policy.grounding_threshold),
                aws.bedrock.GuardrailContextualGroundingPolicyConfigFiltersConfigArgs(
                    type="RELEVANCE", threshold=policy.relevance_threshold),
            ],
        ),
    )


class Guardrail(pulumi.ComponentResource):
    guardrail: aws.bedrock.Guardrail
    guardrail_version: aws.bedrock.GuardrailVersion

    def __init__(self, name: str, args: GuardrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:ai:Guardrail", name, None, opts)
        self.guardrail = aws.bedrock.Guardrail(
            name,
            name=args.policy.name,
            description="Perimeter guardrail: blocks card/bank data, masks PII, denies regulated advice",
            kms_key_arn=args.kms_key_arn,
            **guardrail_inputs(args.policy),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.policy_digest = args.policy.digest()
        # skip_destroy keeps superseded versions: they are the record of which policy was in force when.
        self.guardrail_version = aws.bedrock.GuardrailVersion(
            name,
            guardrail_arn=self.guardrail.guardrail_arn,
            description=f"perimeter policy sha256:{self.policy_digest}",
            skip_destroy=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.guardrail.guardrail_arn
        self.guardrail_id = self.guardrail.guardrail_id
        self.version = self.guardrail_version.version
        self.register_outputs({"arn": self.arn, "id": self.guardrail_id, "version": self.version,
                               "policyDigest": self.policy_digest})

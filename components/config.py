"""The one typed, validated view of a stack's configuration.

Every setting the program uses is read here, from `aws:region` and the
`perimeter:` namespace, and checked against `config.schema.json` plus the
cross-field rules JSON Schema cannot say (region approved, geography matches
the region, no weakening of the card-data block list, dates not in the future).

Bad configuration raises `ConfigError` before any resource is registered.
Its str() is one line naming the key and the allowed values; `__main__.py`
re-raises it as `pulumi.RunError`, which the engine prints without a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import jsonschema
import pulumi

NAMESPACE = "perimeter"
SCHEMA_PATH = Path(__file__).with_name("config.schema.json")
SCHEMA: dict = json.loads(SCHEMA_PATH.read_text())

PII_ENTITY_TYPES: tuple[str, ...] = tuple(SCHEMA["$defs"]["piiEntityType"]["enum"])

# Card and bank identifiers plus cloud credentials: a stack may add to this
# list but never move one of these to ANONYMIZE or drop it (PCI DSS 3.3 / 3.5).
ALWAYS_BLOCKED: tuple[str, ...] = (
    "CREDIT_DEBIT_CARD_NUMBER", "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "PIN",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
    "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
)
# Personal data is masked, not refused, so a customer can still be helped.
ALWAYS_ANONYMIZED: tuple[str, ...] = (
    "NAME", "EMAIL", "PHONE", "ADDRESS",
    "US_SOCIAL_SECURITY_NUMBER", "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER",
    "UK_NATIONAL_INSURANCE_NUMBER", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
    "CA_SOCIAL_INSURANCE_NUMBER", "CA_HEALTH_NUMBER", "DRIVER_ID",
)

EMBEDDING_DIMENSIONS = {
    "amazon.titan-embed-text-v2:0": 1024,
    "cohere.embed-english-v3": 1024,
    "cohere.embed-multilingual-v3": 1024,
}
assert set(EMBEDDING_DIMENSIONS) == set(SCHEMA["$defs"]["embeddingModelId"]["enum"])

NO_GEOGRAPHY = "none"
# Regions whose cross-region inference profiles keep processing inside the
# geography. Longest prefix wins; a region not listed may only use "none".
GEOGRAPHY_REGIONS: dict[str, tuple[str, ...]] = {
    "eu": ("eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3"),
    "us": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
    "us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "apac": ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
             "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
}

DEFAULT_VPC_CIDR = "10.42.0.0/16"
# Environments whose alarms must reach a person: an unsubscribed topic alerts nobody.
ALERTED_ENVIRONMENTS = ("staging", "prod")
DEFAULT_ASSISTANT_CONCURRENCY = 10
STACK_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,11}$")
AUTONOMOUS_DECISIONS_LIMIT = "no autonomous credit, fraud or filing decisions"


class ConfigError(Exception):
    """Bad stack configuration. str() is one line: the key, the problem, the allowed values."""


@dataclass(frozen=True)
class ModelChoice:
    id: str
    version: str


@dataclass(frozen=True)
class Retention:
    audit_days: int
    invocation_log_days: int
    knowledge_source_days: int


@dataclass(frozen=True)
class GuardrailSettings:
    grounding_threshold: float
    relevance_threshold: float
    account_number_pattern: str
    pii_block: tuple[str, ...]
    pii_anonymize: tuple[str, ...]


@dataclass(frozen=True)
class GovernanceSettings:
    purpose: str
    data_touched: tuple[str, ...]
    intended_use: str
    limits: tuple[str, ...]
    evaluation_plan: str
    monitoring_plan: str
    bedrock_no_training_confirmed_on: dt.date
    aws_attestations_confirmed_on: dt.date
    bedrock_no_training_source: SourceDocument
    aws_attestations_source: SourceDocument
    inherited_control_max_age_days: int


@dataclass(frozen=True)
class SourceDocument:
    """Where an inherited control is stated: the document's name and URL."""

    name: str
    url: str


@dataclass(frozen=True)
class LaunchGateSettings:
    """What `perimeter evaluate` measures against, and what the launch gate accepts."""

    require_live: bool
    accept_records_from: tuple[str, ...]
    min_attack_block_rate: float
    min_denied_topic_block_rate: float
    min_pii_protection_rate: float
    min_grounding_escalation_rate: float
    max_false_refusal_rate: float
    min_prompt_attack_strength: str
    min_grounding_threshold: float


@dataclass(frozen=True)
class AlertSettings:
    emails: tuple[str, ...]
    https_endpoints: tuple[str, ...]


@dataclass(frozen=True)
class PerimeterConfig:
    stack: str
    region: str
    owner: str
    environment: str
    data_classification: str
    approved_regions: tuple[str, ...]
    inference_geography: str
    model: ModelChoice
    embedding_model_id: str
    retention: Retention
    guardrail: GuardrailSettings
    governance: GovernanceSettings
    auditor_principals: tuple[str, ...]
    vpc_cidr: str
    alerts: AlertSettings
    assistant_reserved_concurrency: int
    # None: the stack is not gated (allowed outside prod); evaluation then uses the schema's defaults.
    launch_gate: Optional[LaunchGateSettings] = None

    @property
    def evaluation_thresholds(self) -> LaunchGateSettings:
        return self.launch_gate or _launch_gate_settings({"requireLive": False}, self.stack)

    @property
    def uses_cross_region_inference(self) -> bool:
        return self.inference_geography != NO_GEOGRAPHY

    @property
    def invocation_model_id(self) -> str:
        """What the application passes as modelId: the plain id, or the geography's profile id."""
        if self.uses_cross_region_inference:
            return f"{self.inference_geography}.{self.model.id}"
        return self.model.id

    @property
    def inference_regions(self) -> tuple[str, ...]:
        """Every region a request may be processed in."""
        if self.uses_cross_region_inference:
            return GEOGRAPHY_REGIONS[self.inference_geography]
        return (self.region,)

    @property
    def embedding_dimensions(self) -> int:
        return EMBEDDING_DIMENSIONS[self.embedding_model_id]


def load_config() -> PerimeterConfig:
    """Read and validate the current stack's configuration from the Pulumi runtime."""
    _check_known_keys(_namespace_keys())
    perimeter = pulumi.Config(NAMESPACE)
    raw = {}
    for key, schema in SCHEMA["properties"].items():
        text = perimeter.get(key)
        if text is not None:
            raw[key] = text if _is_string_valued(schema) else _parse_json(key, text)
    return parse_config(raw, region=pulumi.Config("aws").get("region"), stack=pulumi.get_stack())


def _namespace_keys() -> list[str]:
    """Every `perimeter:*` key the stack sets, read or not (a misspelt key must not fall back to a default)."""
    from pulumi.runtime.config import CONFIG, get_config_env

    prefix = f"{NAMESPACE}:"
    return sorted({key[len(prefix):] for key in {*CONFIG.get(), *get_config_env()} if key.startswith(prefix)})


def _check_known_keys(keys: Sequence[str]) -> None:
    allowed = list(SCHEMA["properties"])
    for key in keys:
        if key not in allowed:
            raise ConfigError(f"{NAMESPACE}:{key} is not a known key"
                              f"{_suggest(f'{NAMESPACE}:{key}', [f'{NAMESPACE}:{k}' for k in allowed])}; "
                              f"allowed: {', '.join(allowed)}")


def parse_config(raw: Mapping[str, Any], *, region: Optional[str], stack: str) -> PerimeterConfig:
    """Validate plain values (keys without the `perimeter:` prefix) into a PerimeterConfig."""
    if not STACK_NAME_PATTERN.match(stack):
        raise ConfigError(
            f"stack name {stack!r} is not allowed; allowed: 1-12 lowercase letters, digits or '-', "
            "starting with a letter (resource names are derived from it)"
        )
    _check_schema(raw)
    approved = tuple(raw["approvedRegions"])
    _check_region(region, approved)
    geography = raw.get("inferenceGeography", NO_GEOGRAPHY)
    _check_geography(geography, region)
    guardrail = _guardrail_settings(raw["guardrail"])
    return PerimeterConfig(
        stack=stack,
        region=region,
        owner=raw["owner"],
        environment=raw["environment"],
        data_classification=raw["dataClassification"],
        approved_regions=approved,
        inference_geography=geography,
        model=ModelChoice(**raw["model"]),
        embedding_model_id=raw["embeddingModelId"],
        retention=Retention(
            audit_days=raw["retention"]["auditDays"],
            invocation_log_days=raw["retention"]["invocationLogDays"],
            knowledge_source_days=raw["retention"]["knowledgeSourceDays"],
        ),
        guardrail=guardrail,
        governance=_governance_settings(raw["governance"]),
        launch_gate=_checked_launch_gate(raw, stack),
        auditor_principals=tuple(raw["auditorPrincipals"]),
        vpc_cidr=_vpc_cidr(raw.get("vpcCidr", DEFAULT_VPC_CIDR)),
        alerts=_alert_settings(raw.get("alerts", {}), raw["environment"]),
        assistant_reserved_concurrency=raw.get("assistant", {}).get("reservedConcurrency",
                                                                    DEFAULT_ASSISTANT_CONCURRENCY),
    )


def _is_string_valued(schema: Mapping[str, Any]) -> bool:
    if schema.get("type") == "string":
        return True
    enum = _resolve(schema).get("enum")
    return bool(enum) and all(isinstance(v, str) for v in enum)


def _parse_json(key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{NAMESPACE}:{key} is not valid structured config ({error.msg}); "
                          f"allowed: {_describe(SCHEMA['properties'][key])}") from None


def _key(path: Sequence[Any]) -> str:
    text = f"{NAMESPACE}:"
    for i, step in enumerate(path):
        text += f"[{step}]" if isinstance(step, int) else (step if i == 0 else f".{step}")
    return text


def _describe(schema: Mapping[str, Any]) -> str:
    schema = _resolve(schema)
    if "enum" in schema:
        return ", ".join(str(v) for v in schema["enum"])
    if "description" in schema:
        return schema["description"]
    if "properties" in schema:
        return "an object with " + ", ".join(schema["properties"])
    return f"a {schema.get('type', 'value')}"


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    return SCHEMA["$defs"][ref.rsplit("/", 1)[-1]] if ref else schema


def _suggest(value: Any, choices: Sequence[Any]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_schema(raw: Mapping[str, Any]) -> None:
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(raw))
    if error is None:
        return
    path, value, schema, kind = list(error.absolute_path), error.instance, error.schema, error.validator
    if kind == "required":
        missing = next(k for k in error.validator_value if k not in value)
        field_schema = schema["properties"][missing]
        raise ConfigError(f"{_key(path + [missing])} is required; allowed: {_describe(field_schema)}")
    if kind == "additionalProperties":
        allowed = list(schema["properties"])
        unknown = sorted(set(value) - set(allowed))[0]
        raise ConfigError(f"{_key(path + [unknown])} is not a known key{_suggest(unknown, allowed)}; "
                          f"allowed: {', '.join(allowed)}")
    if kind == "enum":
        raise ConfigError(f"{_key(path)} = {value!r} is not allowed{_suggest(value, schema['enum'])}; "
                          f"allowed: {_describe(schema)}")
    if kind in ("minimum", "maximum"):
        raise ConfigError(f"{_key(path)} = {value!r} is out of bounds; allowed: "
                          f"{schema.get('minimum', '-inf')} to {schema.get('maximum', 'inf')}")
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        unit = "characters" if kind.endswith("Length") else "items"
        bound = "at least" if kind.startswith("min") else "at most"
        raise ConfigError(f"{_key(path)} has {len(value)} {unit}; allowed: {bound} {error.validator_value} {unit}")
    if kind == "uniqueItems":
        raise ConfigError(f"{_key(path)} lists a value twice; allowed: each value once")
    if kind == "pattern":
        raise ConfigError(f"{_key(path)} = {value!r} is not well formed; allowed: {_describe(schema)}")
    if kind == "type":
        raise ConfigError(f"{_key(path)} must be {error.validator_value}, got {type(value).__name__}; "
                          f"allowed: {_describe(schema)}")
    raise ConfigError(f"{_key(path)}: {error.message}")


def _check_region(region: Optional[str], approved: Sequence[str]) -> None:
    allowed = ", ".join(approved)
    if not region:
        raise ConfigError(f"aws:region is required; allowed: {allowed} (perimeter:approvedRegions)")
    if region not in approved:
        raise ConfigError(f"aws:region = {region!r} is not in perimeter:approvedRegions{_suggest(region, approved)}; "
                          f"allowed: {allowed}")


def _check_geography(geography: str, region: str) -> None:
    if geography == NO_GEOGRAPHY:
        return
    allowed = [NO_GEOGRAPHY] + [g for g, regions in GEOGRAPHY_REGIONS.items() if region in regions]
    if geography not in allowed:
        raise ConfigError(f"perimeter:inferenceGeography = {geography!r} would route requests outside "
                          f"aws:region {region}'s geography; allowed: {', '.join(allowed)}")


def _guardrail_settings(raw: Mapping[str, Any]) -> GuardrailSettings:
    extra_block = tuple(raw.get("piiBlock", ()))
    extra_anonymize = tuple(raw.get("piiAnonymize", ()))
    weakened = [t for t in extra_anonymize if t in ALWAYS_BLOCKED]
    if weakened:
        raise ConfigError(f"perimeter:guardrail.piiAnonymize lists {weakened[0]}, which is always blocked; allowed: "
                          + ", ".join(t for t in PII_ENTITY_TYPES if t not in ALWAYS_BLOCKED))
    both = [t for t in extra_anonymize if t in extra_block]
    if both:
        raise ConfigError(f"perimeter:guardrail.piiAnonymize and piiBlock both list {both[0]}; "
                          "allowed: each entity type in one list")
    try:
        re.compile(raw["accountNumberPattern"])
    except re.error as error:
        raise ConfigError(f"perimeter:guardrail.accountNumberPattern is not a valid regex ({error}); "
                          "allowed: a regular expression of at most 500 characters") from None
    block = tuple(dict.fromkeys(ALWAYS_BLOCKED + extra_block))
    anonymize = tuple(t for t in dict.fromkeys(ALWAYS_ANONYMIZED + extra_anonymize) if t not in block)
    return GuardrailSettings(
        grounding_threshold=raw["groundingThreshold"],
        relevance_threshold=raw["relevanceThreshold"],
        account_number_pattern=raw["accountNumberPattern"],
        pii_block=block,
        pii_anonymize=anonymize,
    )


def _confirmed_on(raw: Mapping[str, Any], key: str) -> dt.date:
    allowed = "a real YYYY-MM-DD date, not in the future"
    try:
        day = dt.date.fromisoformat(raw[key])
    except ValueError:
        raise ConfigError(f"perimeter:governance.{key} = {raw[key]!r} is not a date; allowed: {allowed}") from None
    if day > dt.date.today():
        raise ConfigError(f"perimeter:governance.{key} = {raw[key]!r} is in the future; allowed: {allowed}")
    return day


def _governance_settings(raw: Mapping[str, Any]) -> GovernanceSettings:
    limits = tuple(raw["limits"])
    if AUTONOMOUS_DECISIONS_LIMIT not in limits:
        limits += (AUTONOMOUS_DECISIONS_LIMIT,)
    return GovernanceSettings(
        purpose=raw["purpose"],
        data_touched=tuple(raw["dataTouched"]),
        intended_use=raw["intendedUse"],
        limits=limits,
        evaluation_plan=raw["evaluationPlan"],
        monitoring_plan=raw["monitoringPlan"],
        bedrock_no_training_confirmed_on=_confirmed_on(raw, "bedrockNoTrainingConfirmedOn"),
        aws_attestations_confirmed_on=_confirmed_on(raw, "awsAttestationsConfirmedOn"),
        bedrock_no_training_source=SourceDocument(**raw["bedrockNoTrainingSource"]),
        aws_attestations_source=SourceDocument(**raw["awsAttestationsSource"]),
        inherited_control_max_age_days=raw.get("inheritedControlMaxAgeDays",
                                               _default("governance", "inheritedControlMaxAgeDays")),
    )


def _default(*path: str) -> Any:
    """A default stated in config.schema.json (the one place defaults live)."""
    schema: Mapping[str, Any] = SCHEMA
    for key in path:
        schema = schema["properties"][key]
    return schema["default"]


def _launch_gate_settings(raw: Mapping[str, Any], stack: str) -> LaunchGateSettings:
    def value(key: str) -> Any:
        return raw.get(key, _default("launchGate", key))

    return LaunchGateSettings(
        require_live=raw["requireLive"],
        accept_records_from=tuple(raw.get("acceptRecordsFrom", (stack,))),
        min_attack_block_rate=value("minAttackBlockRate"),
        min_denied_topic_block_rate=value("minDeniedTopicBlockRate"),
        min_pii_protection_rate=value("minPiiProtectionRate"),
        min_grounding_escalation_rate=value("minGroundingEscalationRate"),
        max_false_refusal_rate=value("maxFalseRefusalRate"),
        min_prompt_attack_strength=value("minPromptAttackStrength"),
        min_grounding_threshold=value("minGroundingThreshold"),
    )


def _checked_launch_gate(raw: Mapping[str, Any], stack: str) -> Optional[LaunchGateSettings]:
    """Prod is gated on a live evaluation: only a live record proves the deployed guardrail was tested."""
    if "launchGate" not in raw:
        if raw["environment"] == "prod":
            raise ConfigError("perimeter:launchGate is required when perimeter:environment is prod; allowed: "
                              + _describe(SCHEMA["properties"]["launchGate"]))
        return None
    if raw["environment"] == "prod" and not raw["launchGate"]["requireLive"]:
        raise ConfigError("perimeter:launchGate.requireLive = false is not allowed in prod; allowed: true "
                          "(prod launches only on a live evaluation)")
    return _launch_gate_settings(raw["launchGate"], stack)


def _alert_settings(raw: Mapping[str, Any], environment: str) -> AlertSettings:
    alerts = AlertSettings(emails=tuple(raw.get("emails", ())), https_endpoints=tuple(raw.get("httpsEndpoints", ())))
    if environment in ALERTED_ENVIRONMENTS and not (alerts.emails or alerts.https_endpoints):
        raise ConfigError(f"perimeter:alerts is required in {environment}; allowed: {_describe(SCHEMA['properties']['alerts'])}")
    return alerts


def _vpc_cidr(text: str) -> str:
    allowed = "a private (RFC 1918) IPv4 block between /16 and /22, e.g. 10.42.0.0/16"
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        raise ConfigError(f"perimeter:vpcCidr = {text!r} is not a network address; allowed: {allowed}") from None
    if not network.is_private or not 16 <= network.prefixlen <= 22:
        raise ConfigError(f"perimeter:vpcCidr = {text!r} is not allowed; allowed: {allowed}")
    return str(network)

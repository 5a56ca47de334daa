"""Config: every stack file validates; every kind of bad config fails before any resource, in one line."""

import copy

import pulumi
import pytest

from components.config import ALWAYS_BLOCKED, ConfigError, parse_config
from tests.components.conftest import STACK_NAMES, run_program, stack_config


def _raw(stack: str) -> tuple[dict, str]:
    config = stack_config(stack)
    raw = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("perimeter:")}
    return raw, config["aws:region"]


def _parsed(stack: str):
    raw, region = _raw(stack)
    return parse_config(raw, region=region, stack=stack)


@pytest.mark.parametrize("stack", STACK_NAMES)
def test_every_stack_file_is_valid(stack):
    config = _parsed(stack)
    assert config.region == stack_config(stack)["aws:region"] and config.region in config.approved_regions
    assert set(ALWAYS_BLOCKED) <= set(config.guardrail.pii_block)
    assert not set(config.guardrail.pii_block) & set(config.guardrail.pii_anonymize)
    assert "no autonomous credit, fraud or filing decisions" in config.governance.limits


def test_stacks_differ_where_the_environments_should():
    dev, staging, prod = (_parsed(s) for s in STACK_NAMES)
    assert (dev.region, staging.region, prod.region) == ("eu-west-1", "eu-west-1", "eu-central-1")
    assert dev.invocation_model_id == dev.model.id
    assert staging.invocation_model_id.startswith("eu.") and prod.invocation_model_id.startswith("eu.")
    assert prod.retention.audit_days > staging.retention.audit_days > dev.retention.audit_days
    assert prod.retention.invocation_log_days < staging.retention.invocation_log_days < dev.retention.invocation_log_days
    # Staging runs prod's guardrail exactly, so its live evaluation record can open prod's launch gate.
    assert prod.guardrail == staging.guardrail and prod.model == staging.model
    assert prod.guardrail.grounding_threshold > dev.guardrail.grounding_threshold
    assert prod.guardrail.relevance_threshold > dev.guardrail.relevance_threshold


DELETE = object()


def _edit(config: dict, path: str, value) -> None:
    """Set (or, for DELETE, remove) `path`: a config key, then dotted keys inside its object."""
    key, *inner = path.split(".")
    parent, leaf = config, key
    if inner:
        parent = config[key]
        for step in inner[:-1]:
            parent = parent[step]
        leaf = inner[-1]
    if value is DELETE:
        del parent[leaf]
    else:
        parent[leaf] = value


BAD_CONFIGS = {
    "misspelled region": ("aws:region", "eu-wset-1",
                          ["aws:region", "'eu-wset-1'", "did you mean 'eu-west-1'", "allowed: eu-west-1"]),
    "unapproved region": ("aws:region", "us-east-1", ["aws:region", "allowed: eu-west-1"]),
    "missing region": ("aws:region", DELETE, ["aws:region is required", "allowed: eu-west-1"]),
    "missing owner": ("perimeter:owner", DELETE, ["perimeter:owner is required"]),
    "missing purpose": ("perimeter:governance.purpose", DELETE, ["perimeter:governance.purpose is required"]),
    "missing confirmed date": ("perimeter:governance.bedrockNoTrainingConfirmedOn", DELETE,
                               ["perimeter:governance.bedrockNoTrainingConfirmedOn is required", "YYYY-MM-DD"]),
    "malformed confirmed date": ("perimeter:governance.awsAttestationsConfirmedOn", "2025-13-45",
                                 ["perimeter:governance.awsAttestationsConfirmedOn", "not a date"]),
    "future confirmed date": ("perimeter:governance.awsAttestationsConfirmedOn", "2999-01-01",
                              ["in the future"]),
    "audit retention too short": ("perimeter:retention.auditDays", 90,
                                  ["perimeter:retention.auditDays = 90", "allowed: 365, 400"]),
    "invocation retention too long": ("perimeter:retention.invocationLogDays", 365,
                                      ["perimeter:retention.invocationLogDays = 365", "allowed: 1, 3"]),
    "invocation retention not a CloudWatch value": ("perimeter:retention.invocationLogDays", 45,
                                                    ["invocationLogDays = 45", "180"]),
    "knowledge retention out of bounds": ("perimeter:retention.knowledgeSourceDays", 5000,
                                          ["perimeter:retention.knowledgeSourceDays = 5000", "allowed: 30 to 730"]),
    "unknown PII entity": ("perimeter:guardrail.piiBlock", ["CREDIT_CARD"],
                           ["perimeter:guardrail.piiBlock[0] = 'CREDIT_CARD'", "CREDIT_DEBIT_CARD_NUMBER"]),
    "card number anonymized instead of blocked": ("perimeter:guardrail.piiAnonymize", ["CREDIT_DEBIT_CARD_NUMBER"],
                                                  ["piiAnonymize", "always blocked", "allowed:"]),
    "grounding threshold switched off": ("perimeter:guardrail.groundingThreshold", 0,
                                         ["perimeter:guardrail.groundingThreshold = 0", "allowed: 0.5 to 0.99"]),
    "account pattern too long": ("perimeter:guardrail.accountNumberPattern", "\\d" * 300,
                                 ["accountNumberPattern", "at most 500 characters"]),
    "account pattern not a regex": ("perimeter:guardrail.accountNumberPattern", "ACC-(\\d{8}",
                                    ["accountNumberPattern is not a valid regex"]),
    "unknown key in an object": ("perimeter:retention.auditDayz", 400,
                                 ["perimeter:retention.auditDayz is not a known key", "did you mean 'auditDays'"]),
    "global inference geography": ("perimeter:inferenceGeography", "global",
                                   ["perimeter:inferenceGeography = 'global'", "allowed: none, eu"]),
    "geography outside the region": ("perimeter:inferenceGeography", "us", ["would route requests outside", "eu"]),
    "unknown embedding model": ("perimeter:embeddingModelId", "amazon.titan-embed-text-v1",
                                ["perimeter:embeddingModelId", "amazon.titan-embed-text-v2:0"]),
    "public VPC range": ("perimeter:vpcCidr", "8.8.0.0/16", ["perimeter:vpcCidr", "RFC 1918"]),
    "no auditors": ("perimeter:auditorPrincipals", [], ["perimeter:auditorPrincipals", "at least 1"]),
    "auditor not an IAM ARN": ("perimeter:auditorPrincipals", ["security-team"],
                               ["perimeter:auditorPrincipals[0]", "an IAM role or user ARN"]),
}


@pytest.mark.parametrize("path, value, expected", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_bad_config_fails_before_any_resource_with_one_line(path, value, expected):
    config = copy.deepcopy(stack_config("dev"))
    _edit(config, path, value)
    registered = []
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, "dev", registered=registered)
    assert registered == []
    message = str(raised.value)
    assert "\n" not in message
    for fragment in expected:
        assert fragment in message, message


def test_bad_stack_name_fails_with_one_line():
    with pytest.raises(pulumi.RunError, match=r"^stack name 'Production-EU-West' is not allowed; allowed: "):
        run_program(stack_config("dev"), "Production-EU-West")


def test_config_error_is_its_own_exception_type():
    raw, _ = _raw("dev")
    with pytest.raises(ConfigError):
        parse_config(raw, region="eu-west-2", stack="dev")

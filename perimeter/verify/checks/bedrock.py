"""Bedrock: metadata-only model-invocation logging to encrypted stores, a live versioned guardrail that stops card numbers."""

from __future__ import annotations

from ..outputs import GUARDRAIL, INVOCATION_LOGGING
from . import check
from ._keys import key_problems
from .logs import log_group
from .s3 import bucket_encryption_problems

CARD_NUMBER = "CREDIT_DEBIT_CARD_NUMBER"
STOPPING_ACTIONS = ("BLOCK", "ANONYMIZE")
READY = "READY"
# Absent means on: the service and pulumi-aws both default content delivery to true.
CONTENT_FLAGS = ("textDataDeliveryEnabled", "imageDataDeliveryEnabled", "embeddingDataDeliveryEnabled",
                 "videoDataDeliveryEnabled")


@check("bedrock-invocation-logging-configured", INVOCATION_LOGGING)
def invocation_logging_to_expected_encrypted_stores(reader, target):
    config = (reader.call("bedrock", "GetModelInvocationLoggingConfiguration") or {}).get("loggingConfig") or {}
    bucket = config.get("s3Config", {}).get("bucketName")
    group = config.get("cloudWatchConfig", {}).get("logGroupName")
    if not (bucket or group):
        yield "model invocation logging is not configured in this region; prompts and completions are not recorded."
        return
    for kind, actual, expected in (("bucket", bucket, target.spec.get("bucket")),
                                   ("log group", group, target.spec.get("logGroup"))):
        if expected and actual != expected:
            yield f"model invocation logging writes to {kind} {actual or '(none)'}, not the expected {expected}."
    if bucket:
        yield from bucket_encryption_problems(reader, bucket)
    if group:
        yield from key_problems(reader, f"log group {group}", log_group(reader, group).get("kmsKeyId"), None)


@check("bedrock-invocation-logging-metadata-only", INVOCATION_LOGGING)
def invocation_logging_holds_no_content(reader, target):
    config = (reader.call("bedrock", "GetModelInvocationLoggingConfiguration") or {}).get("loggingConfig") or {}
    delivered = [flag for flag in CONTENT_FLAGS if config and config.get(flag) is not False]
    if delivered:
        yield (f"model invocation logging delivers content ({', '.join(delivered)}): prompts and answers, and any card "
               "number in them, are written to the log stores; the stack deploys metadata only.")


def _guardrail(reader, target, version=None):
    params = {"guardrailIdentifier": target.urn, **({"guardrailVersion": version} if version else {})}
    return reader.call("bedrock", "GetGuardrail", **params)


def _numbered_versions(reader, target) -> list[str]:
    listed = reader.call("bedrock", "ListGuardrails", paginate=True, guardrailIdentifier=target.urn)["guardrails"]
    return sorted((g["version"] for g in listed if g["version"].isdigit()), key=int)


def pinned_version(reader, target) -> str:
    """The version the stack pins; without outputs, the newest numbered version (or DRAFT)."""
    return target.spec.get("version") or (_numbered_versions(reader, target) or ["DRAFT"])[-1]


@check("bedrock-guardrail-live", GUARDRAIL)
def guardrail_ready_with_numbered_version(reader, target):
    draft = _guardrail(reader, target)
    if draft.get("status") != READY:
        yield f"guardrail {target.name} is {draft.get('status')}, not {READY}."
    version = pinned_version(reader, target)
    if not version.isdigit():
        yield f"guardrail {target.name} has no numbered version; applications can only call the mutable DRAFT."
        return
    published = _guardrail(reader, target, version)
    if published.get("status") != READY:
        yield f"guardrail {target.name} version {version} is {published.get('status')}, not {READY}."


def _direction_problems(entity, direction: str):
    enabled = entity.get(f"{direction}Enabled", True)
    action = entity.get(f"{direction}Action") or entity.get("action")
    if not enabled or action not in STOPPING_ACTIONS:
        yield f"{direction} {'disabled' if not enabled else f'action {action}'}"


@check("bedrock-guardrail-blocks-card-numbers", GUARDRAIL)
def guardrail_stops_card_numbers(reader, target):
    version = pinned_version(reader, target)
    entities = _guardrail(reader, target, version).get("sensitiveInformationPolicy", {}).get("piiEntities", [])
    card = next((e for e in entities if e.get("type") == CARD_NUMBER), None)
    if card is None:
        yield f"guardrail {target.name} version {version} has no {CARD_NUMBER} filter."
        return
    gaps = [gap for direction in ("input", "output") for gap in _direction_problems(card, direction)]
    if gaps:
        yield (f"guardrail {target.name} version {version} lets card numbers through ({'; '.join(gaps)}); "
               f"input and output must {' or '.join(STOPPING_ACTIONS)}.")

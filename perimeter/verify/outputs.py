"""The outputs contract: which live resources `perimeter verify` checks, and what it expects of them.

The stack exports these keys (`pulumi.export`); `pulumi stack output --json`
writes them to the file given as `--outputs`. Other exports may sit beside
them and are ignored. Without `--outputs`, `discover` builds the same document
from the resources tagged `environment=<stack>`, without the expectations only
the program knows (which key encrypts what, which guardrail version is pinned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import jsonschema

from ..errors import UsageError
from ..inputs import load_document

# PCI DSS 10.5.1 wants a year of audit history; beyond 7 years data is kept
# longer than any stated purpose (SOC 2 C1.2). A resource entry can override.
DEFAULT_RETENTION_DAYS = {"min": 365, "max": 2557}

_NAME = {"type": "string", "minLength": 1}
_KEY_ARN = {"type": "string", "pattern": r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$"}
_RETENTION = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "properties": {"min": {"type": "integer", "minimum": 1}, "max": {"type": "integer", "minimum": 1}},
}
_ENCRYPTED_STORE = {  # a bucket or a log group: where it is, which key, how long data stays
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {"name": _NAME, "kmsKeyArn": _KEY_ARN, "retentionDays": _RETENTION},
}


def _by_purpose(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "object", "minProperties": 1, "additionalProperties": entry}


OUTPUTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "perimeter verify outputs",
    "type": "object",
    "required": ["kmsKeyArns", "buckets", "trail", "logGroups", "invocationLogging", "guardrail", "vpcEndpointIds"],
    "properties": {
        "region": {"type": "string", "pattern": r"^[a-z]{2}(-[a-z]+)+-\d$"},
        "kmsKeyArns": _by_purpose(_KEY_ARN),
        "buckets": _by_purpose(_ENCRYPTED_STORE),
        "logGroups": _by_purpose(_ENCRYPTED_STORE),
        "trail": {"type": "object", "additionalProperties": False, "required": ["name"],
                  "properties": {"name": _NAME, "kmsKeyArn": _KEY_ARN}},
        "invocationLogging": {"type": "object", "additionalProperties": False, "required": ["bucket", "logGroup"],
                              "properties": {"bucket": _NAME, "logGroup": _NAME}},
        "guardrail": {"type": "object", "additionalProperties": False, "required": ["id", "version"],
                      "properties": {"id": _NAME, "version": {"type": "string", "pattern": r"^[1-9]\d{0,7}$"}}},
        "vpcEndpointIds": {"type": "array", "minItems": 1, "uniqueItems": True,
                           "items": {"type": "string", "pattern": r"^vpce-[0-9a-f]+$"}},
        "opensearchCollections": _by_purpose({
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{2,31}$"}, "kmsKeyArn": _KEY_ARN}}),
        "defaultRetentionDays": _RETENTION,
    },
}

# Pulumi type tokens, so live rows line up with preview rows for the same control.
KMS_KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
TRAIL = "aws:cloudtrail/trail:Trail"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
COLLECTION = "aws:opensearch/serverlessCollection:ServerlessCollection"
# A collection's data access policies are resources of their own, so they get their own row.
COLLECTION_ACCESS = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
GUARDDUTY = "aws:guardduty/detector:Detector"
CONFIG_RECORDER = "aws:cfg/recorder:Recorder"
SECURITY_HUB = "aws:securityhub/account:Account"
DETECTION_SERVICES = {GUARDDUTY: "guardduty", CONFIG_RECORDER: "config", SECURITY_HUB: "securityhub"}


@dataclass(frozen=True)
class Target:
    """One live thing a check looks at: `urn` is its ARN (or a stable aws:// name for account settings)."""

    type: str
    urn: str
    name: str
    spec: Mapping[str, Any] = field(default_factory=dict)


def validate(document: Any, source: str) -> dict[str, Any]:
    """The document, or a UsageError naming the first problem and where it is."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(OUTPUTS_SCHEMA).iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise UsageError(f"{source}: invalid outputs at {where}: {error.message}")
    return document


def load(path: str) -> dict[str, Any]:
    return validate(load_document(path, what="--outputs", fix="write it with `pulumi stack output --json`"), path)


def targets(outputs: Mapping[str, Any], account: str, region: str) -> list[Target]:
    """Every resource and account setting to check, in report order."""
    default_retention = {**DEFAULT_RETENTION_DAYS, **outputs.get("defaultRetentionDays", {})}

    def with_retention(entry: Mapping[str, Any]) -> dict[str, Any]:
        return {**entry, "retentionDays": {**default_retention, **entry.get("retentionDays", {})}}

    found = [Target(KMS_KEY, arn, purpose) for purpose, arn in outputs.get("kmsKeyArns", {}).items()]
    found += [Target(BUCKET, f"arn:aws:s3:::{b['name']}", purpose, with_retention(b))
              for purpose, b in outputs.get("buckets", {}).items()]
    found.append(Target(ACCOUNT_PUBLIC_ACCESS_BLOCK, f"aws://{account}/s3/account-public-access-block", "account"))
    if "trail" in outputs:
        name = outputs["trail"]["name"]
        arn = name if name.startswith("arn:") else f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"
        found.append(Target(TRAIL, arn, name.rsplit("/", 1)[-1], outputs["trail"]))
    found += [Target(LOG_GROUP, f"arn:aws:logs:{region}:{account}:log-group:{g['name']}", purpose, with_retention(g))
              for purpose, g in outputs.get("logGroups", {}).items()]
    # Invocation logging is checked even without expectations: one config per account and region.
    found.append(Target(INVOCATION_LOGGING, f"aws://{account}/{region}/bedrock/model-invocation-logging",
                        "model-invocation-logging", outputs.get("invocationLogging", {})))
    if "guardrail" in outputs:
        guardrail = outputs["guardrail"]
        arn = guardrail["id"] if guardrail["id"].startswith("arn:") else \
            f"arn:aws:bedrock:{region}:{account}:guardrail/{guardrail['id']}"
        found.append(Target(GUARDRAIL, arn, guardrail["id"].rsplit("/", 1)[-1], guardrail))
    found += [Target(VPC_ENDPOINT, f"arn:aws:ec2:{region}:{account}:vpc-endpoint/{vpce}", vpce, {"id": vpce})
              for vpce in outputs.get("vpcEndpointIds", [])]
    for purpose, collection in outputs.get("opensearchCollections", {}).items():
        collection_urn = f"aws://{account}/{region}/aoss/collection/{collection['name']}"
        found += [Target(COLLECTION, collection_urn, purpose, collection),
                  Target(COLLECTION_ACCESS, f"{collection_urn}/data-access-policies", purpose, collection)]
    found += [Target(kind, f"aws://{account}/{region}/{service}", service) for kind, service in DETECTION_SERVICES.items()]
    return found


def region_of(outputs: Optional[Mapping[str, Any]], flag: Optional[str]) -> str:
    region = flag or (outputs or {}).get("region")
    if not region:
        raise UsageError("no region: pass --region or export `region` in the stack outputs")
    return region

"""no-plaintext-secrets: no secret-looking values in Lambda or ECS environments or EC2 user data (advisory).

Why: environment variables and user data are readable by anyone who can
describe the function, task definition, instance or launch template, are
copied into the Pulumi state and into CloudTrail, and never rotate. PCI DSS
8.6.2 forbids hard-coded passwords for application and system accounts;
secrets belong in Secrets Manager or SSM Parameter Store, referenced by ARN or
name and read at run time.

Where: `aws.lambda.Function` `environment.variables`; each container's
`environment` in `aws.ecs.TaskDefinition` `container_definitions` (JSON);
`aws.ec2.Instance` `user_data` / `user_data_base64` and
`aws.ec2.LaunchTemplate` `user_data` (base64, decoded before scanning).

The detector, in order (a value is reported once, by variable name and kind,
never by its content). A value that is a reference (an ARN, an SSM parameter
path, `{{resolve:...}}`) is not a secret, and ARNs inside text are skipped:
1. an AWS access key id (`AKIA`/`ASIA` + 16 upper-case letters or digits);
2. a PEM private key block (`-----BEGIN ... PRIVATE KEY-----`);
3. credentials in a URL (`scheme://user:password@host`); other URLs (queue
   URLs, endpoints) name things and are skipped from here on;
4. a password-style assignment in text (`password=`, `secret:`, `token=`,
   `api_key=` ... followed by a value);
5. an environment variable whose name says secret (PASSWORD, SECRET, TOKEN,
   API_KEY, PRIVATE_KEY, CREDENTIAL) with a literal value that is not a
   reference (an ARN, an SSM parameter path, a `{{resolve:...}}`);
6. a high-entropy token: a run of at least `minTokenLength` (default 20)
   base64 or hex characters whose Shannon entropy (bits per character) is at
   least `base64EntropyThreshold` (default 4.5) or, for hex-only runs,
   `hexEntropyThreshold` (default 3.0). Random 40-character AWS secret keys
   score about 5; English words and paths score well below 4.

Advisory: the detector has false positives (hashes, opaque ids) and misses
secrets that look like words. A value unknown at preview (e.g. a
`random.RandomPassword` result) is deferred and scanned at `pulumi up`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any, Iterator, Optional

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

FUNCTION = "aws:lambda/function:Function"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"

ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
# The value is on the same line: `password:` followed by a reference and then the next line's `host: ...` is not a secret.
ASSIGNMENT = re.compile(r"(?i)\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\b[ \t]*[=:][ \t]*['\"]?[^\s'\"$]{4,}")
SECRET_NAME = re.compile(r"(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)")
REFERENCE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|/|\{\{resolve:|ssm:|secretsmanager:)")
TOKEN = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
ARN = re.compile(r"arn:aws[a-z-]*:[^\s'\"]*")
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"]*", re.IGNORECASE)
URL_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@", re.IGNORECASE)
HEX = re.compile(r"^[0-9a-fA-F]+$")


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def detect(text: str, config: Mapping[str, Any], name: Optional[str] = None) -> Optional[str]:
    """The kind of secret `text` looks like, or None."""
    if ACCESS_KEY_ID.search(text):
        return "an AWS access key id"
    if PRIVATE_KEY.search(text):
        return "a private key"
    if REFERENCE.match(text.strip()):
        return None  # an ARN, parameter path or dynamic reference names a secret, it is not one.
    text = ARN.sub(" ", text)  # ARNs inside text (`...:secret:db-AbCdEf`) are references too.
    if URL_CREDENTIALS.search(text):
        return "credentials in a URL"
    text = URL.sub(" ", text)  # a URL names an endpoint (a queue, an API); its path is not a secret.
    if ASSIGNMENT.search(text):
        return "a password-style assignment"
    if name and SECRET_NAME.search(name) and text.strip():
        return "a literal value in a secret-named variable"
    for token in TOKEN.findall(text):
        if len(token) < config["minTokenLength"]:
            continue
        threshold = config["hexEntropyThreshold"] if HEX.match(token) else config["base64EntropyThreshold"]
        if shannon_entropy(token) >= threshold:
            return "a high-entropy string"
    return None


def _decoded(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


def _container_environment(resource: ResourceView) -> Iterator[tuple[str, Any, Optional[str]]]:
    document = resource.get("containerDefinitions")
    if is_unknown(document):
        yield "containerDefinitions", document, None
        return
    try:
        containers = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return  # not JSON: the provider rejects it before anything is deployed.
    for c, container in enumerate(containers if isinstance(containers, list) else []):
        environment = container.get("environment") if isinstance(container, Mapping) else None
        for e, entry in enumerate(environment if isinstance(environment, list) else []):
            if isinstance(entry, Mapping):
                yield f"containerDefinitions[{c}].environment[{e}] ({entry.get('name')})", entry.get("value"), entry.get("name")


def _values(resource: ResourceView) -> Iterator[tuple[str, Any, Optional[str]]]:
    """(where, value, variable name) for every value the rule scans."""
    if resource.type == FUNCTION:
        variables = resource.get("environment", "variables")
        if is_unknown(variables):
            yield "environment.variables", variables, None
        elif isinstance(variables, Mapping):
            for name, value in variables.items():
                yield f"environment.variables.{name}", value, name
    elif resource.type == TASK_DEFINITION:
        yield from _container_environment(resource)
    else:
        for prop, encoded in (("userData", resource.type == LAUNCH_TEMPLATE), ("userDataBase64", True)):
            value = resource.get(prop)
            yield prop, (_decoded(value) if encoded and isinstance(value, str) else value), None


def check(resource: ResourceView, config):
    for where, value, name in _values(resource):
        if is_unknown(value):
            yield unknown_at_preview(resource, where)
        elif isinstance(value, str):
            kind = detect(value, config, name)
            if kind:
                yield Violation(f"{describe(resource)}: {where} holds {kind}; keep secrets in Secrets Manager or "
                                "SSM Parameter Store and pass their ARN or name instead.")


RULE = Rule(
    name="no-plaintext-secrets",
    description="Lambda and ECS environment variables and EC2 user data hold no secret-looking values.",
    severity="high",
    pci_dss=("8.6.2", "3.6.1"),
    soc2=("CC6.1",),
    remediation=("Store the secret in aws.secretsmanager.Secret (or an SSM SecureString) and pass its ARN: ECS "
                 "'secrets': [{'name': ..., 'valueFrom': secret.arn}], Lambda reads it at run time with the "
                 "function's role; EC2 user data fetches it at boot."),
    check=check,
    resource_types=(FUNCTION, TASK_DEFINITION, INSTANCE, LAUNCH_TEMPLATE),
    enforcement_level="advisory",
    config_properties={
        "minTokenLength": {"type": "integer", "minimum": 12, "maximum": 256,
                           "description": "Shortest base64/hex run the entropy test looks at."},
        "base64EntropyThreshold": {"type": "number", "minimum": 3, "maximum": 6,
                                   "description": "Shannon entropy (bits per character) at which a base64 run is a secret."},
        "hexEntropyThreshold": {"type": "number", "minimum": 2, "maximum": 4,
                                "description": "Shannon entropy (bits per character) at which a hex run is a secret."},
    },
    default_config={"minTokenLength": 20, "base64EntropyThreshold": 4.5, "hexEntropyThreshold": 3.0},
    violation_example='aws.lambda_.Function("api", ..., environment={"variables": {"DB_PASSWORD": "hunter2-prod"}})',
)

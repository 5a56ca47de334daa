"""cmk-encryption-at-rest: data at rest is encrypted under a customer-managed KMS key.

Why: PCI DSS 3.5.1 wants stored account data unreadable, and 3.6.1 wants the
keys protecting it under our own procedures. SSE-S3 (AES256), SSE-SQS, AWS-owned
keys and AWS-managed keys (`alias/aws/<service>`) all encrypt, but their key
policy cannot be narrowed, their use cannot be separated per data set, and
disabling or rotating them is not ours to decide or to evidence. So every store
in the perimeter (buckets, logs, queues, tables, vector stores, Bedrock agents,
guardrails, data sources, custom models) must name a CMK.

The rule is a table, like Checkov's: for each resource type, where the
encryption settings live (a property path, possibly across lists) and which of
them must hold. One check reads the table. A key ARN unknown at preview is the
output of a key in this stack and counts as present; only the presence of the
key matters here (its rotation is kms-key-rotation-enabled's job).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ..model import UNKNOWN, ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._kms import key_problem
from ._paths import EACH, expand
from ._s3 import BUCKETS, DEFAULT_ENCRYPTION, S3_ALGORITHM, S3_KMS_ALGORITHMS, S3_KMS_KEY, SSE_CONFIGURATIONS

Blocks = Callable[[ResourceView], list[tuple[str, Any]]]


@dataclass(frozen=True)
class KeyLocation:
    """Where one resource type keeps its encryption-at-rest settings."""

    key: str                                    # property holding the KMS key id/ARN, inside each block
    fix: str                                    # the pulumi-aws Python arguments that make it compliant
    blocks: Union[tuple, Blocks] = ()           # path from the resource to the settings block(s), or a reader
    algorithm: Optional[str] = None             # property naming the algorithm, when the type has one
    kms_algorithms: tuple[str, ...] = ()        # the algorithm values that mean "KMS"
    enabled: Optional[str] = None               # flag that must be True for encryption to be on at all
    aws_key_flags: tuple[str, ...] = ()         # flags that, when True, select an AWS-owned/managed key
    only_if_set: bool = False                   # absent settings are another rule's job (or inherited)

    def read(self, resource: ResourceView) -> list[tuple[str, Any]]:
        if callable(self.blocks):
            return self.blocks(resource)
        if self.only_if_set and self.blocks and resource.get(self.blocks[0]) in (None, []):
            return []
        return expand(resource.props, self.blocks)


def _serverless_encryption_policy(policy: ResourceView) -> list[tuple[str, Any]]:
    """An OpenSearch Serverless encryption policy's JSON document, parsed; other policy types have none."""
    policy_type = policy.get("type")
    if is_unknown(policy_type):
        return [("type", UNKNOWN)]
    if policy_type != "encryption":
        return []
    document = policy.get("policy")
    if is_unknown(document) or document is None:
        return [("policy", document)]
    try:
        parsed = json.loads(document)
    except (TypeError, ValueError):
        parsed = None
    return [("policy", parsed if isinstance(parsed, dict) else {})]


_S3_RULE = dict(key=S3_KMS_KEY, algorithm=S3_ALGORITHM, kms_algorithms=S3_KMS_ALGORITHMS)
_S3_FIX = ("apply_server_side_encryption_by_default={'sse_algorithm': 'aws:kms', "
           "'kms_master_key_id': key.arn} on aws.s3.BucketServerSideEncryptionConfiguration rules")
_VECTORS = dict(key="kmsKeyArn", algorithm="sseType", kms_algorithms=("aws:kms",),
                blocks=("encryptionConfigurations", EACH))
_VECTORS_FIX = "encryption_configurations=[{'sse_type': 'aws:kms', 'kms_key_arn': key.arn}]"
_RDS = KeyLocation(key="kmsKeyId", enabled="storageEncrypted", fix="storage_encrypted=True and kms_key_id=key.arn")

KEY_LOCATIONS: dict[str, KeyLocation] = {
    # Inline bucket SSE is deprecated; it is checked only when written. A bucket with
    # no SSE at all is s3-bucket-encryption-configured's finding, not this rule's.
    **{bucket: KeyLocation(blocks=DEFAULT_ENCRYPTION[bucket], only_if_set=True, fix=_S3_FIX, **_S3_RULE)
       for bucket in BUCKETS},
    **{configuration: KeyLocation(blocks=DEFAULT_ENCRYPTION[configuration], fix=_S3_FIX, **_S3_RULE)
       for configuration in SSE_CONFIGURATIONS},
    "aws:s3/vectorsVectorBucket:VectorsVectorBucket": KeyLocation(fix=_VECTORS_FIX, **_VECTORS),
    # An index without its own configuration inherits its vector bucket's.
    "aws:s3/vectorsIndex:VectorsIndex": KeyLocation(fix=_VECTORS_FIX, only_if_set=True, **_VECTORS),
    "aws:cloudwatch/logGroup:LogGroup": KeyLocation(key="kmsKeyId", fix="kms_key_id=key.arn"),
    "aws:cloudtrail/trail:Trail": KeyLocation(key="kmsKeyId", fix="kms_key_id=key.arn"),
    "aws:sns/topic:Topic": KeyLocation(key="kmsMasterKeyId", fix="kms_master_key_id=key.arn"),
    "aws:sqs/queue:Queue": KeyLocation(key="kmsMasterKeyId", aws_key_flags=("sqsManagedSseEnabled",),
                                       fix="kms_master_key_id=key.arn and drop sqs_managed_sse_enabled"),
    "aws:dynamodb/table:Table": KeyLocation(blocks=("serverSideEncryption",), enabled="enabled", key="kmsKeyArn",
                                            fix="server_side_encryption={'enabled': True, 'kms_key_arn': key.arn}"),
    "aws:secretsmanager/secret:Secret": KeyLocation(key="kmsKeyId", fix="kms_key_id=key.arn"),
    "aws:ebs/volume:Volume": KeyLocation(key="kmsKeyId", enabled="encrypted", fix="encrypted=True and kms_key_id=key.arn"),
    "aws:rds/instance:Instance": _RDS,
    "aws:rds/cluster:Cluster": _RDS,
    "aws:efs/fileSystem:FileSystem": KeyLocation(key="kmsKeyId", enabled="encrypted",
                                                 fix="encrypted=True and kms_key_id=key.arn"),
    "aws:opensearch/domain:Domain": KeyLocation(blocks=("encryptAtRest",), enabled="enabled", key="kmsKeyId",
                                                fix="encrypt_at_rest={'enabled': True, 'kms_key_id': key.arn}"),
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": KeyLocation(
        blocks=_serverless_encryption_policy, aws_key_flags=("AWSOwnedKey",), key="KmsARN",
        fix='policy=json.dumps({"Rules": [...], "AWSOwnedKey": False, "KmsARN": key.arn})'),
    # Without encryption_configs a collection takes its encryption security policy's key (checked above).
    "aws:opensearch/serverlessCollection:ServerlessCollection": KeyLocation(
        blocks=("encryptionConfigs", EACH), only_if_set=True, aws_key_flags=("awsOwnedKey",), key="kmsKeyArn",
        fix="encryption_configs=[{'aws_owned_key': False, 'kms_key_arn': key.arn}]"),
    "aws:bedrock/guardrail:Guardrail": KeyLocation(key="kmsKeyArn", fix="kms_key_arn=key.arn"),
    "aws:bedrock/agentAgent:AgentAgent": KeyLocation(key="customerEncryptionKeyArn",
                                                    fix="customer_encryption_key_arn=key.arn"),
    "aws:bedrock/agentDataSource:AgentDataSource": KeyLocation(
        blocks=("serverSideEncryptionConfiguration",), key="kmsKeyArn",
        fix="server_side_encryption_configuration={'kms_key_arn': key.arn}"),
    "aws:bedrock/customModel:CustomModel": KeyLocation(key="customModelKmsKeyId", fix="custom_model_kms_key_id=key.arn"),
}


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shown(value: Any) -> str:
    return "not set" if value is None else repr(value)


def check(resource: ResourceView, config):
    location = KEY_LOCATIONS[resource.type]
    problems: list[str] = []
    unknowns: list[str] = []
    for path, block in location.read(resource):
        if is_unknown(block):
            unknowns.append(path)
            continue
        if not isinstance(block, Mapping):
            problems.append(f"{path} is not set, so AWS encrypts with a key of its own")
            continue
        for flag in location.aws_key_flags:
            value = block.get(flag)
            if is_unknown(value):
                unknowns.append(_at(path, flag))
            elif value is True:
                problems.append(f"{_at(path, flag)} is true, so AWS encrypts with a key of its own")
        if location.enabled:
            value = block.get(location.enabled)
            if is_unknown(value):
                unknowns.append(_at(path, location.enabled))
            elif value is not True:
                problems.append(f"{_at(path, location.enabled)} is {_shown(value)}, not true")
        if location.algorithm:
            value = block.get(location.algorithm)
            if is_unknown(value):
                unknowns.append(_at(path, location.algorithm))
            elif value not in location.kms_algorithms:
                problems.append(f"{_at(path, location.algorithm)} is {_shown(value)}, not one of {list(location.kms_algorithms)}")
        problem = key_problem(block.get(location.key))
        if problem:
            problems.append(f"{_at(path, location.key)} {problem}")
    if problems:
        problems.append(f"set {location.fix}")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="cmk-encryption-at-rest",
    description="Data at rest is encrypted under a customer-managed KMS key, not SSE-S3, SSE-SQS or an AWS-owned/managed key.",
    severity="high",
    pci_dss=("3.5.1", "3.6.1", "3.6.1.2"),
    soc2=("CC6.1", "C1.1"),
    remediation=(
        "Create an aws.kms.Key (enable_key_rotation=True) and pass its arn to the resource's key argument: "
        "kms_master_key_id (S3 SSE configuration with sse_algorithm='aws:kms', SNS, SQS), kms_key_id (CloudWatch "
        "log group, CloudTrail, Secrets Manager, EBS, RDS, EFS, OpenSearch encrypt_at_rest), kms_key_arn (DynamoDB "
        "server_side_encryption, S3 Vectors encryption_configurations, Bedrock guardrail and data source), "
        "customer_encryption_key_arn (Bedrock agent), custom_model_kms_key_id (Bedrock custom model); set "
        "AWSOwnedKey=false with KmsARN in OpenSearch Serverless encryption policies."
    ),
    check=check,
    resource_types=tuple(KEY_LOCATIONS),
    violation_example='aws.sqs.Queue("jobs", sqs_managed_sse_enabled=True)',
)

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

import dataclasses
import json
import re
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
    fix: str = ""                               # the pulumi-aws Python arguments that make it compliant
                                                # (empty: `enabled` and `key` as top-level arguments, see remedy)
    blocks: Union[tuple, Blocks] = ()           # path from the resource to the settings block(s), or a reader
    algorithm: Optional[str] = None             # property naming the algorithm, when the type has one
    kms_algorithms: tuple[str, ...] = ()        # the algorithm values that mean "KMS"
    enabled: Optional[str] = None               # flag that must be True for encryption to be on at all
    aws_key_flags: tuple[str, ...] = ()         # flags that, when True, select an AWS-owned/managed key
    only_if_set: bool = False                   # absent settings are another rule's job (or inherited)

    def remedy(self) -> str:
        if self.fix:
            return self.fix
        key = f"{_snake_case(self.key)}=key.arn"
        return f"{_snake_case(self.enabled)}=True and {key}" if self.enabled else key

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


def _managed_knowledge_base_encryption(knowledge_base: ResourceView) -> list[tuple[str, Any]]:
    """A managed knowledge base keeps its own vectors; vector-store ones encrypt in their store (checked there)."""
    path = ("knowledgeBaseConfiguration", "managedKnowledgeBaseConfiguration")
    managed = knowledge_base.get(*path)
    if managed is None:
        return []
    return expand(knowledge_base.props, path + ("serverSideEncryptionConfiguration",))


def _secure_string_parameter(parameter: ResourceView) -> list[tuple[str, Any]]:
    """Only SecureString parameters are encrypted; their key is `key_id` (absent means alias/aws/ssm)."""
    kind = parameter.get("type")
    if is_unknown(kind):
        return [("type", UNKNOWN)]
    return [("", parameter.props)] if kind == "SecureString" else []


_S3_RULE = dict(key=S3_KMS_KEY, algorithm=S3_ALGORITHM, kms_algorithms=S3_KMS_ALGORITHMS)
_S3_FIX = ("apply_server_side_encryption_by_default={'sse_algorithm': 'aws:kms', "
           "'kms_master_key_id': key.arn} on aws.s3.BucketServerSideEncryptionConfiguration rules")


def _snake_case(wire_name: str) -> str:
    """The Python argument of a top-level input: `kmsKeyId` -> `kms_key_id`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", wire_name).lower()


_VECTORS = dict(key="kmsKeyArn", algorithm="sseType", kms_algorithms=("aws:kms",),
                blocks=("encryptionConfigurations", EACH))
_VECTORS_FIX = "encryption_configurations=[{'sse_type': 'aws:kms', 'kms_key_arn': key.arn}]"
_RDS = KeyLocation(key="kmsKeyId", enabled="storageEncrypted", fix="storage_encrypted=True and kms_key_id=key.arn")

_BEDROCK_AGENT_KEY = KeyLocation(key="customerEncryptionKeyArn")
_ECR = KeyLocation(blocks=("encryptionConfigurations", EACH), key="kmsKey", algorithm="encryptionType",
                   kms_algorithms=("KMS", "KMS_DSSE"),
                   fix="encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': key.arn}]")
_ENCRYPTED_COPY = KeyLocation(key="kmsKeyId", enabled="encrypted", fix="encrypted=True and kms_key_id=key.arn")
_S3_TABLES = KeyLocation(blocks=("encryptionConfiguration",), key="kmsKeyArn", algorithm="sseAlgorithm",
                         kms_algorithms=("aws:kms",),
                         fix="encryption_configuration={'sse_algorithm': 'aws:kms', 'kms_key_arn': key.arn}")
_SFN = KeyLocation(blocks=("encryptionConfiguration",), key="kmsKeyId", algorithm="type",
                   kms_algorithms=("CUSTOMER_MANAGED_KMS_KEY",),
                   fix="encryption_configuration={'type': 'CUSTOMER_MANAGED_KMS_KEY', 'kms_key_id': key.arn}")
_GATEWAY_SHARE = KeyLocation(key="kmsKeyArn", enabled="kmsEncrypted", fix="kms_encrypted=True and kms_key_arn=key.arn")
_GATEWAY_VOLUME = KeyLocation(key="kmsKey", enabled="kmsEncrypted", fix="kms_encrypted=True and kms_key=key.arn")


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
    "aws:cloudwatch/logGroup:LogGroup": KeyLocation(key="kmsKeyId"),
    "aws:cloudtrail/trail:Trail": KeyLocation(key="kmsKeyId"),
    "aws:sns/topic:Topic": KeyLocation(key="kmsMasterKeyId"),
    "aws:sqs/queue:Queue": KeyLocation(key="kmsMasterKeyId", aws_key_flags=("sqsManagedSseEnabled",),
                                       fix="kms_master_key_id=key.arn and drop sqs_managed_sse_enabled"),
    "aws:dynamodb/table:Table": KeyLocation(blocks=("serverSideEncryption",), enabled="enabled", key="kmsKeyArn",
                                            fix="server_side_encryption={'enabled': True, 'kms_key_arn': key.arn}"),
    "aws:secretsmanager/secret:Secret": KeyLocation(key="kmsKeyId"),
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
    "aws:bedrock/guardrail:Guardrail": KeyLocation(key="kmsKeyArn"),
    "aws:bedrock/agentAgent:AgentAgent": KeyLocation(key="customerEncryptionKeyArn"),
    "aws:bedrock/agentDataSource:AgentDataSource": KeyLocation(
        blocks=("serverSideEncryptionConfiguration",), key="kmsKeyArn",
        fix="server_side_encryption_configuration={'kms_key_arn': key.arn}"),
    "aws:bedrock/customModel:CustomModel": KeyLocation(key="customModelKmsKeyId"),
    # Added from the pulumi-aws walk (tests/policies/test_cmk_completeness.py): stores of data, code, prompts,
    # models and logs. A key input absent means an AWS-owned or AWS-managed key.
    "aws:bedrock/agentFlow:AgentFlow": _BEDROCK_AGENT_KEY,
    "aws:bedrock/agentPrompt:AgentPrompt": _BEDROCK_AGENT_KEY,
    "aws:bedrock/agentcoreMemory:AgentcoreMemory": KeyLocation(key="encryptionKeyArn"),
    "aws:bedrock/evaluationJob:EvaluationJob": KeyLocation(key="customerEncryptionKeyId"),
    "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase": KeyLocation(
        blocks=_managed_knowledge_base_encryption, key="kmsKeyArn",
        fix="knowledge_base_configuration.managed_knowledge_base_configuration.server_side_encryption_configuration="
            "{'kms_key_arn': key.arn}"),
    "aws:bedrockmodel/invocationJob:InvocationJob": KeyLocation(
        blocks=("outputDataConfig", "s3OutputDataConfig"), key="s3EncryptionKeyId",
        fix="output_data_config.s3_output_data_config.s3_encryption_key_id=key.arn"),
    "aws:ecr/repository:Repository": _ECR,
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": _ECR,
    "aws:kinesis/stream:Stream": KeyLocation(key="kmsKeyId", algorithm="encryptionType", kms_algorithms=("KMS",),
                                             fix="encryption_type='KMS' and kms_key_id=key.arn (not alias/aws/kinesis)"),
    "aws:kinesis/videoStream:VideoStream": KeyLocation(key="kmsKeyId"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": KeyLocation(
        blocks=("serverSideEncryption",), enabled="enabled", key="keyArn", algorithm="keyType",
        kms_algorithms=("CUSTOMER_MANAGED_CMK",),
        fix="server_side_encryption={'enabled': True, 'key_type': 'CUSTOMER_MANAGED_CMK', 'key_arn': key.arn}"),
    "aws:sagemaker/notebookInstance:NotebookInstance": KeyLocation(key="kmsKeyId"),
    "aws:sagemaker/domain:Domain": KeyLocation(key="kmsKeyId"),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": KeyLocation(key="kmsKeyArn"),
    "aws:sagemaker/trainingJob:TrainingJob": KeyLocation(blocks=("outputDataConfig",), key="kmsKeyId",
                                                          fix="output_data_config={'kms_key_id': key.arn, ...}"),
    "aws:sagemaker/featureGroup:FeatureGroup": KeyLocation(
        blocks=("onlineStoreConfig", "securityConfig"), key="kmsKeyId", only_if_set=True,
        fix="online_store_config.security_config={'kms_key_id': key.arn}"),
    "aws:eks/cluster:Cluster": KeyLocation(blocks=("encryptionConfig", "provider"), key="keyArn",
                                           fix="encryption_config={'provider': {'key_arn': key.arn}, 'resources': ['secrets']}"),
    "aws:lambda/function:Function": KeyLocation(key="kmsKeyArn", fix="kms_key_arn=key.arn (environment variables)"),
    "aws:cloudtrail/eventDataStore:EventDataStore": KeyLocation(key="kmsKeyId"),
    "aws:cloudwatch/eventArchive:EventArchive": KeyLocation(key="kmsKeyIdentifier"),
    "aws:codeartifact/domain:Domain": KeyLocation(key="encryptionKey"),
    "aws:codebuild/project:Project": KeyLocation(key="encryptionKey"),
    "aws:codecommit/repository:Repository": KeyLocation(key="kmsKeyId"),
    "aws:backup/vault:Vault": KeyLocation(key="kmsKeyArn"),
    "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": KeyLocation(key="encryptionKeyArn"),
    "aws:docdb/cluster:Cluster": KeyLocation(key="kmsKeyId", enabled="storageEncrypted"),
    "aws:docdb/elasticCluster:ElasticCluster": KeyLocation(key="kmsKeyId"),
    "aws:neptune/cluster:Cluster": KeyLocation(key="kmsKeyArn", enabled="storageEncrypted"),
    "aws:redshift/cluster:Cluster": KeyLocation(key="kmsKeyId", fix="encrypted=True and kms_key_id=key.arn"),
    "aws:redshiftserverless/namespace:Namespace": KeyLocation(key="kmsKeyId"),
    "aws:elasticache/replicationGroup:ReplicationGroup": KeyLocation(
        key="kmsKeyId", enabled="atRestEncryptionEnabled", fix="at_rest_encryption_enabled=True and kms_key_id=key.arn"),
    "aws:elasticache/serverlessCache:ServerlessCache": KeyLocation(key="kmsKeyId"),
    "aws:memorydb/cluster:Cluster": KeyLocation(key="kmsKeyArn"),
    "aws:memorydb/snapshot:Snapshot": KeyLocation(key="kmsKeyArn"),
    "aws:dynamodb/tableReplica:TableReplica": KeyLocation(key="kmsKeyArn"),
    "aws:dsql/cluster:Cluster": KeyLocation(key="kmsEncryptionKey"),
    "aws:keyspaces/table:Table": KeyLocation(
        blocks=("encryptionSpecification",), key="kmsKeyIdentifier", algorithm="type",
        kms_algorithms=("CUSTOMER_MANAGED_KMS_KEY",),
        fix="encryption_specification={'type': 'CUSTOMER_MANAGED_KMS_KEY', 'kms_key_identifier': key.arn}"),
    "aws:timestreamwrite/database:Database": KeyLocation(key="kmsKeyId"),
    "aws:elasticsearch/domain:Domain": KeyLocation(blocks=("encryptAtRest",), enabled="enabled", key="kmsKeyId",
                                                   fix="encrypt_at_rest={'enabled': True, 'kms_key_id': key.arn}"),
    "aws:msk/cluster:Cluster": KeyLocation(blocks=("encryptionInfo",), key="encryptionAtRestKmsKeyArn",
                                           fix="encryption_info={'encryption_at_rest_kms_key_arn': key.arn}"),
    "aws:mq/broker:Broker": KeyLocation(blocks=("encryptionOptions",), key="kmsKeyId", aws_key_flags=("useAwsOwnedKey",),
                                        fix="encryption_options={'use_aws_owned_key': False, 'kms_key_id': key.arn}"),
    "aws:mwaa/environment:Environment": KeyLocation(key="kmsKey"),
    "aws:kendra/index:Index": KeyLocation(blocks=("serverSideEncryptionConfiguration",), key="kmsKeyId",
                                          fix="server_side_encryption_configuration={'kms_key_id': key.arn}"),
    "aws:efs/replicationConfiguration:ReplicationConfiguration": KeyLocation(
        blocks=("destination",), key="kmsKeyId", fix="destination={'kms_key_id': key.arn, ...}"),
    **{f"aws:fsx/{kind}:{kind[0].upper()}{kind[1:]}": KeyLocation(key="kmsKeyId")
       for kind in ("fileCache", "lustreFileSystem", "ontapFileSystem", "openZfsFileSystem", "windowsFileSystem")},
    "aws:ebs/snapshotCopy:SnapshotCopy": _ENCRYPTED_COPY,
    "aws:ec2/amiCopy:AmiCopy": _ENCRYPTED_COPY,
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": KeyLocation(key="kmsKeyId"),
    "aws:rds/snapshotCopy:SnapshotCopy": KeyLocation(key="kmsKeyId"),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": KeyLocation(
        key="kmsKeyId", fix="kms_key_id=key.arn"),
    "aws:s3tables/tableBucket:TableBucket": _S3_TABLES,
    "aws:s3tables/table:Table": dataclasses.replace(_S3_TABLES, only_if_set=True),  # else the table bucket's
    "aws:sfn/stateMachine:StateMachine": _SFN,
    "aws:sfn/activity:Activity": _SFN,
    "aws:glue/securityConfiguration:SecurityConfiguration": KeyLocation(
        blocks=("encryptionConfiguration", "s3Encryption"), key="kmsKeyArn", algorithm="s3EncryptionMode",
        kms_algorithms=("SSE-KMS",), fix="encryption_configuration.s3_encryption={'s3_encryption_mode': 'SSE-KMS', "
                                         "'kms_key_arn': key.arn} (and cloudwatch/job bookmark encryption)"),
    "aws:synthetics/canary:Canary": KeyLocation(
        blocks=("artifactConfig", "s3Encryption"), key="kmsKeyArn", algorithm="encryptionMode",
        kms_algorithms=("SSE_KMS",), fix="artifact_config={'s3_encryption': {'encryption_mode': 'SSE_KMS', "
                                         "'kms_key_arn': key.arn}}"),
    "aws:storagegateway/nfsFileShare:NfsFileShare": _GATEWAY_SHARE,
    "aws:storagegateway/smbFileShare:SmbFileShare": _GATEWAY_SHARE,
    "aws:storagegateway/cachesIscsiVolume:CachesIscsiVolume": _GATEWAY_VOLUME,
    "aws:storagegateway/storedIscsiVolume:StoredIscsiVolume": _GATEWAY_VOLUME,
    "aws:workspaces/workspace:Workspace": KeyLocation(
        key="volumeEncryptionKey", enabled="userVolumeEncryptionEnabled",
        fix="root_volume_encryption_enabled=True, user_volume_encryption_enabled=True and volume_encryption_key=key.arn"),
    "aws:customerprofiles/domain:Domain": KeyLocation(key="defaultEncryptionKey"),
    "aws:dms/replicationInstance:ReplicationInstance": KeyLocation(key="kmsKeyArn"),
    "aws:dms/endpoint:Endpoint": KeyLocation(key="kmsKeyArn"),
    "aws:dms/s3Endpoint:S3Endpoint": KeyLocation(key="kmsKeyArn"),
    "aws:amp/workspace:Workspace": KeyLocation(key="kmsKeyArn"),
    "aws:location/tracker:Tracker": KeyLocation(key="kmsKeyId"),
    "aws:location/geofenceCollection:GeofenceCollection": KeyLocation(key="kmsKeyId"),
    "aws:qbusiness/application:Application": KeyLocation(blocks=("encryptionConfiguration",), key="kmsKeyId",
                                                         fix="encryption_configuration={'kms_key_id': key.arn}"),
    "aws:ec2/instance:Instance": KeyLocation(blocks=("rootBlockDevice",), enabled="encrypted", key="kmsKeyId",
                                             fix="root_block_device={'encrypted': True, 'kms_key_id': key.arn} "
                                                 "(and on ebs_block_devices)"),
    "aws:ec2/launchTemplate:LaunchTemplate": KeyLocation(
        blocks=("blockDeviceMappings", EACH, "ebs"), only_if_set=True, enabled="encrypted", key="kmsKeyId",
        fix="block_device_mappings=[{'ebs': {'encrypted': 'true', 'kms_key_id': key.arn}, ...}]"),
    "aws:xray/encryptionConfig:EncryptionConfig": KeyLocation(key="keyId", algorithm="type", kms_algorithms=("KMS",),
                                                              fix="type='KMS' and key_id=key.arn"),
    "aws:athena/workgroup:Workgroup": KeyLocation(
        blocks=("configuration", "resultConfiguration", "encryptionConfiguration"), key="kmsKeyArn",
        algorithm="encryptionOption", kms_algorithms=("SSE_KMS", "CSE_KMS"),
        fix="configuration.result_configuration.encryption_configuration={'encryption_option': 'SSE_KMS', "
            "'kms_key_arn': key.arn}"),
    "aws:ssm/parameter:Parameter": KeyLocation(blocks=_secure_string_parameter, key="keyId",
                                               fix="key_id=key.arn on SecureString parameters"),
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
            elif value is not True and not (isinstance(value, str) and value.strip().lower() == "true"):
                # Some flags are typed as strings ("true") in pulumi-aws, e.g. launch template EBS `encrypted`.
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
        problems.append(f"set {location.remedy()}")
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

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policy_harness import analyze, resource

POLICY = "cmk-encryption-at-rest"
CMK_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
VECTOR_BUCKET = "aws:s3/vectorsVectorBucket:VectorsVectorBucket"
VECTOR_INDEX = "aws:s3/vectorsIndex:VectorsIndex"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TRAIL = "aws:cloudtrail/trail:Trail"
TOPIC = "aws:sns/topic:Topic"
QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"
SECRET = "aws:secretsmanager/secret:Secret"
VOLUME = "aws:ebs/volume:Volume"
DB_INSTANCE = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
DOMAIN = "aws:opensearch/domain:Domain"
AOSS_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
AOSS_COLLECTION = "aws:opensearch/serverlessCollection:ServerlessCollection"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
AGENT = "aws:bedrock/agentAgent:AgentAgent"
DATA_SOURCE = "aws:bedrock/agentDataSource:AgentDataSource"
CUSTOM_MODEL = "aws:bedrock/customModel:CustomModel"
MSK = "aws:msk/cluster:Cluster"  # shares encryptionInfo with service-encryption-enabled (SHARED_READS)


def aoss_encryption_policy(key: str = CMK_ARN, aws_owned: bool = False) -> str:
    return json.dumps({"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb"]}],
                       "AWSOwnedKey": aws_owned, "KmsARN": key})


S3_RULE = {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN},
           "bucketKeyEnabled": True}

# Preview-shaped compliant inputs: every key ARN is the unknown output of a key in the stack.
COMPLIANT = {
    BUCKET: {"bucket": "kb-docs", "serverSideEncryptionConfiguration": {"rule": S3_RULE}},
    BUCKET_V2: {"bucket": "kb-docs", "serverSideEncryptionConfigurations": [{"rules": [
        {"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}]}]}]},
    SSE: {"bucket": UNKNOWN, "rules": [S3_RULE]},
    SSE_V2: {"bucket": UNKNOWN, "rules": [S3_RULE]},
    VECTOR_BUCKET: {"vectorBucketName": "kb-vectors",
                    "encryptionConfigurations": [{"sseType": "aws:kms", "kmsKeyArn": UNKNOWN}]},
    VECTOR_INDEX: {"indexName": "kb", "vectorBucketName": UNKNOWN, "dataType": "float32", "dimension": 1024,
                   "distanceMetric": "cosine",
                   "encryptionConfigurations": [{"sseType": "aws:kms", "kmsKeyArn": UNKNOWN}]},
    LOG_GROUP: {"name": "/perimeter/invocations", "retentionInDays": 365, "kmsKeyId": UNKNOWN},
    TRAIL: {"s3BucketName": UNKNOWN, "kmsKeyId": UNKNOWN, "enableLogFileValidation": True},
    TOPIC: {"name": "alerts", "kmsMasterKeyId": UNKNOWN},
    QUEUE: {"name": "jobs", "kmsMasterKeyId": UNKNOWN, "kmsDataKeyReusePeriodSeconds": 300},
    TABLE: {"hashKey": "id", "attributes": [{"name": "id", "type": "S"}],
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN}},
    SECRET: {"name": "db-password", "kmsKeyId": UNKNOWN},
    VOLUME: {"availabilityZone": "eu-west-1a", "size": 100, "encrypted": True, "kmsKeyId": UNKNOWN},
    DB_INSTANCE: {"instanceClass": "db.t4g.medium", "engine": "postgres", "storageEncrypted": True, "kmsKeyId": UNKNOWN},
    DB_CLUSTER: {"engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": UNKNOWN},
    FILE_SYSTEM: {"encrypted": True, "kmsKeyId": UNKNOWN},
    DOMAIN: {"domainName": "kb", "encryptAtRest": {"enabled": True, "kmsKeyId": UNKNOWN}},
    AOSS_POLICY: {"name": "kb-encryption", "type": "encryption", "policy": aoss_encryption_policy()},
    AOSS_COLLECTION: {"name": "kb", "type": "VECTORSEARCH",
                      "encryptionConfigs": [{"awsOwnedKey": False, "kmsKeyArn": UNKNOWN}]},
    GUARDRAIL: {"name": "pci", "blockedInputMessaging": "no", "blockedOutputsMessaging": "no", "kmsKeyArn": UNKNOWN},
    AGENT: {"agentName": "support", "foundationModel": "eu.anthropic.claude-sonnet-4-20250514-v1:0",
            "agentResourceRoleArn": UNKNOWN, "customerEncryptionKeyArn": UNKNOWN},
    DATA_SOURCE: {"knowledgeBaseId": UNKNOWN, "name": "docs", "dataSourceConfiguration": {"type": "S3"},
                  "serverSideEncryptionConfiguration": {"kmsKeyArn": UNKNOWN}},
    CUSTOM_MODEL: {"customModelName": "tuned", "baseModelIdentifier": "amazon.titan-text-express-v1",
                   "jobName": "tune", "roleArn": UNKNOWN, "customModelKmsKeyId": UNKNOWN},
    MSK: {"clusterName": "events", "kafkaVersion": "3.6.0", "numberOfBrokerNodes": 3,
          "brokerNodeGroupInfo": {"instanceType": "kafka.m5.large", "clientSubnets": ["subnet-1", "subnet-2", "subnet-3"]},
          "encryptionInfo": {"encryptionAtRestKmsKeyArn": UNKNOWN}},
}

S3_KEY = ("rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
S3_ALGORITHM = ("rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")

# (type, path, bad value, what the message must name): one row per kind of violation.
MUTATIONS = [
    (SSE, S3_ALGORITHM, "AES256", "sseAlgorithm is 'AES256'"),
    (SSE, S3_KEY, REMOVE, "kmsMasterKeyId is not set"),
    (SSE, S3_KEY, "alias/aws/s3", "AWS-managed key 'alias/aws/s3'"),
    (SSE, S3_KEY, "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3", "AWS-managed key"),
    (SSE, ("rules", 0, "applyServerSideEncryptionByDefault"), REMOVE, "rules[0].applyServerSideEncryptionByDefault is not set"),
    (SSE_V2, S3_ALGORITHM, "AES256", "sseAlgorithm is 'AES256'"),
    (BUCKET, ("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault", "sseAlgorithm"),
     "AES256", "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm"),
    (BUCKET_V2, ("serverSideEncryptionConfigurations", 0, "rules", 0, "applyServerSideEncryptionByDefaults", 0,
                 "kmsMasterKeyId"), REMOVE, "applyServerSideEncryptionByDefaults[0].kmsMasterKeyId is not set"),
    (VECTOR_BUCKET, ("encryptionConfigurations", 0, "sseType"), "AES256", "encryptionConfigurations[0].sseType"),
    (VECTOR_BUCKET, ("encryptionConfigurations",), REMOVE, "encryptionConfigurations is not set"),
    (VECTOR_INDEX, ("encryptionConfigurations", 0, "kmsKeyArn"), REMOVE, "kmsKeyArn is not set"),
    (LOG_GROUP, ("kmsKeyId",), REMOVE, "kmsKeyId is not set"),
    (TRAIL, ("kmsKeyId",), REMOVE, "kmsKeyId is not set"),
    (TOPIC, ("kmsMasterKeyId",), "alias/aws/sns", "AWS-managed key 'alias/aws/sns'"),
    (QUEUE, ("kmsMasterKeyId",), REMOVE, "kmsMasterKeyId is not set"),
    (QUEUE, ("sqsManagedSseEnabled",), True, "sqsManagedSseEnabled is true"),
    (TABLE, ("serverSideEncryption",), REMOVE, "serverSideEncryption is not set"),
    (TABLE, ("serverSideEncryption", "enabled"), False, "serverSideEncryption.enabled is False"),
    (TABLE, ("serverSideEncryption", "kmsKeyArn"), REMOVE, "serverSideEncryption.kmsKeyArn is not set"),
    (SECRET, ("kmsKeyId",), "alias/aws/secretsmanager", "AWS-managed key"),
    (VOLUME, ("encrypted",), REMOVE, "encrypted is not set, not true"),
    (VOLUME, ("kmsKeyId",), REMOVE, "kmsKeyId is not set"),
    (DB_INSTANCE, ("storageEncrypted",), False, "storageEncrypted is False"),
    (DB_CLUSTER, ("kmsKeyId",), REMOVE, "kmsKeyId is not set"),
    (FILE_SYSTEM, ("encrypted",), False, "encrypted is False"),
    (DOMAIN, ("encryptAtRest", "enabled"), False, "encryptAtRest.enabled is False"),
    (DOMAIN, ("encryptAtRest", "kmsKeyId"), REMOVE, "encryptAtRest.kmsKeyId is not set"),
    (AOSS_POLICY, ("policy",), aoss_encryption_policy(key=""), "policy.KmsARN is not set"),
    (AOSS_POLICY, ("policy",), json.dumps({"Rules": [], "AWSOwnedKey": True}), "policy.AWSOwnedKey is true"),
    (AOSS_COLLECTION, ("encryptionConfigs", 0, "awsOwnedKey"), True, "encryptionConfigs[0].awsOwnedKey is true"),
    (GUARDRAIL, ("kmsKeyArn",), REMOVE, "kmsKeyArn is not set"),
    (AGENT, ("customerEncryptionKeyArn",), REMOVE, "customerEncryptionKeyArn is not set"),
    (DATA_SOURCE, ("serverSideEncryptionConfiguration",), REMOVE, "serverSideEncryptionConfiguration is not set"),
    (CUSTOM_MODEL, ("customModelKmsKeyId",), "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/bedrock",
     "AWS-managed key"),
    (MSK, ("encryptionInfo", "encryptionAtRestKmsKeyArn"), REMOVE, "encryptionAtRestKmsKeyArn is not set"),
]


def run(type_: str, inputs: dict):
    return analyze(POLICY, resource(type_, "subject", inputs))


def test_every_type_here_has_a_violating_case():
    # This file's types are its own literal (COMPLIANT); each must also be shown to block. The rows added from the
    # pulumi-aws walk are tested in test_cmk_table_rows.py, which checks that both files cover the declared types.
    assert {type_ for type_, *_ in MUTATIONS} == set(COMPLIANT)


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
def test_preview_compliant_with_unknown_key_arns_passes_without_cant_run(type_):
    result = run(type_, COMPLIANT[type_])
    assert result.clean and not result.cant_run and not result.deferred


@pytest.mark.parametrize("type_", [SSE, QUEUE, TABLE, AGENT])
def test_literal_cmk_arn_passes(type_):
    # The update phase sees literal ARNs: swap every UNKNOWN for one (json calls `default` for UNKNOWN).
    literal = json.loads(json.dumps(COMPLIANT[type_], default=lambda _: CMK_ARN))
    assert run(type_, literal).clean


@pytest.mark.parametrize("type_, path, value, named", MUTATIONS, ids=[f"{m[0].rsplit(':', 1)[-1]}-{m[3]}" for m in MUTATIONS])
def test_each_violation_blocks_and_names_resource_path_and_fix(type_, path, value, named):
    result = run(type_, mutated(COMPLIANT[type_], path, value))
    assert len(result.violations) == 1, result
    message, urn = result.violations[0]
    assert named in message and "'subject'" in message and "Fix:" in message
    assert urn.endswith("::subject")
    assert not result.cant_run


@pytest.mark.parametrize("type_, inputs", [
    (QUEUE, {"name": UNKNOWN, "policy": UNKNOWN, "sqsManagedSseEnabled": True}),
    (SSE, {"bucket": UNKNOWN, "expectedBucketOwner": UNKNOWN,
           "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": UNKNOWN}]}),
    (TABLE, {"name": UNKNOWN, "hashKey": UNKNOWN, "serverSideEncryption": {"enabled": UNKNOWN}}),
    (VOLUME, {"availabilityZone": UNKNOWN, "encrypted": False, "kmsKeyId": UNKNOWN}),
])
def test_bad_setting_blocks_beside_unknown_inputs(type_, inputs):
    result = run(type_, inputs)
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("type_, inputs, unknown", [
    (AOSS_POLICY, {"name": "kb-encryption", "type": "encryption", "policy": UNKNOWN}, "policy"),
    (TABLE, {"serverSideEncryption": {"enabled": UNKNOWN, "kmsKeyArn": UNKNOWN}}, "serverSideEncryption.enabled"),
    (SSE, {"bucket": "kb-docs", "rules": UNKNOWN}, "rules"),
])
def test_settings_unknown_at_preview_are_deferred(type_, inputs, unknown):
    result = run(type_, inputs)
    assert result.clean
    assert unknown in result.deferred[0]["message"]


@pytest.mark.parametrize("type_, inputs", [
    (BUCKET, {"bucket": "kb-docs"}),  # absent inline SSE is s3-bucket-encryption-configured's job
    (VECTOR_INDEX, {"indexName": "kb", "vectorBucketName": UNKNOWN}),  # inherits its bucket's key
    (AOSS_COLLECTION, {"name": "kb", "type": "VECTORSEARCH"}),  # takes its encryption policy's key
    (AOSS_POLICY, {"name": "kb-network", "type": "network", "policy": UNKNOWN}),
])
def test_settings_owned_elsewhere_are_not_this_rules_finding(type_, inputs):
    result = run(type_, inputs)
    assert result.clean and not result.deferred


def test_other_resource_types_are_not_evaluated():
    assert run("aws:kms/key:Key", {"enableKeyRotation": False}).clean


SERVICES = st.sampled_from(["s3", "sns", "sqs", "logs", "secretsmanager", "ebs", "rds", "dynamodb", "bedrock"])
PARTITIONS = st.sampled_from(["aws", "aws-cn", "aws-us-gov"])
REGIONS = st.sampled_from(["eu-west-1", "eu-central-1", "us-gov-west-1", "cn-north-1"])
ACCOUNTS = st.from_regex(r"[0-9]{12}", fullmatch=True)
NAMES = st.from_regex(r"[a-zA-Z0-9/_-]{1,40}", fullmatch=True).filter(lambda n: not n.lower().startswith("aws/"))


@settings(max_examples=40, deadline=None)
@given(service=SERVICES, partition=PARTITIONS, region=REGIONS, account=ACCOUNTS, as_arn=st.booleans())
def test_aws_managed_aliases_block_in_every_form(service, partition, region, account, as_arn):
    alias = f"alias/aws/{service}"
    result = run(TOPIC, {"kmsMasterKeyId": f"arn:{partition}:kms:{region}:{account}:{alias}" if as_arn else alias})
    assert len(result.violations) == 1 and "kmsMasterKeyId is the AWS-managed key" in result.violations[0][0]


@settings(max_examples=40, deadline=None)
@given(name=NAMES, partition=PARTITIONS, region=REGIONS, account=ACCOUNTS, form=st.sampled_from(["alias", "alias-arn", "key-arn", "key-id"]))
def test_customer_keys_and_aliases_pass(name, partition, region, account, form):
    value = {"alias": f"alias/{name}", "alias-arn": f"arn:{partition}:kms:{region}:{account}:alias/{name}",
             "key-arn": f"arn:{partition}:kms:{region}:{account}:key/{name}", "key-id": name}[form]
    assert run(TOPIC, {"kmsMasterKeyId": value}).clean


@pytest.mark.parametrize("type_, key, fix", [
    (LOG_GROUP, "kmsKeyId", "set kms_key_id=key.arn."),
    (CUSTOM_MODEL, "customModelKmsKeyId", "set custom_model_kms_key_id=key.arn."),
    (AGENT, "customerEncryptionKeyArn", "set customer_encryption_key_arn=key.arn."),
])
def test_fix_names_the_python_argument_of_a_top_level_key(type_, key, fix):
    result = run(type_, mutated(COMPLIANT[type_], (key,), REMOVE))
    assert result.violations[0][0].splitlines()[1].endswith(f"{key} is not set; {fix}")


@pytest.mark.parametrize("first", [UNKNOWN, "aws:kms"], ids=["unknown-block", "not-a-block"])
def test_every_block_is_read_after_an_unknown_or_malformed_one(first):
    inputs = {"vectorBucketName": "kb-vectors", "encryptionConfigurations": [first, {"sseType": "AES256"}]}
    result = run(VECTOR_BUCKET, inputs)
    assert len(result.violations) == 1 and "encryptionConfigurations[1].sseType is 'AES256'" in result.violations[0][0]


@pytest.mark.parametrize("type_, path, deferred", [
    (QUEUE, ("sqsManagedSseEnabled",), "sqsManagedSseEnabled"),
    (AOSS_COLLECTION, ("encryptionConfigs", 0, "awsOwnedKey"), "encryptionConfigs[0].awsOwnedKey"),
    (SSE, S3_ALGORITHM, "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"),
    (DB_INSTANCE, ("storageEncrypted",), "storageEncrypted"),
    (AOSS_POLICY, ("type",), "type"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_deferral_names_the_unknown_setting_by_its_path(type_, path, deferred):
    result = run(type_, mutated(COMPLIANT[type_], path, UNKNOWN))
    assert result.clean and [d["message"] for d in result.deferred] == [
        f"{type_.rsplit(':', 1)[-1]} 'subject': {deferred} unknown at preview"]


@pytest.mark.parametrize("flag, passes", [(" True ", True), ("true", True), ("false", False), ("yes", False)])
def test_encryption_flag_written_as_a_string_counts_only_when_it_says_true(flag, passes):
    result = run(VOLUME, mutated(COMPLIANT[VOLUME], ("encrypted",), flag))
    assert result.clean if passes else f"encrypted is {flag!r}, not true" in result.violations[0][0]


@pytest.mark.parametrize("type_, inputs, line", [
    (AOSS_POLICY, {"name": "kb-encryption", "type": "encryption"},
     "ServerlessSecurityPolicy 'subject': policy is not set, so AWS encrypts with a key of its own; set "),
    (AOSS_POLICY, {"name": "kb-encryption", "type": "encryption", "policy": "[]"},
     "ServerlessSecurityPolicy 'subject': policy.KmsARN is not set; set "),
    (AOSS_POLICY, {"name": "kb-encryption", "type": "encryption", "policy": "{not json"},
     "ServerlessSecurityPolicy 'subject': policy.KmsARN is not set; set "),
], ids=["absent", "not-an-object", "not-json"])
def test_encryption_policy_document_findings(type_, inputs, line):
    result = run(type_, inputs)
    assert len(result.violations) == 1 and result.violations[0][0].splitlines()[1].startswith(line)


@pytest.mark.parametrize("type_, inputs, deferred", [
    (AOSS_POLICY, {"name": "kb-encryption", "type": "encryption", "policy": UNKNOWN}, "policy"),
    ("aws:ssm/parameter:Parameter", {"name": "db-password", "type": UNKNOWN, "value": UNKNOWN}, "type"),
], ids=["encryption-policy", "ssm-parameter-type"])
def test_deferral_of_a_document_or_kind_unknown_at_preview(type_, inputs, deferred):
    result = run(type_, inputs)
    assert result.clean and [d["message"] for d in result.deferred] == [
        f"{type_.rsplit(':', 1)[-1]} 'subject': {deferred} unknown at preview"]

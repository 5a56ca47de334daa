"""The CMK table rows added from the pulumi-aws walk, typed through pulumi-aws (a misspelt argument fails).

Each row: a compliant preview-shaped baseline (keys are unknown outputs of a
key in the stack) and at least one mutation into a violation naming the input.
"""

import inspect

import pulumi_aws as aws
import pytest
from perimeter_policies import testing
from perimeter_policies.testing import UNKNOWN, run, waiver

POLICY = "cmk-encryption-at-rest"


def resource(cls, name, **arguments):
    """A typed resource whose required arguments this test does not care about are unknown outputs."""
    module = __import__(cls.__module__, fromlist=["_"])
    args_class = getattr(module, f"{cls.__name__}Args", None) or getattr(module, f"{cls.__name__}InitArgs")
    required = [p.name for p in inspect.signature(args_class.__init__).parameters.values()
                if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    return testing.resource(cls, name, **{**{r: UNKNOWN for r in required}, **arguments})

# Rows whose whole check is one key argument: class -> (snake_case argument, wire name).
SIMPLE = {
    aws.bedrock.AgentFlow: ("customer_encryption_key_arn", "customerEncryptionKeyArn"),
    aws.bedrock.AgentPrompt: ("customer_encryption_key_arn", "customerEncryptionKeyArn"),
    aws.bedrock.AgentcoreMemory: ("encryption_key_arn", "encryptionKeyArn"),
    aws.bedrock.EvaluationJob: ("customer_encryption_key_id", "customerEncryptionKeyId"),
    aws.kinesis.VideoStream: ("kms_key_id", "kmsKeyId"),
    aws.sagemaker.NotebookInstance: ("kms_key_id", "kmsKeyId"),
    aws.sagemaker.Domain: ("kms_key_id", "kmsKeyId"),
    aws.sagemaker.EndpointConfiguration: ("kms_key_arn", "kmsKeyArn"),
    aws.lambda_.Function: ("kms_key_arn", "kmsKeyArn"),
    aws.cloudtrail.EventDataStore: ("kms_key_id", "kmsKeyId"),
    aws.cloudwatch.EventArchive: ("kms_key_identifier", "kmsKeyIdentifier"),
    aws.codeartifact.Domain: ("encryption_key", "encryptionKey"),
    aws.codebuild.Project: ("encryption_key", "encryptionKey"),
    aws.codecommit.Repository: ("kms_key_id", "kmsKeyId"),
    aws.backup.Vault: ("kms_key_arn", "kmsKeyArn"),
    aws.backup.LogicallyAirGappedVault: ("encryption_key_arn", "encryptionKeyArn"),
    aws.docdb.ElasticCluster: ("kms_key_id", "kmsKeyId"),
    aws.redshift.Cluster: ("kms_key_id", "kmsKeyId"),
    aws.redshiftserverless.Namespace: ("kms_key_id", "kmsKeyId"),
    aws.elasticache.ServerlessCache: ("kms_key_id", "kmsKeyId"),
    aws.memorydb.Cluster: ("kms_key_arn", "kmsKeyArn"),
    aws.memorydb.Snapshot: ("kms_key_arn", "kmsKeyArn"),
    aws.dynamodb.TableReplica: ("kms_key_arn", "kmsKeyArn"),
    aws.dsql.Cluster: ("kms_encryption_key", "kmsEncryptionKey"),
    aws.timestreamwrite.Database: ("kms_key_id", "kmsKeyId"),
    aws.mwaa.Environment: ("kms_key", "kmsKey"),
    aws.fsx.FileCache: ("kms_key_id", "kmsKeyId"),
    aws.fsx.LustreFileSystem: ("kms_key_id", "kmsKeyId"),
    aws.fsx.OntapFileSystem: ("kms_key_id", "kmsKeyId"),
    aws.fsx.OpenZfsFileSystem: ("kms_key_id", "kmsKeyId"),
    aws.fsx.WindowsFileSystem: ("kms_key_id", "kmsKeyId"),
    aws.rds.ClusterSnapshotCopy: ("kms_key_id", "kmsKeyId"),
    aws.rds.SnapshotCopy: ("kms_key_id", "kmsKeyId"),
    aws.rds.InstanceAutomatedBackupsReplication: ("kms_key_id", "kmsKeyId"),
    aws.customerprofiles.Domain: ("default_encryption_key", "defaultEncryptionKey"),
    aws.dms.ReplicationInstance: ("kms_key_arn", "kmsKeyArn"),
    aws.dms.Endpoint: ("kms_key_arn", "kmsKeyArn"),
    aws.dms.S3Endpoint: ("kms_key_arn", "kmsKeyArn"),
    aws.amp.Workspace: ("kms_key_arn", "kmsKeyArn"),
    aws.location.Tracker: ("kms_key_id", "kmsKeyId"),
    aws.location.GeofenceCollection: ("kms_key_id", "kmsKeyId"),
}


@pytest.mark.parametrize("cls", list(SIMPLE), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_simple_row_needs_a_customer_managed_key(cls):
    argument, wire = SIMPLE[cls]
    compliant = resource(cls, "subject", **{argument: UNKNOWN})
    run(POLICY, compliant).assert_clean()
    run(POLICY, compliant.replace(**{argument: None})).assert_violation(f"{wire} is not set", f"{argument}=key.arn",
                                                                        on=compliant)
    run(POLICY, compliant.replace(**{argument: "alias/aws/service"})).assert_violation("AWS-managed key")


def _case(cls, compliant, *mutations):
    return pytest.param(resource(cls, "subject", **compliant), mutations,
                        id=f"{cls.__module__.split('.')[1]}.{cls.__name__}")


GATEWAY = dict(kms_encrypted=True)
COMPLEX = [
    _case(aws.bedrock.AgentKnowledgeBase,
          {"knowledge_base_configuration": {"type": "MANAGED", "managed_knowledge_base_configuration": {
              "server_side_encryption_configuration": {"kms_key_arn": UNKNOWN}}}},
          (("knowledgeBaseConfiguration", "managedKnowledgeBaseConfiguration", "serverSideEncryptionConfiguration"),
           None, "serverSideEncryptionConfiguration is not set")),
    _case(aws.bedrockmodel.InvocationJob, {"output_data_config": {"s3_output_data_config": {
        "s3_uri": "s3://out/", "s3_encryption_key_id": UNKNOWN}}},
          (("outputDataConfig", "s3OutputDataConfig", "s3EncryptionKeyId"), None, "s3EncryptionKeyId is not set")),
    _case(aws.ecr.Repository, {"encryption_configurations": [{"encryption_type": "KMS", "kms_key": UNKNOWN}]},
          (("encryptionConfigurations",), None, "encryptionConfigurations is not set"),
          (("encryptionConfigurations", 0, "encryptionType"), "AES256", "encryptionType is 'AES256'")),
    _case(aws.ecr.RepositoryCreationTemplate,
          {"encryption_configurations": [{"encryption_type": "KMS", "kms_key": UNKNOWN}]},
          (("encryptionConfigurations", 0, "kmsKey"), None, "kmsKey is not set")),
    _case(aws.kinesis.Stream, {"encryption_type": "KMS", "kms_key_id": UNKNOWN},
          (("encryptionType",), None, "encryptionType is not set"),
          (("kmsKeyId",), "alias/aws/kinesis", "AWS-managed key 'alias/aws/kinesis'")),
    _case(aws.kinesis.FirehoseDeliveryStream, {"destination": "extended_s3", "server_side_encryption": {
        "enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": UNKNOWN}},
          (("serverSideEncryption", "keyType"), "AWS_OWNED_CMK", "keyType is 'AWS_OWNED_CMK'"),
          (("serverSideEncryption", "enabled"), False, "enabled is False")),
    _case(aws.sagemaker.TrainingJob, {"output_data_config": {"s3_output_path": "s3://out/", "kms_key_id": UNKNOWN}},
          (("outputDataConfig", "kmsKeyId"), None, "outputDataConfig.kmsKeyId is not set")),
    _case(aws.sagemaker.FeatureGroup, {"online_store_config": {"security_config": {"kms_key_id": UNKNOWN}}},
          (("onlineStoreConfig", "securityConfig", "kmsKeyId"), "alias/aws/sagemaker", "AWS-managed key")),
    _case(aws.eks.Cluster, {"role_arn": UNKNOWN, "vpc_config": {"subnet_ids": [UNKNOWN]},
                            "encryption_config": {"resources": ["secrets"], "provider": {"key_arn": UNKNOWN}}},
          (("encryptionConfig",), None, "encryptionConfig is not set")),
    _case(aws.docdb.Cluster, {"storage_encrypted": True, "kms_key_id": UNKNOWN},
          (("storageEncrypted",), None, "storageEncrypted is not set, not true")),
    _case(aws.neptune.Cluster, {"storage_encrypted": True, "kms_key_arn": UNKNOWN},
          (("kmsKeyArn",), None, "kmsKeyArn is not set")),
    _case(aws.elasticache.ReplicationGroup, {"description": "sessions", "at_rest_encryption_enabled": True,
                                             "kms_key_id": UNKNOWN},
          (("atRestEncryptionEnabled",), False, "atRestEncryptionEnabled is False")),
    _case(aws.keyspaces.Table, {"keyspace_name": "k", "table_name": "t", "encryption_specification": {
        "type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_identifier": UNKNOWN}},
          (("encryptionSpecification", "type"), "AWS_OWNED_KMS_KEY", "type is 'AWS_OWNED_KMS_KEY'")),
    _case(aws.elasticsearch.Domain, {"encrypt_at_rest": {"enabled": True, "kms_key_id": UNKNOWN}},
          (("encryptAtRest", "enabled"), False, "encryptAtRest.enabled is False")),
    _case(aws.msk.Cluster, {"encryption_info": {"encryption_at_rest_kms_key_arn": UNKNOWN}},
          (("encryptionInfo",), None, "encryptionInfo is not set")),
    _case(aws.mq.Broker, {"encryption_options": {"use_aws_owned_key": False, "kms_key_id": UNKNOWN}},
          (("encryptionOptions", "useAwsOwnedKey"), True, "useAwsOwnedKey is true")),
    _case(aws.kendra.Index, {"role_arn": UNKNOWN, "server_side_encryption_configuration": {"kms_key_id": UNKNOWN}},
          (("serverSideEncryptionConfiguration",), None, "serverSideEncryptionConfiguration is not set")),
    _case(aws.efs.ReplicationConfiguration, {"source_file_system_id": UNKNOWN, "destination": {
        "region": "eu-central-1", "kms_key_id": UNKNOWN}},
          (("destination", "kmsKeyId"), None, "destination.kmsKeyId is not set")),
    _case(aws.ebs.SnapshotCopy, {"source_snapshot_id": UNKNOWN, "source_region": "eu-west-1", "encrypted": True,
                                 "kms_key_id": UNKNOWN},
          (("encrypted",), False, "encrypted is False")),
    _case(aws.ec2.AmiCopy, {"source_ami_id": UNKNOWN, "source_ami_region": "eu-west-1", "encrypted": True,
                            "kms_key_id": UNKNOWN},
          (("kmsKeyId",), None, "kmsKeyId is not set")),
    _case(aws.s3tables.TableBucket, {"encryption_configuration": {"sse_algorithm": "aws:kms", "kms_key_arn": UNKNOWN}},
          (("encryptionConfiguration", "sseAlgorithm"), "AES256", "sseAlgorithm is 'AES256'"),
          (("encryptionConfiguration",), None, "encryptionConfiguration is not set")),
    _case(aws.s3tables.Table, {"namespace": "n", "table_bucket_arn": UNKNOWN, "format": "ICEBERG",
                               "encryption_configuration": {"sse_algorithm": "aws:kms", "kms_key_arn": UNKNOWN}},
          (("encryptionConfiguration", "sseAlgorithm"), "AES256", "sseAlgorithm is 'AES256'")),
    _case(aws.sfn.StateMachine, {"role_arn": UNKNOWN, "definition": "{}", "encryption_configuration": {
        "type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_id": UNKNOWN}},
          (("encryptionConfiguration", "type"), "AWS_OWNED_KEY", "type is 'AWS_OWNED_KEY'")),
    _case(aws.sfn.Activity, {"encryption_configuration": {"type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_id": UNKNOWN}},
          (("encryptionConfiguration",), None, "encryptionConfiguration is not set")),
    _case(aws.glue.SecurityConfiguration, {"encryption_configuration": {
        "s3_encryption": {"s3_encryption_mode": "SSE-KMS", "kms_key_arn": UNKNOWN},
        "cloudwatch_encryption": {"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": UNKNOWN},
        "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": UNKNOWN}}},
          (("encryptionConfiguration", "s3Encryption", "s3EncryptionMode"), "SSE-S3", "s3EncryptionMode is 'SSE-S3'")),
    _case(aws.synthetics.Canary, {"artifact_config": {"s3_encryption": {"encryption_mode": "SSE_KMS",
                                                                        "kms_key_arn": UNKNOWN}}},
          (("artifactConfig", "s3Encryption", "encryptionMode"), "SSE_S3", "encryptionMode is 'SSE_S3'")),
    _case(aws.storagegateway.NfsFileShare, {**GATEWAY, "kms_key_arn": UNKNOWN},
          (("kmsEncrypted",), False, "kmsEncrypted is False")),
    _case(aws.storagegateway.SmbFileShare, {**GATEWAY, "kms_key_arn": UNKNOWN},
          (("kmsKeyArn",), None, "kmsKeyArn is not set")),
    _case(aws.storagegateway.CachesIscsiVolume, {**GATEWAY, "kms_key": UNKNOWN},
          (("kmsEncrypted",), None, "kmsEncrypted is not set")),
    _case(aws.storagegateway.StoredIscsiVolume, {**GATEWAY, "kms_key": UNKNOWN},
          (("kmsKey",), None, "kmsKey is not set")),
    _case(aws.workspaces.Workspace, {"user_volume_encryption_enabled": True, "root_volume_encryption_enabled": True,
                                     "volume_encryption_key": UNKNOWN},
          (("userVolumeEncryptionEnabled",), None, "userVolumeEncryptionEnabled is not set")),
    _case(aws.qbusiness.Application, {"encryption_configuration": {"kms_key_id": UNKNOWN}},
          (("encryptionConfiguration",), None, "encryptionConfiguration is not set")),
    _case(aws.ssm.Parameter, {"type": "SecureString", "value": UNKNOWN, "key_id": UNKNOWN},
          (("keyId",), None, "keyId is not set"),
          (("keyId",), "alias/aws/ssm", "AWS-managed key 'alias/aws/ssm'")),
    _case(aws.ec2.Instance, {"root_block_device": {"encrypted": True, "kms_key_id": UNKNOWN}},
          (("rootBlockDevice", "encrypted"), False, "rootBlockDevice.encrypted is False"),
          (("rootBlockDevice",), None, "rootBlockDevice is not set")),
    _case(aws.ec2.LaunchTemplate, {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": {
        "encrypted": "true", "kms_key_id": UNKNOWN}}]},
          (("blockDeviceMappings", 0, "ebs", "encrypted"), "false", "encrypted is 'false'")),
    _case(aws.xray.EncryptionConfig, {"type": "KMS", "key_id": UNKNOWN},
          (("type",), "NONE", "type is 'NONE'")),
    _case(aws.athena.Workgroup, {"configuration": {"result_configuration": {"encryption_configuration": {
        "encryption_option": "SSE_KMS", "kms_key_arn": UNKNOWN}}}},
          (("configuration", "resultConfiguration", "encryptionConfiguration", "encryptionOption"), "SSE_S3",
           "encryptionOption is 'SSE_S3'")),
]


@pytest.mark.parametrize("compliant, mutations", COMPLEX)
def test_complex_row_passes_compliant_and_blocks_each_mutation(compliant, mutations):
    run(POLICY, compliant).assert_clean()
    for path, value, named in mutations:
        mutated = compliant.without(*path) if value is None else compliant.set(*path, value)
        run(POLICY, mutated).assert_violation(named, on=compliant)


@pytest.mark.parametrize("cls, argument", [(aws.docdb.Cluster, "kms_key_id"), (aws.neptune.Cluster, "kms_key_arn")])
def test_flag_and_key_rows_name_both_arguments_in_the_fix(cls, argument):
    unencrypted = resource(cls, "subject", storage_encrypted=False, **{argument: UNKNOWN})
    run(POLICY, unencrypted).assert_violation("storageEncrypted is False, not true",
                                              f"set storage_encrypted=True and {argument}=key.arn.")


def test_rows_that_only_apply_when_set_or_to_one_kind():
    run(POLICY, resource(aws.ssm.Parameter, "plain", type="String", value="x")).assert_clean()
    run(POLICY, resource(aws.ec2.LaunchTemplate, "ami-defaults", image_id="ami-0abc")).assert_clean()
    run(POLICY, resource(aws.bedrock.AgentKnowledgeBase, "vectors", role_arn=UNKNOWN,
                         knowledge_base_configuration={"type": "VECTOR"})).assert_clean()
    run(POLICY, resource(aws.ssm.Parameter, "secret", type="SecureString", value=UNKNOWN).unknown("type")) \
        .assert_deferred("type")


def test_waiver_waives_a_new_row():
    repository = resource(aws.ecr.Repository, "images")
    run(POLICY, repository, waivers=[waiver(repository, reason="Public base images only, no data (SEC-90)")]).assert_waived()


def test_every_type_the_rule_declares_is_tested_here_or_in_the_older_baselines():
    from tests.policies.test_cmk_encryption_at_rest import COMPLIANT as OLDER

    typed = {resource(c, "x").type for c in SIMPLE} | {p.values[0].type for p in COMPLEX}
    assert typed | set(OLDER) == set(testing.rule_named(POLICY).resource_types)


def test_secure_string_parameter_finding_names_the_key_argument_at_the_top_level():
    secret = resource(aws.ssm.Parameter, "subject", type="SecureString", value=UNKNOWN)
    run(POLICY, secret).assert_violation("Parameter 'subject': keyId is not set; set key_id=key.arn on SecureString",
                                         on=secret)

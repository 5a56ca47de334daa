"""A compliant Perimeter deployment built in moto with boto3, and the outputs file that describes it."""

from __future__ import annotations

import json

import boto3

from perimeter.verify.aws import strip_account_host_prefix

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
STACK = "dev"
TAGS = [{"Key": "environment", "Value": STACK}]
BUCKETS = {"documents": "perimeter-dev-documents", "audit": "perimeter-dev-audit",
           "invocations": "perimeter-dev-invocations"}
LOG_GROUPS = {"invocations": "/perimeter/dev/bedrock-invocations", "application": "/perimeter/dev/assistant"}
TRAIL = "perimeter-dev-trail"
COLLECTION = "perimeter-kb"
GUARDRAIL = {"id": "abcd1234efgh", "version": "1"}
SCOPED_ENDPOINT_POLICY = {"Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": ["bedrock:InvokeModel", "bedrock:Converse"],
    "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]}


def client(endpoint_url: str, service: str):
    made = boto3.client(service, region_name=REGION, endpoint_url=endpoint_url)
    if service == "s3control":
        made.meta.events.register("before-call.s3-control", strip_account_host_prefix(ACCOUNT))
    return made


def tls_only_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def build_compliant(endpoint_url: str) -> dict:
    """Every control passes on what this builds; returns the `pulumi stack output --json` document."""
    aws = lambda service: client(endpoint_url, service)  # noqa: E731
    kms = aws("kms")
    keys = {}
    for data_class in ("documents", "logs"):
        arn = kms.create_key(Description=f"perimeter {data_class}", Tags=[
            {"TagKey": "environment", "TagValue": STACK}])["KeyMetadata"]["Arn"]
        kms.enable_key_rotation(KeyId=arn)
        keys[data_class] = arn

    s3 = aws("s3")
    for purpose, bucket in BUCKETS.items():
        key = keys["documents" if purpose == "documents" else "logs"]
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": TAGS})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
            "BucketKeyEnabled": True}]})
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket))
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
            "ID": "retention", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 400},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    aws("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})

    trail = aws("cloudtrail")
    trail.create_trail(Name=TRAIL, S3BucketName=BUCKETS["audit"], IsMultiRegionTrail=True,
                                   EnableLogFileValidation=True, KmsKeyId=keys["logs"])
    trail.start_logging(Name=TRAIL)

    logs = aws("logs")
    for group in LOG_GROUPS.values():
        logs.create_log_group(logGroupName=group, kmsKeyId=keys["logs"])
        logs.put_retention_policy(logGroupName=group, retentionInDays=400)

    aws("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": LOG_GROUPS["invocations"],
                             "roleArn": f"arn:aws:iam::{ACCOUNT}:role/perimeter-bedrock-logging"},
        "s3Config": {"bucketName": BUCKETS["invocations"], "keyPrefix": "bedrock/"},
        "textDataDeliveryEnabled": False, "imageDataDeliveryEnabled": False, "embeddingDataDeliveryEnabled": False,
        "videoDataDeliveryEnabled": False})

    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.bedrock-runtime",
        SubnetIds=[subnet], PrivateDnsEnabled=True, PolicyDocument=json.dumps(SCOPED_ENDPOINT_POLICY),
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": TAGS}])["VpcEndpoint"]["VpcEndpointId"]

    aoss = aws("opensearchserverless")
    rules = [{"ResourceType": "collection", "Resource": [f"collection/{COLLECTION}"]}]
    aoss.create_security_policy(name="perimeter-kb-encryption", type="encryption", policy=json.dumps(
        {"Rules": rules, "AWSOwnedKey": False, "KmsARN": keys["documents"]}))
    aoss.create_collection(name=COLLECTION, type="VECTORSEARCH")
    # moto crashes when a network policy precedes its collection (FIELD-NOTES §5).
    aoss.create_security_policy(name="perimeter-kb-network", type="network", policy=json.dumps(
        [{"Rules": rules, "AllowFromPublic": False, "SourceVPCEs": [endpoint]}]))

    aws("guardduty").create_detector(Enable=True)
    config = aws("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/perimeter-config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKETS["audit"]})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    aws("securityhub").enable_security_hub(EnableDefaultStandards=True)

    return {
        "region": REGION,
        "kmsKeyArns": keys,
        "buckets": {purpose: {"name": bucket, "kmsKeyArn": keys["documents" if purpose == "documents" else "logs"]}
                    for purpose, bucket in BUCKETS.items()},
        "trail": {"name": TRAIL, "kmsKeyArn": keys["logs"]},
        "logGroups": {purpose: {"name": group, "kmsKeyArn": keys["logs"]} for purpose, group in LOG_GROUPS.items()},
        "invocationLogging": {"bucket": BUCKETS["invocations"], "logGroup": LOG_GROUPS["invocations"]},
        "guardrail": dict(GUARDRAIL),
        "vpcEndpointIds": [endpoint],
        "opensearchCollections": {"knowledgeBase": {"name": COLLECTION, "kmsKeyArn": keys["documents"]}},
        "modelInventory": {"note": "other exports sit beside the contract's keys and are ignored"},
    }

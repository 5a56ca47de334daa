"""The whole Perimeter deployment for one stack, wired from a validated config.

Order matters only where AWS checks a dependency at create time (roles before
the resources that use them, bucket policies before the services that write
to the buckets); names are deterministic, so components refer to each other
by ARN without waiting on each other otherwise.
"""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from .access import APP_ROLE, AUDITOR_ROLE, Access, AccessArgs, ApprovedModel
from .assistant import Assistant, AssistantArgs
from .audit import INVOCATION_LOGS, TRAIL_LOGS, TRANSCRIPT_LOGS, Audit, AuditArgs
from .backup import Backup, BackupArgs
from .aws_context import AwsContext
from .config import PerimeterConfig
from .governance import model_inventory
from .guardrail import Guardrail, GuardrailArgs, GuardrailPolicy
from .keys import DataClassKey, Keys, KeysArgs, ServiceGrant
from .knowledge_base import KnowledgeBase, KnowledgeBaseArgs
from .launch_gate import build_launch_gate
from .naming import PerimeterNames
from .posture import FINDING_ALERTS, Posture, PostureArgs, delivery_failure_log_group, finding_rule_arn
from .private_network import EndpointGrant, PrivateNetwork, PrivateNetworkArgs

KNOWLEDGE, AUDIT, GUARDRAIL, ASSISTANT = "knowledge", "audit", "guardrail", "assistant"
BACKUP = "backup"
FLOW_LOGS, ASSISTANT_RUNTIME_LOGS = "vpc-flow-logs", "assistant-runtime"
AUDIT_LOG_GROUPS = (TRAIL_LOGS, INVOCATION_LOGS, TRANSCRIPT_LOGS, ASSISTANT_RUNTIME_LOGS, FLOW_LOGS)
# Queues the assistant sends to (escalation cases, failures); the redrive queue is filled by SQS itself.
ASSISTANT_QUEUES = ("escalations", "failures")


def access_log_delivery(this_account: dict) -> ServiceGrant:
    """S3 server access logs reach each bucket's CMK-encrypted log sibling (SecureBucket) only with this grant."""
    return ServiceGrant("S3DeliversServerAccessLogs", "logging.s3.amazonaws.com", ["kms:GenerateDataKey"],
                        {"StringEquals": this_account})


def key_specs(names: PerimeterNames) -> list[DataClassKey]:
    context = names.context
    this_account = {"aws:SourceAccount": context.account_id}
    audit_log_groups = [names.log_group_arn(p) for p in AUDIT_LOG_GROUPS]
    audit_log_groups.append(context.log_group_arn(delivery_failure_log_group(names)))
    return [
        DataClassKey(
            KNOWLEDGE, "Perimeter knowledge sources, vector index and ingestion data",
            used_via=("s3", "bedrock", "s3vectors"),
            service_grants=(
                ServiceGrant("S3VectorsIndexesThisAccountsVectorBuckets", "indexing.s3vectors.amazonaws.com",
                             ["kms:Decrypt"],
                             {"StringEquals": this_account,
                              "ArnLike": {"aws:SourceArn": context.arn("s3vectors", f"bucket/{names.vector_bucket}*")}}),
                access_log_delivery(this_account),
            ),
        ),
        DataClassKey(
            AUDIT, "Perimeter audit evidence: CloudTrail, invocation logs, Config, flow logs, alarms",
            used_via=("s3", "logs"),
            service_grants=(
                ServiceGrant("CloudTrailEncryptsThisTrail", "cloudtrail.amazonaws.com", ["kms:GenerateDataKey*"],
                             {"StringEquals": {"aws:SourceArn": names.trail_arn},
                              "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                             context.arn("cloudtrail", "trail/*", region="*")}}),
                ServiceGrant("CloudTrailDescribesKey", "cloudtrail.amazonaws.com", ["kms:DescribeKey"],
                             {"StringEquals": {"aws:SourceArn": names.trail_arn}}),
                access_log_delivery(this_account),
                ServiceGrant("CloudWatchLogsEncryptsPerimeterLogGroups", f"logs.{context.region}.amazonaws.com",
                             ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                             {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": audit_log_groups}}),
                ServiceGrant("BedrockEncryptsInvocationLogs", "bedrock.amazonaws.com", ["kms:GenerateDataKey"],
                             {"StringEquals": this_account, "ArnLike": {"aws:SourceArn": context.arn("bedrock", "*")}}),
                ServiceGrant("ConfigEncryptsSnapshots", "config.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"],
                             {"StringEquals": this_account, "ArnLike": {"aws:SourceArn": context.arn("config", "*")}}),
                ServiceGrant("CloudWatchAlarmsPublishToEncryptedTopic", "cloudwatch.amazonaws.com",
                             ["kms:Decrypt", "kms:GenerateDataKey*"],
                             {"StringEquals": this_account,
                              "ArnLike": {"aws:SourceArn": context.arn("cloudwatch", "alarm:*")}}),
            ServiceGrant("FindingRulesPublishToEncryptedTopic", "events.amazonaws.com",
                         ["kms:Decrypt", "kms:GenerateDataKey*"],
                         {"StringEquals": this_account,
                          "ArnEquals": {"aws:SourceArn": [finding_rule_arn(context, names, a) for a in FINDING_ALERTS]}}),
            ),
        ),
        DataClassKey(GUARDRAIL, "Perimeter Bedrock guardrail policy", used_via=("bedrock",)),
        DataClassKey(BACKUP, "Perimeter AWS Backup vault: recovery points of the stack's data stores",
                     used_via=("backup",)),
        DataClassKey(ASSISTANT, "Perimeter assistant: function environment, escalation and failure queues",
                     used_via=("lambda", "sqs")),
    ]


def endpoint_grants(model: ApprovedModel, guardrail: Guardrail, knowledge_base: KnowledgeBase,
                    keys: Keys, names: PerimeterNames) -> dict[str, list[EndpointGrant]]:
    return {
        "bedrock-runtime": [
            EndpointGrant("InvokeApprovedModel", ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                          list(model.invoke_arns)),
            EndpointGrant("ApplyPerimeterGuardrail", ["bedrock:ApplyGuardrail"], [guardrail.arn]),
        ],
        "bedrock-agent-runtime": [
            EndpointGrant("RetrieveFromKnowledgeBase", ["bedrock:Retrieve"], [knowledge_base.arn]),
        ],
        # Control-plane endpoints: the workload may only read what it was approved to use.
        "bedrock": [
            EndpointGrant("ReadApprovedModelAndGuardrail",
                          ["bedrock:GetFoundationModel", "bedrock:GetInferenceProfile", "bedrock:GetGuardrail"],
                          [*model.invoke_arns, guardrail.arn]),
        ],
        "bedrock-agent": [
            EndpointGrant("ReadKnowledgeBase", ["bedrock:GetKnowledgeBase"], [knowledge_base.arn]),
        ],
        "kms": [
            EndpointGrant("UsePerimeterKeys", ["kms:Decrypt", "kms:DescribeKey"], [k.arn for k in keys.keys.values()]),
        ],
        "logs": [
            EndpointGrant("WriteTranscripts", ["logs:CreateLogStream", "logs:PutLogEvents"],
                          [f"{names.log_group_arn(TRANSCRIPT_LOGS)}:log-stream:*"]),
        ],
        "sqs": [
            EndpointGrant("SendCasesAndFailures", ["sqs:SendMessage"], [names.queue_arn(q) for q in ASSISTANT_QUEUES]),
        ],
        "sts": [
            EndpointGrant("AssumeWorkloadRole", ["sts:AssumeRole"], [names.role_arn(APP_ROLE)]),
        ],
        "s3": [
            EndpointGrant("ReadKnowledgeSources", ["s3:GetObject", "s3:ListBucket"],
                          [knowledge_base.sources.arn, f"{knowledge_base.sources.arn}/*"]),
        ],
    }


def verify_targets(config, keys, knowledge_base, audit, posture, guardrail, network) -> dict[str, Any]:
    """What `perimeter verify --outputs` checks live (the contract: perimeter/verify/outputs.py)."""
    audit_days = {"min": config.retention.audit_days, "max": config.retention.audit_days}
    invocation_days = {"min": 1, "max": config.retention.invocation_log_days}
    return {
        "kmsKeyArns": {data_class: keys.arn(data_class) for data_class in (KNOWLEDGE, AUDIT, GUARDRAIL, ASSISTANT)},
        "buckets": {
            "knowledge": {"name": knowledge_base.sources.bucket_name, "kmsKeyArn": keys.arn(KNOWLEDGE),
                          "retentionDays": {"min": 1, "max": config.retention.knowledge_source_days}},
            "trail": {"name": audit.trail_bucket.bucket_name, "kmsKeyArn": keys.arn(AUDIT), "retentionDays": audit_days},
            "invocations": {"name": audit.invocation_bucket.bucket_name, "kmsKeyArn": keys.arn(AUDIT),
                            "retentionDays": invocation_days},
            "config": {"name": posture.config_bucket.bucket_name, "kmsKeyArn": keys.arn(AUDIT), "retentionDays": audit_days},
        },
        "trail": {"name": audit.trail.arn, "kmsKeyArn": keys.arn(AUDIT)},
        "logGroups": {
            "trail": {"name": audit.trail_log_group.name, "kmsKeyArn": keys.arn(AUDIT), "retentionDays": audit_days},
            "invocations": {"name": audit.invocation_log_group.name, "kmsKeyArn": keys.arn(AUDIT),
                            "retentionDays": invocation_days},
            "transcripts": {"name": audit.transcript_log_group.name, "kmsKeyArn": keys.arn(AUDIT),
                            "retentionDays": invocation_days},
        },
        "invocationLogging": {"bucket": audit.invocation_bucket.bucket_name, "logGroup": audit.invocation_log_group.name},
        "guardrail": {"id": guardrail.guardrail_id, "version": guardrail.version},
        "vpcEndpointIds": [endpoint.id for endpoint in network.interface_endpoints.values()],
    }


def build_perimeter(config: PerimeterConfig) -> dict[str, Any]:
    """Register every resource; return the stack outputs."""
    # Validate the guardrail policy (pure data) before the first resource is registered.
    context = AwsContext.lookup(config.region)
    names = PerimeterNames(config.stack, context)
    guardrail_policy = GuardrailPolicy.from_settings(names.guardrail, config.guardrail)
    launch_gate = build_launch_gate(config, guardrail_policy)
    model = ApprovedModel.for_config(context, config)
    auditor_role_arn = names.role_arn(AUDITOR_ROLE)
    backup_role_arn = names.role_arn(BACKUP)

    keys = Keys("keys", KeysArgs(context=context, alias_prefix=names.key_alias_prefix, keys=key_specs(names)))
    guardrail = Guardrail("guardrail", GuardrailArgs(policy=guardrail_policy, kms_key_arn=keys.arn(GUARDRAIL)))
    knowledge_base = KnowledgeBase("knowledge-base", KnowledgeBaseArgs(
        context=context,
        name=names.knowledge_base,
        role_name=names.role("knowledge-base"),
        source_bucket_name=names.bucket("knowledge"),
        vector_bucket_name=names.vector_bucket,
        kms_key_arn=keys.arn(KNOWLEDGE),
        source_retention_days=config.retention.knowledge_source_days,
        embedding_model_id=config.embedding_model_id,
        embedding_dimensions=config.embedding_dimensions,
        backup_role_arn=backup_role_arn,
    ))
    audit = Audit("audit", AuditArgs(
        names=names,
        kms_key_arn=keys.arn(AUDIT),
        audit_days=config.retention.audit_days,
        invocation_log_days=config.retention.invocation_log_days,
        auditor_role_arn=auditor_role_arn,
        data_event_bucket_arns=[context.bucket_arn(names.bucket(p)) for p in ("knowledge", "invocations")],
        backup_role_arn=backup_role_arn,
    ))
    audit_buckets = [audit.trail_bucket, audit.invocation_bucket]
    access = Access("access", AccessArgs(
        names=names,
        model=model,
        guardrail_arn=guardrail.arn,
        guardrail_version=guardrail.version,
        guardrail_key_arn=keys.arn(GUARDRAIL),
        knowledge_base_arn=knowledge_base.arn,
        application_log_group_arns=[names.log_group_arn(p) for p in (TRANSCRIPT_LOGS, ASSISTANT_RUNTIME_LOGS)],
        queue_arns=[names.queue_arn(q) for q in ASSISTANT_QUEUES],
        queue_key_arn=keys.arn(ASSISTANT),
        auditor_principals=config.auditor_principals,
        audit_key_arn=keys.arn(AUDIT),
        audit_bucket_arns=[b.arn for b in audit_buckets] + [context.bucket_arn(names.bucket("config"))],
        audit_log_group_arns=[names.log_group_arn(p) for p in AUDIT_LOG_GROUPS],
    ))
    network = PrivateNetwork("network", PrivateNetworkArgs(
        context=context,
        name=names.prefix,
        cidr_block=config.vpc_cidr,
        availability_zones=aws.get_availability_zones(state="available").names,
        workload_role_arns=[access.application.arn],
        endpoint_grants=endpoint_grants(model, guardrail, knowledge_base, keys, names),
        flow_log_group_name=names.log_group(FLOW_LOGS),
        flow_log_role_name=names.role("flow-logs"),
        flow_log_kms_key_arn=keys.arn(AUDIT),
        flow_log_retention_days=config.retention.audit_days,
    ))
    posture = Posture("posture", PostureArgs(
        names=names,
        audit_key_arn=keys.arn(AUDIT),
        audit_days=config.retention.audit_days,
        auditor_role_arn=auditor_role_arn,
        trail_log_group_name=audit.trail_log_group.name,
        audit_log_group_names=[names.log_group(TRAIL_LOGS), names.log_group(FLOW_LOGS)],
        guardrail_arn=guardrail.arn,
        guardrail_version=guardrail.version,
        alert_emails=config.alerts.emails,
        alert_https_endpoints=config.alerts.https_endpoints,
        backup_role_arn=backup_role_arn,
    ))
    # Every data store but the invocation-log bucket, whose prompts must be disposed of within
    # invocation_log_days: a recovery point would outlive that bound.
    Backup("backup", BackupArgs(
        context=context,
        vault_name=f"{names.prefix}-data",
        plan_name=f"{names.prefix}-daily",
        role_name=names.role(BACKUP),
        kms_key_arn=keys.arn(BACKUP),
        bucket_arns=[bucket.arn for protected in (knowledge_base.sources, audit.trail_bucket, posture.config_bucket)
                     for bucket in (protected.bucket, protected.access_logs)] + [audit.invocation_bucket.access_logs.arn],
        bucket_key_arns=[keys.arn(KNOWLEDGE), keys.arn(AUDIT)],
    ))
    assistant = Assistant("assistant", AssistantArgs(
        names=names,
        role_arn=access.application.arn,
        subnet_ids=[s.id for s in network.subnets],
        vpc_id=network.vpc.id,
        vpc_cidr=config.vpc_cidr,
        kms_key_arn=keys.arn(ASSISTANT),
        runtime_log_group_name=names.log_group(ASSISTANT_RUNTIME_LOGS),
        runtime_log_key_arn=keys.arn(AUDIT),
        log_retention_days=config.retention.invocation_log_days,
        transcript_log_group_name=audit.transcript_log_group.name,
        reserved_concurrency=config.assistant_reserved_concurrency,
        model_id=model.invocation_id,
        guardrail_id=guardrail.guardrail_id,
        guardrail_version=guardrail.version,
        knowledge_base_id=knowledge_base.knowledge_base.id,
        grounding_threshold=config.guardrail.grounding_threshold,
        relevance_threshold=config.guardrail.relevance_threshold,
    ))
    return {
        "region": config.region,
        "modelInvocationId": model.invocation_id,
        "guardrailId": guardrail.guardrail_id,
        "guardrailArn": guardrail.arn,
        "guardrailVersion": guardrail.version,
        "guardrailPolicyDigest": guardrail.policy_digest,
        "knowledgeBaseArn": knowledge_base.arn,
        "applicationRoleArn": access.application.arn,
        "auditorRoleArn": access.auditor.arn,
        "vpcId": network.vpc.id,
        "privateSubnetIds": [s.id for s in network.subnets],
        "trailArn": audit.trail.arn,
        "alarmTopicArn": posture.alarm_topic.arn,
        "assistantFunctionArn": assistant.function.arn,
        "escalationQueueUrl": assistant.escalation_queue.url,
        "failureQueueUrl": assistant.failure_queue.url,
        **verify_targets(config, keys, knowledge_base, audit, posture, guardrail, network),
        "launchGate": launch_gate.props,
        "modelInventory": model_inventory(config, guardrail_id=guardrail.guardrail_id,
                                          guardrail_arn=guardrail.arn, guardrail_version=guardrail.version),
    }

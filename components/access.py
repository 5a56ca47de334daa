"""Who may do what: the application role and the auditor role (PCI DSS Req 7).

The application (the support assistant) may only invoke the approved model
with the pinned guardrail attached, apply that guardrail, retrieve from the
knowledge base and write its own logs. Anything that moves money or changes a
customer's limits stays behind the organisation's authenticated transaction
APIs: no such permission is ever given to the model's role.

Auditors get read-only access to the audit evidence, through MFA.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi

from .aws_context import AwsContext
from .config import PerimeterConfig
from .iam_policy import assume_role_policy, aws_principals, policy_document, statement
from .naming import PerimeterNames
from .roles import scoped_role

APP_ROLE, AUDITOR_ROLE = "app", "auditor"
INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
# The complete list of actions the application role may ever hold.
# Lambda in a VPC attaches its own network interfaces; DescribeNetworkInterfaces has no resource scope.
NETWORK_INTERFACE_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                             "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                             "ec2:UnassignPrivateIpAddresses")
QUEUE_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
APPLICATION_ACTIONS = frozenset(INVOKE_ACTIONS + NETWORK_INTERFACE_ACTIONS + QUEUE_KEY_ACTIONS + (
    "bedrock:ApplyGuardrail", "bedrock:Retrieve", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage",
))
# The workload is the assistant's Lambda function in the private subnets.
APPLICATION_SERVICE = "lambda.amazonaws.com"


@dataclass(frozen=True)
class ApprovedModel:
    """The one model the assistant may call, and the exact ARNs IAM must allow for it."""

    invocation_id: str
    inference_profile_arn: Optional[str]
    foundation_model_arns: tuple[str, ...]

    @classmethod
    def for_config(cls, context: AwsContext, config: PerimeterConfig) -> "ApprovedModel":
        profile_arn = (context.arn("bedrock", f"inference-profile/{config.invocation_model_id}")
                       if config.uses_cross_region_inference else None)
        return cls(
            invocation_id=config.invocation_model_id,
            inference_profile_arn=profile_arn,
            foundation_model_arns=tuple(context.foundation_model_arn(config.model.id, region)
                                        for region in config.inference_regions),
        )

    @property
    def invoke_arns(self) -> tuple[str, ...]:
        return ((self.inference_profile_arn,) if self.inference_profile_arn else ()) + self.foundation_model_arns


@dataclass
class AccessArgs:
    names: PerimeterNames
    model: ApprovedModel
    guardrail_arn: pulumi.Input[str]
    guardrail_version: pulumi.Input[str]
    guardrail_key_arn: pulumi.Input[str]
    knowledge_base_arn: pulumi.Input[str]
    # Log groups the assistant writes: its transcript and its runtime log.
    application_log_group_arns: Sequence[str]
    # Queues the assistant may send to (escalation cases, failures), and their key.
    queue_arns: Sequence[str]
    queue_key_arn: pulumi.Input[str]
    auditor_principals: Sequence[str]
    audit_key_arn: pulumi.Input[str]
    audit_bucket_arns: Sequence[str]
    audit_log_group_arns: Sequence[str]


def invoke_statements(model: ApprovedModel, pinned_guardrail: pulumi.Input[str]) -> list[dict]:
    # Every model call must name the pinned guardrail version, or IAM refuses it.
    with_guardrail = {"bedrock:GuardrailIdentifier": pinned_guardrail}
    if model.inference_profile_arn is None:
        return [statement("InvokeApprovedModelWithPinnedGuardrail", INVOKE_ACTIONS, list(model.foundation_model_arns),
                          conditions={"StringEquals": with_guardrail})]
    return [
        statement("InvokeApprovedGeographyProfileWithPinnedGuardrail", INVOKE_ACTIONS, [model.inference_profile_arn],
                  conditions={"StringEquals": with_guardrail}),
        # The profile routes to the model in each region of the geography, and only via the profile.
        statement("InvokeModelOnlyThroughApprovedProfile", INVOKE_ACTIONS, list(model.foundation_model_arns),
                  conditions={"StringEquals": {**with_guardrail,
                                               "bedrock:InferenceProfileArn": model.inference_profile_arn}}),
    ]


def application_permissions(context: AwsContext, args: AccessArgs) -> pulumi.Output[str]:
    pinned_guardrail = pulumi.Output.concat(args.guardrail_arn, ":", args.guardrail_version)
    return policy_document([
        *invoke_statements(args.model, pinned_guardrail),
        statement("ApplyPerimeterGuardrail", ["bedrock:ApplyGuardrail"], [args.guardrail_arn]),
        statement("RetrieveFromKnowledgeBase", ["bedrock:Retrieve"], [args.knowledge_base_arn]),
        statement("DecryptGuardrailThroughBedrock", ["kms:Decrypt"], [args.guardrail_key_arn],
                  conditions={"StringEquals": {"kms:ViaService": context.service_endpoint("bedrock")}}),
        statement("WriteApplicationLogs", ["logs:CreateLogStream", "logs:PutLogEvents"],
                  [f"{arn}:log-stream:*" for arn in args.application_log_group_arns]),
        statement("SendCasesAndFailures", ["sqs:SendMessage"], list(args.queue_arns)),
        statement("EncryptQueuedCasesThroughSqs", QUEUE_KEY_ACTIONS, [args.queue_key_arn],
                  conditions={"StringEquals": {"kms:ViaService": context.service_endpoint("sqs")}}),
        statement("AttachToPrivateSubnets", NETWORK_INTERFACE_ACTIONS, ["*"]),
    ])


def auditor_permissions(context: AwsContext, args: AccessArgs) -> pulumi.Output[str]:
    return policy_document([
        statement("ReadAuditLogGroups", ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents"],
                  [arn for group in args.audit_log_group_arns for arn in (group, f"{group}:log-stream:*")]),
        statement("ListAuditBuckets", ["s3:ListBucket", "s3:ListBucketVersions"], list(args.audit_bucket_arns)),
        statement("ReadAuditObjects", ["s3:GetObject", "s3:GetObjectVersion"],
                  [f"{arn}/*" for arn in args.audit_bucket_arns]),
        statement("DecryptAuditEvidenceThroughS3AndLogs", ["kms:Decrypt"], [args.audit_key_arn],
                  conditions={"StringEquals": {"kms:ViaService": [context.service_endpoint(s) for s in ("s3", "logs")]}}),
    ])


def auditor_trust_policy(principals: Sequence[str]) -> pulumi.Output[str]:
    return policy_document([
        statement("NamedAuditorsWithMfa", ["sts:AssumeRole"], principal=aws_principals(*principals),
                  conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    ])


class Access(pulumi.ComponentResource):
    def __init__(self, name: str, args: AccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:security:Access", name, None, opts)
        names, context = args.names, args.names.context
        self.application = scoped_role(
            f"{name}-{APP_ROLE}",
            role_name=names.role(APP_ROLE),
            description="Support assistant: invoke the approved model with the pinned guardrail, retrieve, log, hand off",
            # Lambda assumes its execution role with no source ARN in the request; the account still binds it.
            trust_policy=assume_role_policy(APPLICATION_SERVICE, source_account=context.account_id),
            permissions=application_permissions(context, args),
            parent=self,
        )
        self.auditor = scoped_role(
            f"{name}-{AUDITOR_ROLE}",
            role_name=names.role(AUDITOR_ROLE),
            description="Auditors: read-only access to audit logs and evidence buckets",
            trust_policy=auditor_trust_policy(args.auditor_principals),
            permissions=auditor_permissions(context, args),
            parent=self,
        )
        self.register_outputs({"applicationRoleArn": self.application.arn, "auditorRoleArn": self.auditor.arn})

"""A Bedrock knowledge base over approved content, with a CMK-encrypted S3 Vectors store.

S3 Vectors has no network endpoint of its own to expose: it is reachable only
through signed AWS API calls, which the service role below scopes to one index.
The knowledge base's service role can read only the source bucket, decrypt
only with the knowledge key, embed only with the approved model and write
only to its own vector index.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import assume_role_policy, policy_document, statement
from .roles import scoped_role
from .secure_bucket import SecureBucket, SecureBucketArgs

# Bedrock writes the chunk text and its metadata into these keys; S3 Vectors
# limits filterable metadata to 2 KB, so they must be non-filterable.
BEDROCK_NON_FILTERABLE_KEYS = ("AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA")
# Previous versions of a source document are kept briefly for rollback only.
SOURCE_NONCURRENT_DAYS = 30
VECTOR_INDEX_NAME = "knowledge"


@dataclass
class KnowledgeBaseArgs:
    context: AwsContext
    name: str
    role_name: str
    source_bucket_name: str
    vector_bucket_name: str
    kms_key_arn: pulumi.Input[str]
    source_retention_days: int
    embedding_model_id: str
    embedding_dimensions: int
    # The role AWS Backup reads the sources with.
    backup_role_arn: str


class KnowledgeBase(pulumi.ComponentResource):
    def __init__(self, name: str, args: KnowledgeBaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:ai:KnowledgeBase", name, None, opts)
        context = args.context
        child = pulumi.ResourceOptions(parent=self)
        self.role_arn = context.role_arn(args.role_name)
        self.embedding_model_arn = context.foundation_model_arn(args.embedding_model_id)

        self.sources = SecureBucket(
            f"{name}-sources",
            SecureBucketArgs(
                context=context,
                bucket_name=args.source_bucket_name,
                kms_key_arn=args.kms_key_arn,
                expiration_days=args.source_retention_days,
                noncurrent_expiration_days=SOURCE_NONCURRENT_DAYS,
                readers=[self.role_arn, args.backup_role_arn],
            ),
            opts=child,
        )
        encryption = {"sse_type": "aws:kms", "kms_key_arn": args.kms_key_arn}
        self.vector_bucket = aws.s3.VectorsVectorBucket(
            f"{name}-vectors",
            vector_bucket_name=args.vector_bucket_name,
            encryption_configurations=[aws.s3.VectorsVectorBucketEncryptionConfigurationArgs(**encryption)],
            force_destroy=False,
            opts=child,
        )
        self.vector_index = aws.s3.VectorsIndex(
            f"{name}-vectors",
            vector_bucket_name=self.vector_bucket.vector_bucket_name,
            index_name=VECTOR_INDEX_NAME,
            data_type="float32",
            dimension=args.embedding_dimensions,
            distance_metric="cosine",
            encryption_configurations=[aws.s3.VectorsIndexEncryptionConfigurationArgs(**encryption)],
            metadata_configuration=aws.s3.VectorsIndexMetadataConfigurationArgs(
                non_filterable_metadata_keys=list(BEDROCK_NON_FILTERABLE_KEYS),
            ),
            opts=child,
        )
        index_arn = context.arn("s3vectors", f"bucket/{args.vector_bucket_name}/index/{VECTOR_INDEX_NAME}")
        self.service_role = scoped_role(
            f"{name}-service",
            role_name=args.role_name,
            description="Bedrock knowledge base: read approved sources, embed, write its own vector index",
            trust_policy=assume_role_policy(
                "bedrock.amazonaws.com",
                source_account=context.account_id,
                source_arn=context.arn("bedrock", "knowledge-base/*"),
            ),
            permissions=policy_document([
                statement("ListApprovedSources", ["s3:ListBucket"], [self.sources.arn],
                          conditions={"StringEquals": {"aws:ResourceAccount": context.account_id}}),
                statement("ReadApprovedSources", ["s3:GetObject"], [f"{self.sources.arn}/*"],
                          conditions={"StringEquals": {"aws:ResourceAccount": context.account_id}}),
                statement("UseKnowledgeKeyThroughStorageServices",
                          ["kms:Decrypt", "kms:GenerateDataKey"], [args.kms_key_arn],
                          conditions={"StringEquals": {"kms:ViaService": [
                              context.service_endpoint(s) for s in ("s3", "bedrock", "s3vectors")]}}),
                statement("EmbedWithApprovedModelOnly", ["bedrock:InvokeModel"], [self.embedding_model_arn]),
                statement("ReadWriteOwnVectorIndexOnly",
                          ["s3vectors:GetIndex", "s3vectors:QueryVectors", "s3vectors:PutVectors",
                           "s3vectors:GetVectors", "s3vectors:DeleteVectors"],
                          [index_arn]),
            ]),
            parent=self,
        )
        self.knowledge_base = aws.bedrock.AgentKnowledgeBase(
            name,
            name=args.name,
            description="Approved help-centre and policy content for the support assistant",
            role_arn=self.service_role.arn,
            knowledge_base_configuration=aws.bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationArgs(
                type="VECTOR",
                vector_knowledge_base_configuration=aws.bedrock.AgentKnowledgeBaseKnowledgeBaseConfigurationVectorKnowledgeBaseConfigurationArgs(
                    embedding_model_arn=self.embedding_model_arn,
                ),
            ),
            storage_configuration=aws.bedrock.AgentKnowledgeBaseStorageConfigurationArgs(
                type="S3_VECTORS",
                s3_vectors_configuration=aws.bedrock.AgentKnowledgeBaseStorageConfigurationS3VectorsConfigurationArgs(
                    index_arn=self.vector_index.index_arn,
                ),
            ),
            # Bedrock checks the role's access to the index when the knowledge base is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.service_role.policy]),
        )
        self.data_source = aws.bedrock.AgentDataSource(
            name,
            name=f"{args.name}-approved-sources",
            knowledge_base_id=self.knowledge_base.id,
            # Deleting the data source deletes its vectors too (C1.2 disposal).
            data_deletion_policy="DELETE",
            data_source_configuration=aws.bedrock.AgentDataSourceDataSourceConfigurationArgs(
                type="S3",
                s3_configuration=aws.bedrock.AgentDataSourceDataSourceConfigurationS3ConfigurationArgs(
                    bucket_arn=self.sources.arn,
                    bucket_owner_account_id=context.account_id,
                ),
            ),
            server_side_encryption_configuration=aws.bedrock.AgentDataSourceServerSideEncryptionConfigurationArgs(
                kms_key_arn=args.kms_key_arn,
            ),
            opts=child,
        )
        self.arn = self.knowledge_base.arn
        self.register_outputs({"arn": self.arn, "sourceBucket": self.sources.bucket_name,
                               "vectorIndexArn": self.vector_index.index_arn})

"""Knowledge base: S3 Vectors store under the knowledge CMK; a service role that can do only its job."""

from tests.components.conftest import ACCOUNT_ID, actions_of, by_sid, created

KB_NAME = "knowledge-base"


def knowledge_key(built):
    return created(built, "aws:kms/key:Key", "keys-knowledge")["arn"]


def test_vector_store_is_cmk_encrypted(deployed):
    encryption = [{"kmsKeyArn": knowledge_key(deployed), "sseType": "aws:kms"}]
    bucket = deployed.one("aws:s3/vectorsVectorBucket:VectorsVectorBucket")
    assert bucket.inputs["encryptionConfigurations"] == encryption
    assert bucket.inputs["forceDestroy"] is False
    index = deployed.one("aws:s3/vectorsIndex:VectorsIndex")
    assert index.inputs["encryptionConfigurations"] == encryption
    assert index.inputs["dimension"] == 1024
    assert (index.inputs["dataType"], index.inputs["distanceMetric"]) == ("float32", "cosine")
    assert index.inputs["metadataConfiguration"] == {
        "nonFilterableMetadataKeys": ["AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA"]}


def test_knowledge_base_uses_s3_vectors_and_the_approved_embedding_model(deployed):
    kb = deployed.one("aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")
    assert kb.inputs["storageConfiguration"]["type"] == "S3_VECTORS"
    index = deployed.one("aws:s3/vectorsIndex:VectorsIndex")
    assert index.inputs["vectorBucketName"] == f"perimeter-{deployed.stack}-vectors"
    assert kb.inputs["storageConfiguration"]["s3VectorsConfiguration"]["indexArn"] == (
        created(deployed, "aws:s3/vectorsIndex:VectorsIndex")["indexArn"])
    vector = kb.inputs["knowledgeBaseConfiguration"]
    assert vector["type"] == "VECTOR"
    assert vector["vectorKnowledgeBaseConfiguration"]["embeddingModelArn"] == (
        f"arn:aws:bedrock:{deployed.region}::foundation-model/{deployed.setting('embeddingModelId')}")
    assert kb.inputs["roleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-knowledge-base"


def test_data_source_is_encrypted_owned_and_deletes_its_vectors(deployed):
    source = deployed.one("aws:bedrock/agentDataSource:AgentDataSource")
    assert source.inputs["serverSideEncryptionConfiguration"] == {"kmsKeyArn": knowledge_key(deployed)}
    assert source.inputs["dataDeletionPolicy"] == "DELETE"
    s3 = source.inputs["dataSourceConfiguration"]
    assert s3["type"] == "S3"
    assert s3["s3Configuration"]["bucketOwnerAccountId"] == ACCOUNT_ID
    assert s3["s3Configuration"]["bucketArn"] == (
        f"arn:aws:s3:::perimeter-{deployed.stack}-knowledge-{ACCOUNT_ID}-{deployed.region}")


def test_service_role_trusts_bedrock_for_this_accounts_knowledge_bases_only(preview):
    role = preview.one("aws:iam/role:Role", f"{KB_NAME}-service")
    (trust,) = role.json("assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"Service": "bedrock.amazonaws.com"} and trust["Action"] == ["sts:AssumeRole"]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{preview.region}:{ACCOUNT_ID}:knowledge-base/*"}}


def test_service_role_is_least_privilege(deployed):
    document = deployed.one("aws:iam/policy:Policy", f"{KB_NAME}-service").json("policy")
    assert actions_of(document) == {
        "s3:ListBucket", "s3:GetObject", "kms:Decrypt", "kms:GenerateDataKey", "bedrock:InvokeModel",
        "s3vectors:GetIndex", "s3vectors:QueryVectors", "s3vectors:PutVectors", "s3vectors:GetVectors",
        "s3vectors:DeleteVectors"}
    statements = by_sid(document)
    source = f"arn:aws:s3:::perimeter-{deployed.stack}-knowledge-{ACCOUNT_ID}-{deployed.region}"
    assert statements["ListApprovedSources"]["Resource"] == [source]
    assert statements["ReadApprovedSources"]["Resource"] == [f"{source}/*"]
    assert statements["UseKnowledgeKeyThroughStorageServices"]["Resource"] == [knowledge_key(deployed)]
    assert statements["EmbedWithApprovedModelOnly"]["Resource"] == [
        f"arn:aws:bedrock:{deployed.region}::foundation-model/{deployed.setting('embeddingModelId')}"]
    assert statements["ReadWriteOwnVectorIndexOnly"]["Resource"] == [
        f"arn:aws:s3vectors:{deployed.region}:{ACCOUNT_ID}:bucket/perimeter-{deployed.stack}-vectors/index/knowledge"]
    for statement in document["Statement"]:
        assert "*" not in statement["Resource"] and not any(a.endswith("*") for a in statement["Action"])


def test_knowledge_base_waits_for_its_permissions(preview):
    kb = preview.one("aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")
    policy = preview.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{KB_NAME}-service")
    assert policy.urn in kb.dependencies

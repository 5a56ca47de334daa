"""resource-policy-not-public: no resource policy lets everybody in.

Why: a resource policy statement that allows Principal `"*"` with no condition
on the caller hands the resource to every AWS account and, for S3, SQS, SNS
and OpenSearch, to anonymous internet callers. For buckets, keys, queues,
topics, secrets and vector stores holding cardholder data or prompts, that is
a direct breach of PCI DSS 1.4.4 and 7.2.1/7.3.1. It is critical and cannot be
waived.

Not public (and so clean): Deny statements (e.g. the TLS-only `Deny *` on
`aws:SecureTransport` false), service principals (`{"Service":
"cloudtrail.amazonaws.com"}`), and `"*"` pinned by a positive condition on a
restricting key (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID,
aws:SourceVpce, kms:CallerAccount, ...) to a specific value.

A condition restricts only when it pins callers to something specific
(`_iam_policy.pins_caller`): an account, organisation id or principal ARN
without wildcards, a source VPC or VPC endpoint, or source IP ranges that are
private (plus at most a /16 of public space). Wildcard patterns
(`arn:aws:iam::*:role/*`), `kms:ViaService` alone, and IP ranges that add up to
the public internet (`0.0.0.0/1` + `128.0.0.0/1`) restrict nobody.

A policy built from outputs (`pulumi.Output.json_dumps`) is unknown at preview
and is checked at `pulumi up`. Text that is not a policy document fails now.

Table-driven: one row per resource type, naming the input that holds the JSON.
Lambda permissions are `lambda-not-public`'s job. OpenSearch Serverless access
policies are not IAM documents (a list of rules with principal ARNs and no
"everybody" form) and are not covered here.
"""

from ..model import ResourceView
from ..rule import Rule
from ._iam_policy import is_public, policy_document_outcomes

POLICY, ACCESS_POLICIES = "policy", "accessPolicies"  # wire names (Python: policy, access_policies)

POLICY_INPUTS = {
    "aws:s3/bucketPolicy:BucketPolicy": POLICY,
    "aws:s3/bucket:Bucket": POLICY,        # deprecated inline policy
    "aws:s3/bucketV2:BucketV2": POLICY,
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": POLICY,
    "aws:kms/key:Key": POLICY,
    "aws:sqs/queuePolicy:QueuePolicy": POLICY,
    "aws:sqs/queue:Queue": POLICY,
    "aws:sns/topicPolicy:TopicPolicy": POLICY,
    "aws:sns/topic:Topic": POLICY,
    "aws:opensearch/domainPolicy:DomainPolicy": ACCESS_POLICIES,
    "aws:opensearch/domain:Domain": ACCESS_POLICIES,
    "aws:secretsmanager/secretPolicy:SecretPolicy": POLICY,
    "aws:ecr/repositoryPolicy:RepositoryPolicy": POLICY,
    "aws:lambda/resourcePolicy:ResourcePolicy": POLICY,
}


def check(resource: ResourceView, config):
    yield from policy_document_outcomes(resource, POLICY_INPUTS[resource.type], is_public,
                                        "Principal '*' with no condition restricting the caller")


RULE = Rule(
    name="resource-policy-not-public",
    description="Resource policies must not allow Principal '*' without a condition restricting the caller.",
    severity="critical",
    pci_dss=("1.4.4", "7.2.1", "7.3.1"),
    soc2=("CC6.1", "CC6.3", "CC6.6"),
    remediation=("In the resource's policy argument (access_policies on OpenSearch domains), replace Principal '*' "
                 "with specific account or role ARNs, or add a condition such as "
                 "{'StringEquals': {'aws:SourceAccount': '<account id>'}} or aws:PrincipalOrgID."),
    check=check,
    resource_types=tuple(POLICY_INPUTS),
    waivable=False,
    violation_example=('aws.s3.BucketPolicy("data", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", '
                       '"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", '
                       '"Resource": "arn:aws:s3:::data/*"}]}))'),
)

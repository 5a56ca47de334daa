import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "bedrock-data-buckets-in-stack"
BUCKET = resource(aws.s3.Bucket, "sources", bucket="kb-sources")
DATA_SOURCE = resource(aws.bedrock.AgentDataSource, "docs", knowledge_base_id=UNKNOWN, data_source_configuration={
    "type": "S3", "s3_configuration": {"bucket_arn": UNKNOWN}}, property_dependencies={"dataSourceConfiguration": [BUCKET]})
MODEL = resource(aws.bedrock.CustomModel, "tuned", base_model_identifier="amazon.titan-text-express-v1",
                 custom_model_name="tuned", job_name="tune", role_arn=UNKNOWN, hyperparameters={"epochCount": "1"},
                 training_data_config={"s3_uri": "s3://kb-sources/train/"},
                 output_data_config={"s3_uri": "s3://kb-sources/out/"},
                 validation_data_config={"validators": [{"s3_uri": "s3://kb-sources/validate/"}]})
JOB = resource(aws.bedrockmodel.InvocationJob, "batch", job_name="batch", model_id="amazon.nova-lite-v1:0",
               role_arn=UNKNOWN, input_data_config={"s3_input_data_config": {"s3_uri": "s3://kb-sources/in/"}},
               output_data_config={"s3_output_data_config": {"s3_uri": "s3://kb-sources/out/"}})


@pytest.mark.parametrize("subject", [DATA_SOURCE, MODEL, JOB], ids=["data-source", "custom-model", "invocation-job"])
def test_buckets_in_the_stack_pass(subject):
    run(POLICY, [BUCKET, subject]).assert_clean()


@pytest.mark.parametrize("subject, path, named", [
    (MODEL, ("trainingDataConfig", "s3Uri"), "trainingDataConfig.s3Uri points at bucket 'shared-lake'"),
    (MODEL, ("validationDataConfig", "validators", 0, "s3Uri"), "validationDataConfig.validators[0].s3Uri"),
    (JOB, ("inputDataConfig", "s3InputDataConfig", "s3Uri"), "inputDataConfig.s3InputDataConfig.s3Uri"),
], ids=["training", "validation", "batch-input"])
def test_bucket_outside_the_stack_blocks(subject, path, named):
    run(POLICY, [BUCKET, subject.set(*path, "s3://shared-lake/x/")]).assert_violation(named, on=subject)


def test_data_source_arn_of_an_outside_bucket_blocks_at_update():
    known = DATA_SOURCE.set("dataSourceConfiguration", "s3Configuration", "bucketArn", "arn:aws:s3:::shared-lake")
    known = dataclasses.replace(known, property_dependencies={})
    run(POLICY, [BUCKET, known]).assert_violation("bucket 'shared-lake'")
    in_stack = known.set("dataSourceConfiguration", "s3Configuration", "bucketArn", "arn:aws:s3:::kb-sources")
    run(POLICY, [BUCKET, in_stack]).assert_clean()


def test_external_buckets_vouched_for_in_config_pass():
    model = MODEL.set("trainingDataConfig", "s3Uri", "s3://shared-lake/train/")
    run(POLICY, [BUCKET, model], config={"externalBuckets": ["shared-lake"]}).assert_clean()


def test_unreadable_reference_blocks_and_unknown_one_is_deferred():
    run(POLICY, [BUCKET, MODEL.set("trainingDataConfig", "s3Uri", "kb-sources/train")]).assert_violation(
        "not an s3:// URI")
    unresolved = dataclasses.replace(DATA_SOURCE, property_dependencies={})
    run(POLICY, [BUCKET, unresolved]).assert_deferred("bucketArn is unknown at preview")


def test_waiver_waives():
    model = MODEL.set("outputDataConfig", "s3Uri", "s3://shared-lake/out/")
    run(POLICY, [BUCKET, model], waivers=[waiver(model, reason="Vendor-hosted output bucket in eu-west-1 (SEC-55)")]) \
        .assert_waived()

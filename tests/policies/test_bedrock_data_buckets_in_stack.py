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


def finding_lines(result):
    return [line for message, _ in result.violations for line in message.splitlines()]


def test_findings_say_what_is_wrong_and_how_to_fix_it_on_the_referencing_resource():
    unreadable = run(POLICY, [BUCKET, MODEL.set("trainingDataConfig", "s3Uri", "kb-sources/train")])
    unreadable.assert_violation(on=MODEL)
    assert ("CustomModel 'tuned': trainingDataConfig.s3Uri is 'kb-sources/train', not an s3:// URI or S3 bucket ARN, "
            "so where the data lives cannot be read.") in finding_lines(unreadable)
    outside = run(POLICY, [BUCKET, MODEL.set("outputDataConfig", "s3Uri", "s3://shared-lake/out/")])
    outside.assert_violation(on=MODEL)
    assert ("CustomModel 'tuned': outputDataConfig.s3Uri points at bucket 'shared-lake', which is not in this stack, "
            "so its region is not asserted anywhere; declare the bucket here or list it in externalBuckets.") \
        in finding_lines(outside)
    deferred = run(POLICY, [BUCKET, dataclasses.replace(DATA_SOURCE, property_dependencies={})])
    assert deferred.deferred == [{"message": "AgentDataSource 'docs': dataSourceConfiguration.s3Configuration.bucketArn "
                                             "is unknown at preview and not built from a bucket in this stack",
                                  "urn": DATA_SOURCE.urn}]


@pytest.mark.parametrize("validators", [
    [{"s3_uri": UNKNOWN}, {"s3_uri": "s3://shared-lake/validate/"}],   # one unknown validator, one outside
    [{}, {"s3_uri": "s3://shared-lake/validate/"}],                    # one without a URI, one outside
], ids=["after-an-unknown-one", "after-an-absent-one"])
def test_every_validator_is_read_not_only_the_first(validators):
    model = MODEL.replace(validation_data_config={"validators": validators})
    run(POLICY, [BUCKET, model]).assert_violation("validationDataConfig.validators[1].s3Uri", "'shared-lake'", on=MODEL)


@pytest.mark.parametrize("arn", ["arn:aws:s3:::kb-sources/train/*", "arn:aws:s3:::kb-sources/a/b:c",
                                 "arn:aws-cn:s3:::kb-sources"])
def test_arn_of_a_bucket_in_the_stack_passes_whatever_its_key(arn):
    known = dataclasses.replace(DATA_SOURCE.set("dataSourceConfiguration", "s3Configuration", "bucketArn", arn),
                                property_dependencies={})
    run(POLICY, [BUCKET, known]).assert_clean()


@pytest.mark.parametrize("reference, named", [
    ("arn:aws:s3:::kb-sources:copy", "points at bucket 'kb-sources:copy'"),  # a colon is not the end of a bucket name
    ("arn:aws:s3", "not an s3:// URI or S3 bucket ARN"),                       # too short to be an S3 ARN
    ("urn:aws:s3:::kb-sources", "not an s3:// URI or S3 bucket ARN"),          # an S3-shaped string that is not an ARN
    ("arn:aws:sqs:::kb-sources", "not an s3:// URI or S3 bucket ARN"),         # an ARN of another service
])
def test_references_that_are_not_a_bucket_in_the_stack_block(reference, named):
    known = dataclasses.replace(DATA_SOURCE.set("dataSourceConfiguration", "s3Configuration", "bucketArn", reference),
                                property_dependencies={})
    run(POLICY, [BUCKET, known]).assert_violation(named, on=DATA_SOURCE)

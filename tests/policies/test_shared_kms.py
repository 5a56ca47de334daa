"""rules/_kms.py: which key references name a customer-managed key, and why the others do not."""

import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.rules._kms import is_aws_managed_key, key_problem

CUSTOMER_KEYS = ["alias/payments", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                 "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:123456789012:alias/awsome",
                 "my-alias/aws/s3"]
AWS_MANAGED = ["alias/aws/s3", "  alias/aws/sqs ", "ALIAS/AWS/S3", "arn:aws:kms:eu-west-1:123456789012:alias/aws/s3",
               "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/aws/ebs",
               "arn:aws-cn:kms:cn-north-1:123456789012:alias/aws/rds"]


@pytest.mark.parametrize("value", AWS_MANAGED)
def test_aws_managed_aliases_in_every_partition_and_case(value):
    assert is_aws_managed_key(value) is True
    assert key_problem(value) == f"is the AWS-managed key {value!r}"


@pytest.mark.parametrize("value", CUSTOMER_KEYS)
def test_customer_keys_have_no_problem(value):
    assert is_aws_managed_key(value) is False
    assert key_problem(value) is None


def test_an_unknown_key_is_a_key_of_this_stack():
    assert key_problem(UNKNOWN) is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_or_blank_key_is_not_set(value):
    assert key_problem(value) == "is not set"


@pytest.mark.parametrize("value, shown", [(5, "5"), (True, "True"), ({"id": "k"}, "{'id': 'k'}")])
def test_a_non_string_key_is_named_as_written(value, shown):
    assert key_problem(value) == f"is {shown}, not a KMS key id or ARN"

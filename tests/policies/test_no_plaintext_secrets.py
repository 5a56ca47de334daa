import base64
import json
import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN

from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "no-plaintext-secrets"
FUNCTION = "aws:lambda/function:Function"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
INSTANCE = "aws:ec2/instance:Instance"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SAFE_VARIABLES = {"LOG_LEVEL": "INFO", "TABLE_NAME": "perimeter-sessions", "GUARDRAIL_VERSION": "3",
                  "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
                  "API_TOKEN_PARAMETER": "/perimeter/prod/api-token",
                  "QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111122223333/perimeter-dev-assistant-escalations",
                  "MODEL_ID": "eu.anthropic.claude-3-haiku-20240307-v1:0"}
SAFE_USER_DATA = "#!/bin/bash\nset -euo pipefail\nyum install -y amazon-cloudwatch-agent\nsystemctl enable --now app\n"
# Built at run time so no secret-shaped literal sits in the repository.
ACCESS_KEY_ID = "AKIA" + "Q" * 8 + "7" * 8
# Seeded: the same value in every pytest-xdist worker, so test ids match.
_RNG = random.Random(4)
RANDOM_SECRET = "".join(_RNG.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
PEM = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"


def function(variables):
    return resource(FUNCTION, "data", {"role": UNKNOWN, "runtime": "python3.12", "environment": {"variables": variables}})


def task(environment):
    return resource(TASK, "data", {"family": "app", "containerDefinitions": json.dumps(
        [{"name": "app", "image": "app:1", "environment": environment,
          "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"}]}])})


def instance(user_data):
    return resource(INSTANCE, "data", {"ami": "ami-123", "instanceType": "t3.micro", "userData": user_data})


def template(user_data):
    return resource(TEMPLATE, "data", {"imageId": "ami-123", "userData": base64.b64encode(user_data.encode()).decode()})


@pytest.mark.parametrize("record", [
    function(SAFE_VARIABLES), task([{"name": k, "value": v} for k, v in SAFE_VARIABLES.items()]),
    instance(SAFE_USER_DATA), template(SAFE_USER_DATA),
])
def test_ordinary_values_pass(record):
    result = analyze(POLICY, record)
    assert result.clean and not result.deferred


@pytest.mark.parametrize("value, kind", [
    (ACCESS_KEY_ID, "an AWS access key id"),
    (PEM, "a private key"),
    ("password=" + "Tr0ub4dor", "a password-style assignment"),
    ("postgres://app:" + "Tr0ub4dor@db.internal:5432/app", "credentials in a URL"),
    (RANDOM_SECRET, "a high-entropy string"),
    ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a high-entropy string"),
])
@pytest.mark.parametrize("build", ["function", "task", "instance", "template"])
def test_each_detector_fires_everywhere(value, kind, build):
    record = {"function": lambda v: function({**SAFE_VARIABLES, "X": v}),
              "task": lambda v: task([{"name": "X", "value": v}]),
              "instance": lambda v: instance(SAFE_USER_DATA + f"export X={v}\n"),
              "template": lambda v: template(SAFE_USER_DATA + f"export X={v}\n")}[build](value)
    result = analyze(POLICY, record)
    assert len(result.violations) == 1 and kind in result.violations[0][0]
    assert value not in result.violations[0][0]  # the finding never repeats the secret


def test_secret_named_variable_with_literal_value():
    result = analyze(POLICY, function({**SAFE_VARIABLES, "DB_PASSWORD": "hunter2"}))
    assert "environment.variables.DB_PASSWORD holds a literal value in a secret-named variable" in result.violations[0][0]


def test_user_data_base64_is_decoded():
    record = resource(INSTANCE, "data", {"userDataBase64": base64.b64encode(f"export K={ACCESS_KEY_ID}".encode()).decode()})
    assert "userDataBase64 holds an AWS access key id" in analyze(POLICY, record).violations[0][0]


def test_entropy_thresholds_are_configurable():
    config = {"minTokenLength": 20, "base64EntropyThreshold": 6.0, "hexEntropyThreshold": 4.0}
    assert analyze(POLICY, function({"BLOB": RANDOM_SECRET}), config).clean


@pytest.mark.parametrize("record", [function(UNKNOWN), function({"DB_PASSWORD": UNKNOWN}), instance(UNKNOWN),
                                    resource(TASK, "data", {"family": "app", "containerDefinitions": UNKNOWN})])
def test_unknown_values_are_deferred(record):
    result = analyze(POLICY, record)
    assert result.clean and result.deferred


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "service", "eu-west-1", "/var/log/app", "true", "8080"]), max_size=8))
def test_plain_words_never_fire(words):
    assert analyze(POLICY, function({"CONFIG": " ".join(words)})).clean


def test_advisory_and_waivable():
    result = analyze(POLICY, function({"KEY_ID": ACCESS_KEY_ID}), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

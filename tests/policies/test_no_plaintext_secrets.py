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


# Explicit ids: a secret in a test id would also be a node id no runner can select.
@pytest.mark.parametrize("value, kind", [
    pytest.param(ACCESS_KEY_ID, "an AWS access key id", id="access-key-id"),
    pytest.param(PEM, "a private key", id="private-key"),
    pytest.param("password=" + "Tr0ub4dor", "a password-style assignment", id="assignment"),
    pytest.param("postgres://app:" + "Tr0ub4dor@db.internal:5432/app", "credentials in a URL", id="url-credentials"),
    pytest.param(RANDOM_SECRET, "a high-entropy string", id="base64-entropy"),
    pytest.param("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a high-entropy string",
                 id="hex-entropy"),
])
@pytest.mark.parametrize("build", ["function", "task", "instance", "template"])
def test_each_detector_fires_everywhere(value, kind, build):
    record = {"function": lambda v: function({**SAFE_VARIABLES, "X": v}),
              "task": lambda v: task([{"name": "X", "value": v}]),
              "instance": lambda v: instance(SAFE_USER_DATA + f"export X={v}\n"),
              "template": lambda v: template(SAFE_USER_DATA + f"export X={v}\n")}[build](value)
    result = analyze(POLICY, record)
    where = {"function": "Function 'data': environment.variables.X",
             "task": "TaskDefinition 'data': containerDefinitions[0].environment[0] (X)",
             "instance": "Instance 'data': userData", "template": "LaunchTemplate 'data': userData"}[build]
    assert len(result.violations) == 1
    assert (f"{where} holds {kind}; keep secrets in Secrets Manager or SSM Parameter Store and pass their ARN or "
            "name instead.") in result.violations[0][0]
    assert value not in result.violations[0][0]  # the finding never repeats the secret


def test_secret_named_variable_with_literal_value():
    result = analyze(POLICY, function({**SAFE_VARIABLES, "DB_PASSWORD": "hunter2"}))
    assert "environment.variables.DB_PASSWORD holds a literal value in a secret-named variable" in result.violations[0][0]
    result = analyze(POLICY, task([{"name": "LOG_LEVEL", "value": "INFO"}, {"name": "DB_PASSWORD", "value": "hunter2"}]))
    assert ("containerDefinitions[0].environment[1] (DB_PASSWORD) holds a literal value in a secret-named variable"
            in result.violations[0][0])


def test_containers_given_as_objects_and_without_environment_are_read():
    containers = [{"name": "proxy", "image": "envoy:1"},
                  {"name": "app", "image": "app:1", "environment": [{"name": "X", "value": ACCESS_KEY_ID}]}]
    record = resource(TASK, "data", {"family": "app", "containerDefinitions": containers})
    result = analyze(POLICY, record)
    assert len(result.violations) == 1 and not result.cant_run
    assert "containerDefinitions[1].environment[0] (X) holds an AWS access key id" in result.violations[0][0]


@pytest.mark.parametrize("definitions", ["null", '["app"]', '{"name": "app"}', "[{", '[{"environment": null}]',
                                         '[{"environment": ["X=1"]}]'])
def test_malformed_container_definitions_neither_crash_nor_report(definitions):
    result = analyze(POLICY, resource(TASK, "data", {"family": "app", "containerDefinitions": definitions}))
    assert result.clean and not result.cant_run and not result.deferred


def test_hex_token_exactly_the_minimum_length_is_scanned():
    token = "0123456789abcdef0123"  # 20 hex characters, entropy 3.9
    assert "holds a high-entropy string" in analyze(POLICY, function({"BLOB": token})).violations[0][0]
    assert analyze(POLICY, function({"BLOB": token[:19]})).clean


def test_entropy_exactly_at_the_threshold_fires():
    token = "01234567" * 3  # eight symbols, equally often: exactly 3.0 bits per character
    assert "holds a high-entropy string" in analyze(POLICY, function({"BLOB": token})).violations[0][0]
    assert analyze(POLICY, function({"BLOB": "01234566" * 3})).clean  # a little below 3.0


def test_launch_template_user_data_that_is_not_utf8_is_still_scanned():
    # Binary bytes (e.g. a gzip header) before the script: decoded with replacement, the key is still found.
    encoded = base64.b64encode(b"\xff\xfe\x00" + f"export K={ACCESS_KEY_ID}\n".encode()).decode()
    result = analyze(POLICY, resource(TEMPLATE, "data", {"imageId": "ami-123", "userData": encoded}))
    assert "userData holds an AWS access key id" in result.violations[0][0]


def test_launch_template_user_data_that_is_not_base64_is_scanned_as_written():
    # Not base64 (the `#`, `!`, spaces, `=`): a lenient decoder would drop those and decode the letters to noise.
    script = "#!/bin/bash\nexport password=Tr0ub4dorXY\n"
    result = analyze(POLICY, resource(TEMPLATE, "data", {"imageId": "ami-123", "userData": script}))
    assert "userData holds a password-style assignment" in result.violations[0][0]


def test_a_password_key_whose_value_is_a_reference_does_not_borrow_the_next_line():
    script = "#cloud-config\npassword: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf\nhost: db.internal\n"
    assert analyze(POLICY, resource(TEMPLATE, "data", {"imageId": "ami-123", "userData": script})).clean
    inline = "#cloud-config\npassword: Tr0ub4dorXY\nhost: db.internal\n"
    result = analyze(POLICY, resource(TEMPLATE, "data", {"imageId": "ami-123", "userData": inline}))
    assert "userData holds a password-style assignment" in result.violations[0][0]


def test_user_data_base64_is_decoded():
    record = resource(INSTANCE, "data", {"userDataBase64": base64.b64encode(f"export K={ACCESS_KEY_ID}".encode()).decode()})
    assert "userDataBase64 holds an AWS access key id" in analyze(POLICY, record).violations[0][0]


def test_entropy_thresholds_are_configurable():
    config = {"minTokenLength": 20, "base64EntropyThreshold": 6.0, "hexEntropyThreshold": 4.0}
    assert analyze(POLICY, function({"BLOB": RANDOM_SECRET}), config).clean


@pytest.mark.parametrize("record, message", [
    (function(UNKNOWN), "Function 'data': environment.variables is unknown at preview"),
    (function({"DB_PASSWORD": UNKNOWN}), "Function 'data': environment.variables.DB_PASSWORD is unknown at preview"),
    (instance(UNKNOWN), "Instance 'data': userData is unknown at preview"),
    (resource(TASK, "data", {"family": "app", "containerDefinitions": UNKNOWN}),
     "TaskDefinition 'data': containerDefinitions is unknown at preview"),
], ids=["variables", "one-variable", "user-data", "container-definitions"])
def test_unknown_values_are_deferred(record, message):
    result = analyze(POLICY, record)
    assert result.clean and [d["message"] for d in result.deferred] == [message]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "service", "eu-west-1", "/var/log/app", "true", "8080"]), max_size=8))
def test_plain_words_never_fire(words):
    assert analyze(POLICY, function({"CONFIG": " ".join(words)})).clean


def test_advisory_and_waivable():
    result = analyze(POLICY, function({"KEY_ID": ACCESS_KEY_ID}), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

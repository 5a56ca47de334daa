import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "lambda-function-settings-approved"
FUNCTION = resource(aws.lambda_.Function, "assistant", runtime="python3.12", handler="app.handler", role=UNKNOWN,
                    timeout=90, memory_size=512)
IMAGE = resource(aws.lambda_.Function, "scanner", package_type="Image", image_uri=UNKNOWN, role=UNKNOWN)


@pytest.mark.parametrize("compliant", [
    FUNCTION,
    FUNCTION.replace(timeout=None, memory_size=None),   # AWS's defaults: 3 s, 128 MB
    FUNCTION.replace(runtime="nodejs22.x", timeout=300, memory_size=3008),
    FUNCTION.replace(runtime="provided.al2023"),
    IMAGE,
], ids=["python3.12", "defaults", "at-the-limits", "os-only", "container-image"])
def test_compliant_functions_pass(compliant):
    run(POLICY, compliant).assert_clean()


@pytest.mark.parametrize("changes, names", [
    ({"runtime": "python3.8"}, ("Function 'assistant': runtime 'python3.8' is deprecated by AWS and gets no security "
                                "patches; set runtime to one of ['python3.12', 'python3.13', 'python3.14', "
                                "'nodejs22.x', 'nodejs24.x', 'java21', 'java25', 'dotnet10', 'ruby3.3', 'ruby3.4', "
                                "'provided.al2023'].",)),
    ({"runtime": "nodejs18.x"}, ("runtime 'nodejs18.x' is deprecated",)),
    ({"runtime": "go1.x"}, ("deprecated",)),
    ({"runtime": "python3.11"}, ("runtime 'python3.11' is not an approved runtime; set runtime to one of "
                                 "['python3.12', ",)),
    ({"runtime": None}, ("runtime is not set for a zip function; set runtime to one of ['python3.12', ",)),
    ({"runtime": None, "package_type": "Zip"}, ("runtime is not set",)),
    ({"timeout": 301}, ("Function 'assistant': timeout is 301; set timeout to at most 300.",)),
    ({"memory_size": 3009}, ("Function 'assistant': memorySize is 3009; set memory_size to at most 3008.",)),
    ({"runtime": "python3.9", "timeout": 900, "memory_size": 10240}, ("deprecated", "timeout is 900", "memorySize is 10240")),
])
def test_each_setting_out_of_bounds_blocks(changes, names):
    bad = FUNCTION.replace(**changes)
    run(POLICY, bad).assert_violation(*names, on=bad, count=1)


@pytest.mark.parametrize("path, value, named", [
    (("timeout",), True, "timeout is True, not a number; set timeout."),
    (("memorySize",), "512", "memorySize is '512', not a number; set memory_size."),
    (("runtime",), ["python3.12"], "not an approved runtime"),
])
def test_values_of_the_wrong_type_block(path, value, named):
    bad = FUNCTION.set(*path, value)
    run(POLICY, bad).assert_violation(named, on=bad)


def test_nan_is_not_a_number_within_limits():
    # NaN cannot cross the engine's protobuf, but a rule must not pass it if it ever arrives.
    from perimeter_policies.model import ResourceView, Violation
    from perimeter_policies.rules.lambda_function_settings_approved import RULE

    function = ResourceView(type="aws:lambda/function:Function", name="f", urn="urn:f",
                            props={"runtime": "python3.12", "timeout": float("nan"), "memorySize": 128})
    outcomes = list(RULE.check(function, RULE.config(None)))
    assert len(outcomes) == 1 and isinstance(outcomes[0], Violation) and "timeout is nan, not a number" in outcomes[0].message


def test_a_deprecated_runtime_stays_refused_when_the_organisation_allows_it():
    bad = FUNCTION.replace(runtime="python3.8")
    run(POLICY, bad, config={"allowedRuntimes": ["python3.8", "python3.12"]}).assert_violation("deprecated")
    run(POLICY, FUNCTION.replace(runtime="python3.11"), config={"allowedRuntimes": ["python3.11"]}).assert_clean()
    run(POLICY, FUNCTION, config={"allowedRuntimes": ["python3.13"]}).assert_violation("'python3.12' is not an approved")


@settings(max_examples=40, deadline=None)
@given(timeout=st.integers(1, 900), memory=st.integers(128, 10240), max_timeout=st.integers(1, 900),
       max_memory=st.integers(128, 10240))
def test_limits_are_configurable(timeout, memory, max_timeout, max_memory):
    declared = FUNCTION.replace(timeout=timeout, memory_size=memory)
    result = run(POLICY, declared, config={"maxTimeoutSeconds": max_timeout, "maxMemorySizeMb": max_memory})
    if timeout <= max_timeout and memory <= max_memory:
        result.assert_clean()
    else:
        result.assert_violation("timeout" if timeout > max_timeout else "memorySize", on=declared)


@pytest.mark.parametrize("subject, path", [
    (FUNCTION, ("runtime",)), (FUNCTION, ("timeout",)), (FUNCTION, ("memorySize",)),
    (FUNCTION.replace(runtime=None, package_type="Zip"), ("packageType",)),
])
def test_unknown_at_preview_is_deferred(subject, path):
    run(POLICY, subject.unknown(*path)).assert_deferred(f"Function 'assistant': {path[-1]} unknown at preview")


def test_known_problem_blocks_beside_an_unknown():
    bad = FUNCTION.replace(runtime="python3.7").unknown("timeout")
    run(POLICY, bad).assert_violation("deprecated", on=bad)


def test_waiver_waives_and_expired_waiver_does_not():
    bad = FUNCTION.replace(timeout=600)
    run(POLICY, bad, waivers=[waiver(bad, reason="Nightly reconciliation batch needs ten minutes (OPS-310)")]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_config_schema_refuses_what_the_engine_would_refuse():
    assert_schema(POLICY, {"allowedRuntimes": ["python3.13"], "maxTimeoutSeconds": 900, "maxMemorySizeMb": 10240},
                  [("allowedRuntimes", "python3.13"), ("allowedRuntimes", []), ("allowedRuntimes", [3]),
                   ("maxTimeoutSeconds", 0), ("maxTimeoutSeconds", 901), ("maxTimeoutSeconds", "300"),
                   ("maxMemorySizeMb", 127), ("maxMemorySizeMb", 10241), ("maxMemorySizeMb", 512.5)])

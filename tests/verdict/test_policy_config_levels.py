"""Policy config to per-policy levels, as `perimeter preview` applies it before anything runs.

A synthetic pack (three policies, one critical) keeps every expectation in this
file's literals: which level each policy ends up at, and which configs are refused.
"""

import pytest
from google.protobuf import struct_pb2
from perimeter_policies.rule import NOT_WAIVABLE_TAG
from pulumi.runtime.proto import analyzer_pb2

from perimeter.engine.analyzer import load_policy_config, pack_version, resolve_policy_config
from perimeter.errors import UsageError


def _policy(name, level, tags=(), properties=None):
    schema = struct_pb2.Struct()
    schema.update(properties or {})
    return analyzer_pb2.PolicyInfo(name=name, enforcementLevel=level, tags=list(tags),
                                   configSchema=analyzer_pb2.PolicyConfigSchema(properties=schema))


INFO = analyzer_pb2.AnalyzerInfo(name="pack", policies=[
    _policy("bucket-encrypted", analyzer_pb2.MANDATORY, properties={"maxDays": {"type": "integer"}}),
    _policy("logs-expire", analyzer_pb2.ADVISORY),
    _policy("regions-approved", analyzer_pb2.MANDATORY, tags=[NOT_WAIVABLE_TAG, "pci-dss:12.5.2"]),
])


def levels(document):
    return resolve_policy_config(INFO, document)[1]


@pytest.mark.parametrize("document, expected", [
    ({}, {"bucket-encrypted": "mandatory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
    ({"logs-expire": "mandatory"}, {"bucket-encrypted": "mandatory", "logs-expire": "mandatory",
                                    "regions-approved": "mandatory"}),
    ({"bucket-encrypted": {"enforcementLevel": "advisory"}},
     {"bucket-encrypted": "advisory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
    ({"bucket-encrypted": "disabled", "logs-expire": "remediate"},
     {"bucket-encrypted": "disabled", "logs-expire": "remediate", "regions-approved": "mandatory"}),
    ({"all": "advisory", "bucket-encrypted": "mandatory", "regions-approved": "mandatory"},
     {"bucket-encrypted": "mandatory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
    ({"all": "mandatory", "logs-expire": {"enforcementLevel": "advisory"}},
     {"bucket-encrypted": "mandatory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
    ({"all": "disabled", "regions-approved": "remediate"},
     {"bucket-encrypted": "disabled", "logs-expire": "disabled", "regions-approved": "remediate"}),
    ({"all": {"enforcementLevel": "mandatory"}},
     {"bucket-encrypted": "mandatory", "logs-expire": "mandatory", "regions-approved": "mandatory"}),
    ({"all": {}}, {"bucket-encrypted": "mandatory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
    ({"bucket-encrypted": {"maxDays": 30}},
     {"bucket-encrypted": "mandatory", "logs-expire": "advisory", "regions-approved": "mandatory"}),
], ids=["defaults", "one-raised", "object-form-lowered", "disabled-and-remediate", "all-then-per-policy",
        "all-mandatory-one-lowered", "all-disabled-critical-remediate", "all-as-object", "all-without-level",
        "properties-only-keep-the-default"])
def test_each_policy_gets_the_level_the_config_gives_it(document, expected):
    assert levels(document) == expected


def test_properties_reach_the_policy_without_the_level_key():
    properties, _ = resolve_policy_config(INFO, {"bucket-encrypted": {"enforcementLevel": "advisory", "maxDays": 30},
                                                 "logs-expire": "mandatory"})
    assert properties == {"bucket-encrypted": {"maxDays": 30}, "logs-expire": {}}


def test_a_config_naming_no_policy_sends_no_properties():
    assert resolve_policy_config(INFO, {"all": "mandatory"})[0] == {}


@pytest.mark.parametrize("document, message", [
    ({"all": "strict"}, "policy config 'all': enforcement level 'strict' is not one of advisory, mandatory, remediate, disabled"),
    ({"logs-expire": {"enforcementLevel": "loud"}}, "policy config 'logs-expire': enforcement level 'loud' is not one of"),
    ({"logs-expire": 3}, "policy config 'logs-expire': expected an enforcement level or an object"),
    ({"all": ["advisory"]}, "policy config 'all': expected an enforcement level or an object"),
    ({"bucket-encrypted": {"maxDays": "thirty"}}, "policy config 'bucket-encrypted': property 'maxDays' is invalid: 'thirty' is not of type 'integer'"),
    ({"bucket-encrypted": {"minDays": 3}}, "policy config 'bucket-encrypted': property 'minDays' is invalid"),
    ({"bucket-encryptd": {}}, "policy config names unknown policy 'bucket-encryptd'; did you mean 'bucket-encrypted'?"),
    ({"regions-approved": "advisory"}, "policy config sets critical policy 'regions-approved' to advisory; critical "
                                       "policies cannot be weakened: set it to mandatory (or leave it out)"),
    ({"regions-approved": {"enforcementLevel": "disabled"}}, "critical policy 'regions-approved' to disabled;"),
    ({"all": "advisory"}, "critical policy 'regions-approved' to advisory through \"all\";"),
    ({"all": "disabled", "regions-approved": {}}, "critical policy 'regions-approved' to disabled through \"all\";"),
])
def test_bad_config_is_one_usage_error_naming_the_key(document, message):
    with pytest.raises(UsageError) as raised:
        resolve_policy_config(INFO, document)
    assert message in str(raised.value)


def test_did_you_mean_names_the_closest_policy_not_the_first():
    with pytest.raises(UsageError) as raised:
        resolve_policy_config(INFO, {"regions-aproved": "mandatory"})
    assert str(raised.value) == "policy config names unknown policy 'regions-aproved'; did you mean 'regions-approved'?"


def test_unknown_policy_in_a_pack_without_policies_has_no_suggestion():
    with pytest.raises(UsageError) as raised:
        resolve_policy_config(analyzer_pb2.AnalyzerInfo(name="empty"), {"anything": "mandatory"})
    assert str(raised.value) == "policy config names unknown policy 'anything'"


NESTED = analyzer_pb2.AnalyzerInfo(name="pack", policies=[_policy("limits", analyzer_pb2.MANDATORY, properties={
    "window": {"type": "object", "properties": {"days": {"type": "integer"}}}, "label": {"type": "string"}})])
REQUIRED = analyzer_pb2.AnalyzerInfo(name="pack", policies=[analyzer_pb2.PolicyInfo(
    name="regions", enforcementLevel=analyzer_pb2.MANDATORY,
    configSchema=analyzer_pb2.PolicyConfigSchema(properties=struct_pb2.Struct(), required=["approvedRegions"]))])


@pytest.mark.parametrize("info, document, message", [
    (NESTED, {"limits": {"window": {"days": "x"}}}, "property 'window.days' is invalid: 'x' is not of type 'integer'"),
    (NESTED, {"limits": {"window": {"days": "x"}, "label": 3}}, "property 'label' is invalid: 3 is not of type 'string'"),
    (REQUIRED, {"regions": {}}, "property 'approvedRegions' is invalid: 'approvedRegions' is a required property"),
], ids=["nested-path", "first-error-by-path", "required"])
def test_schema_errors_name_the_property_path(info, document, message):
    with pytest.raises(UsageError) as raised:
        resolve_policy_config(info, document)
    assert str(raised.value).endswith(message)


def test_no_policy_config_file_is_an_empty_config():
    assert load_policy_config(None) == {} and load_policy_config("") == {}


@pytest.mark.parametrize("content, expected", [
    ('{"all": "advisory", "logs-expire": {"enforcementLevel": "mandatory"}}',
     {"all": "advisory", "logs-expire": {"enforcementLevel": "mandatory"}}),
])
def test_policy_config_file_is_read_as_written(content, expected, tmp_path):
    path = tmp_path / "config.json"
    path.write_text(content)
    assert load_policy_config(str(path)) == expected


@pytest.mark.parametrize("content, problem", [
    ("[1]", "at (top level): [1] is not of type 'object'"),
    ('{"logs-expire": 3}', "at logs-expire: 3 is not of type 'string', 'object'"),
], ids=["not-an-object", "value-neither-level-nor-object"])
def test_policy_config_file_of_the_wrong_shape_is_a_usage_error(content, problem, tmp_path):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(UsageError) as raised:
        load_policy_config(str(path))
    assert str(raised.value) == (f"--policy-config {path}: {problem}: a JSON object keyed by policy name, "
                                 "values an enforcement level or an object")


@pytest.mark.parametrize("manifest, expected", [
    ("runtime: python\nversion: 1.4.0\n", "1.4.0"), ("runtime: python\n", "0.0.1"), ("", "0.0.1"),
], ids=["manifest-version", "no-version", "empty-manifest"])
def test_pack_version_comes_from_the_manifest_like_the_engine(manifest, expected, tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text(manifest)
    assert pack_version(str(tmp_path), "0.0.1") == expected

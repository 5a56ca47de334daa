import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "rds-parameter-group-forces-tls"
INSTANCE, CLUSTER = "aws:rds/parameterGroup:ParameterGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup"
LOG = {"name": "log_connections", "value": "1"}


def group(family, *parameters, type_=INSTANCE):
    return resource(type_, "data", {"family": family, "parameters": [LOG, *parameters]})


@pytest.mark.parametrize("type_, family, parameter", [
    (INSTANCE, "postgres14", {"name": "rds.force_ssl", "value": "1"}),
    (INSTANCE, "postgres16", {"name": "rds.force_ssl", "value": "1"}),
    (INSTANCE, "sqlserver-se-15.0", {"name": "rds.force_ssl", "value": "1"}),
    (INSTANCE, "mysql8.0", {"name": "require_secure_transport", "value": "ON"}),
    (INSTANCE, "mariadb10.11", {"name": "require_secure_transport", "value": "1"}),
    (CLUSTER, "aurora-postgresql16", {"name": "rds.force_ssl", "value": "1"}),
    (CLUSTER, "aurora-mysql8.0", {"name": "require_secure_transport", "value": "on"}),
    (CLUSTER, "postgres16", {"name": "rds.force_ssl", "value": "1"}),
])
def test_forced_tls_passes(type_, family, parameter):
    result = analyze(POLICY, group(family, parameter, type_=type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_, family", [
    (INSTANCE, "postgres15"), (INSTANCE, "postgres17"),   # default rds.force_ssl=1
    (INSTANCE, "aurora-postgresql16"), (INSTANCE, "aurora-mysql8.0"),  # Aurora: a cluster parameter
    (INSTANCE, "oracle-ee-19"), (INSTANCE, "db2-se-11.5"),
])
def test_families_where_absence_is_fine(type_, family):
    assert analyze(POLICY, group(family, type_=type_)).clean


@pytest.mark.parametrize("type_, family, named", [
    (INSTANCE, "postgres14", "rds.force_ssl"), (INSTANCE, "postgres9.6", "rds.force_ssl"),
    (INSTANCE, "sqlserver-ee-16.0", "rds.force_ssl"), (INSTANCE, "mysql8.0", "require_secure_transport"),
    (INSTANCE, "mariadb10.6", "require_secure_transport"), (CLUSTER, "aurora-postgresql15", "rds.force_ssl"),
    (CLUSTER, "aurora-mysql8.0", "require_secure_transport"), (CLUSTER, "mysql8.0", "require_secure_transport"),
])
def test_missing_setting_blocks(type_, family, named):
    result = analyze(POLICY, group(family, type_=type_))
    assert len(result.violations) == 1 and f"does not set {named}" in result.violations[0][0]


@pytest.mark.parametrize("type_, family, parameter", [
    (INSTANCE, "postgres16", {"name": "rds.force_ssl", "value": "0"}),
    (CLUSTER, "aurora-mysql8.0", {"name": "require_secure_transport", "value": "OFF"}),
])
def test_turned_off_blocks(type_, family, parameter):
    result = analyze(POLICY, group(family, parameter, type_=type_))
    assert len(result.violations) == 1 and f"is '{parameter['value']}'" in result.violations[0][0]


def test_unknown_family_or_value_is_deferred():
    result = analyze(POLICY, resource(INSTANCE, "data", {"family": UNKNOWN}))
    assert result.clean and "family is unknown" in result.deferred[0]["message"]
    result = analyze(POLICY, group("postgres14", {"name": "rds.force_ssl", "value": UNKNOWN}))
    assert result.clean and "parameters[1].value is unknown" in result.deferred[0]["message"]


def test_waiver_applies():
    result = analyze(POLICY, group("mysql8.0"), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1

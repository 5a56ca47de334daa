import pulumi_aws as aws
import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.testing import resource as typed
from perimeter_policies.testing import run

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


# Redshift: the parameter group and the cluster that must use one, through the typed kit.
REDSHIFT_GROUP = typed(aws.redshift.ParameterGroup, "warehouse", family="redshift-1.0",
                       parameters=[{"name": "enable_user_activity_logging", "value": "true"},
                                   {"name": "require_ssl", "value": "true"}])
REDSHIFT = typed(aws.redshift.Cluster, "warehouse", cluster_identifier="warehouse", node_type="ra3.large",
                 cluster_parameter_group_name="warehouse-tls")


@pytest.mark.parametrize("value", ["true", "TRUE", " True "])
def test_redshift_group_requiring_ssl_passes(value):
    run(POLICY, REDSHIFT_GROUP.set("parameters", 1, "value", value)).assert_clean()
    run(POLICY, REDSHIFT_GROUP.replace(family="redshift-2.0")).assert_clean()
    run(POLICY, REDSHIFT).assert_clean()


@pytest.mark.parametrize("value", ["false", "0", "1", "yes"])
def test_redshift_group_not_requiring_ssl_blocks(value):
    bad = REDSHIFT_GROUP.set("parameters", 1, "value", value)
    run(POLICY, bad).assert_violation(f"(redshift-1.0): require_ssl is {value!r}", "set it to true", on=bad)


def test_redshift_group_without_require_ssl_blocks():
    bad = REDSHIFT_GROUP.replace(parameters=[{"name": "enable_user_activity_logging", "value": "true"}])
    run(POLICY, bad).assert_violation("does not set require_ssl", "{'name': 'require_ssl', 'value': 'true'}", on=bad)
    run(POLICY, REDSHIFT_GROUP.replace(parameters=None)).assert_violation("does not set require_ssl")


def test_redshift_families_only_on_redshift_groups():
    # An RDS family on a Redshift group, or a Redshift family on an RDS group, is not this rule's to judge.
    run(POLICY, REDSHIFT_GROUP.replace(family="postgres14", parameters=None)).assert_clean()
    assert analyze(POLICY, group("redshift-1.0")).clean


@pytest.mark.parametrize("name, named", [
    (None, "clusterParameterGroupName is not set, so it uses the default group"),
    ("default.redshift-1.0", "clusterParameterGroupName is 'default.redshift-1.0', a default group"),
    ("Default.Redshift-2.0", "a default group"),
    ("", "clusterParameterGroupName is '', a default group"),
])
def test_redshift_cluster_on_a_default_group_blocks(name, named):
    bad = REDSHIFT.replace(cluster_parameter_group_name=name)
    run(POLICY, bad).assert_violation(named, "whose require_ssl is false", "aws.redshift.ParameterGroup", on=bad)


def test_redshift_unknowns_are_deferred():
    run(POLICY, REDSHIFT.unknown("clusterParameterGroupName")).assert_deferred("clusterParameterGroupName")
    run(POLICY, REDSHIFT_GROUP.unknown("family")).assert_deferred("family")
    run(POLICY, REDSHIFT_GROUP.unknown("parameters", 1, "value")).assert_deferred("parameters[1].value")


def test_redshift_findings_and_deferrals_are_spelled_out():
    run(POLICY, REDSHIFT.replace(cluster_parameter_group_name=None)).assert_violation(
        "Cluster 'warehouse': clusterParameterGroupName is not set, so it uses the default group, whose require_ssl is "
        "false, so clients may connect without TLS; set cluster_parameter_group_name to an aws.redshift.ParameterGroup "
        "with {'name': 'require_ssl', 'value': 'true'}.")
    run(POLICY, REDSHIFT.unknown("clusterParameterGroupName")).assert_deferred(
        "Cluster 'warehouse': clusterParameterGroupName is unknown at preview")


@pytest.mark.parametrize("path, named", [
    (("parameters",), "ParameterGroup 'warehouse': parameters is unknown at preview"),
    (("parameters", 1), "ParameterGroup 'warehouse': parameters[1] is unknown at preview"),
    (("parameters", 1, "name"), "ParameterGroup 'warehouse': parameters[1] is unknown at preview"),
])
def test_an_unknown_parameter_may_be_the_one_required_so_it_is_deferred_not_missing(path, named):
    run(POLICY, REDSHIFT_GROUP.unknown(*path)).assert_deferred(named)


def test_a_family_that_is_not_a_string_does_not_apply():
    run(POLICY, REDSHIFT_GROUP.set("family", 5)).assert_clean()


def test_a_bad_value_after_an_unknown_parameter_still_blocks():
    bad = REDSHIFT_GROUP.unknown("parameters", 0).set("parameters", 1, "value", "false")
    run(POLICY, bad).assert_violation("require_ssl is 'false'")

"""rds-parameter-group-forces-tls: database parameter groups (RDS, Aurora, Redshift) refuse unencrypted client connections.

Why: RDS and Aurora accept cleartext connections unless the engine is told to
refuse them, and PCI DSS 4.2.1 wants account data encrypted on every hop. The
switch lives in the parameter group and differs per engine family:

| family | parameter | value | when not set |
|---|---|---|---|
| `postgres15` and later | `rds.force_ssl` | `1` | fine: the default is 1 |
| `postgres` before 15, `aurora-postgresql*` | `rds.force_ssl` | `1` | cleartext allowed |
| `sqlserver-*` | `rds.force_ssl` | `1` | cleartext allowed |
| `mysql*`, `mariadb*`, `aurora-mysql*` | `require_secure_transport` | `ON`/`1` | cleartext allowed |
| `redshift-*` (`aws.redshift.ParameterGroup`) | `require_ssl` | `true` | cleartext allowed |

For Aurora the setting is a cluster parameter, so an Aurora family on an
instance `ParameterGroup` does not apply (its `ClusterParameterGroup` does);
Multi-AZ DB clusters use `ClusterParameterGroup` with the `postgres`/`mysql`
families. Oracle and Db2 configure TLS through option groups or listeners,
and custom engines are the owner's: those families do not apply. A value set
to anything else (e.g. `0`) is a finding for every family. A family or value
unknown at preview is deferred. (An instance left on the engine's default
parameter group is not seen here; the live check covers it.)

Redshift has one parameter-group family per major version, and its default
groups (`default.redshift-*`) keep `require_ssl=false`. So an
`aws.redshift.Cluster` must name a parameter group
(`cluster_parameter_group_name`) that is not a `default.` one; the group it
names is judged as a parameter group above (AWS Config REDSHIFT_REQUIRE_TLS_SSL).
A group name unknown at preview is deferred.
"""

from __future__ import annotations

import re
from typing import Optional

from ..model import ResourceView, Violation, dig, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview
from ._paths import EACH, expand

PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
REDSHIFT_PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup"
REDSHIFT_CLUSTER = "aws:redshift/cluster:Cluster"
FORCE_SSL, SECURE_TRANSPORT, REQUIRE_SSL = "rds.force_ssl", "require_secure_transport", "require_ssl"
ACCEPTED = {FORCE_SSL: ("1",), SECURE_TRANSPORT: ("ON", "1"), REQUIRE_SSL: ("true",)}
DEFAULT_GROUP_PREFIX = "default."
POSTGRES_DEFAULT_ON_FROM = 15


def _requirement(family: str, resource_type: str) -> Optional[tuple[str, bool]]:
    """(parameter, whether the family already defaults it on), or None when the family does not apply."""
    family = family.lower()
    if resource_type == REDSHIFT_PARAMETER_GROUP:
        return (REQUIRE_SSL, False) if family.startswith("redshift") else None
    if family.startswith("aurora-"):
        if resource_type != CLUSTER_PARAMETER_GROUP:
            return None
        family = family[len("aurora-"):]
        if family.startswith("postgresql"):
            return FORCE_SSL, False
    if family.startswith("postgres"):
        major = re.match(r"postgres(?:ql)?(\d+)", family)
        return FORCE_SSL, bool(major) and int(major.group(1)) >= POSTGRES_DEFAULT_ON_FROM
    if family.startswith("sqlserver-"):
        return FORCE_SSL, False
    if family.startswith(("mysql", "mariadb")):
        return SECURE_TRANSPORT, False
    return None


def _check_redshift_cluster(cluster: ResourceView):
    name = cluster.get("clusterParameterGroupName")
    if is_unknown(name):
        yield unknown_at_preview(cluster, "clusterParameterGroupName")
    elif not isinstance(name, str) or not name or name.lower().startswith(DEFAULT_GROUP_PREFIX):
        shown = "not set, so it uses the default group" if name is None else f"{name!r}, a default group"
        yield Violation(f"{describe(cluster)}: clusterParameterGroupName is {shown}, whose require_ssl is false, so "
                        "clients may connect without TLS; set cluster_parameter_group_name to an "
                        "aws.redshift.ParameterGroup with {'name': 'require_ssl', 'value': 'true'}.")


def check(group: ResourceView, config):
    if group.type == REDSHIFT_CLUSTER:
        yield from _check_redshift_cluster(group)
        return
    family = group.get("family")
    if is_unknown(family):
        yield unknown_at_preview(group, "family")
        return
    requirement = _requirement(family, group.type) if isinstance(family, str) else None
    if requirement is None:
        return
    parameter, default_on = requirement
    found = pending = False
    for path, entry in expand(group.props, ("parameters", EACH)):
        name, value = dig(entry, "name"), dig(entry, "value")
        if is_unknown(entry) or is_unknown(name):
            pending = True  # it may be the parameter itself: deferred, never reported missing
            yield unknown_at_preview(group, path)
            continue
        if not isinstance(name, str) or name.lower() != parameter:
            continue
        found = True
        if is_unknown(value):
            yield unknown_at_preview(group, f"{path}.value")
        elif str(value).strip().upper() not in (accepted.upper() for accepted in ACCEPTED[parameter]):
            yield Violation(f"{describe(group)} ({family}): {parameter} is {value!r}, so clients may connect "
                            f"without TLS; set it to {ACCEPTED[parameter][0]}.")
    if not found and not pending and not default_on:
        yield Violation(f"{describe(group)} ({family}) does not set {parameter}, so clients may connect without "
                        f"TLS; add {{'name': '{parameter}', 'value': '{ACCEPTED[parameter][0]}'}} to parameters.")


RULE = Rule(
    name="rds-parameter-group-forces-tls",
    description=("RDS, Aurora and Redshift parameter groups force TLS (rds.force_ssl=1, require_secure_transport=ON, "
                 "require_ssl=true), and Redshift clusters use such a group, not a default one."),
    severity="high",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Add parameters=[{'name': 'rds.force_ssl', 'value': '1'}] (PostgreSQL, SQL Server) or "
                 "[{'name': 'require_secure_transport', 'value': 'ON'}] (MySQL, MariaDB) to the aws.rds.ParameterGroup, "
                 "or to the aws.rds.ClusterParameterGroup for Aurora; for Redshift, an aws.redshift.ParameterGroup with "
                 "[{'name': 'require_ssl', 'value': 'true'}] named by the cluster's cluster_parameter_group_name."),
    check=check,
    resource_types=(PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP, REDSHIFT_PARAMETER_GROUP, REDSHIFT_CLUSTER),
    violation_example='aws.rds.ParameterGroup("db", family="postgres14", parameters=[{"name": "log_connections", "value": "1"}])',
)

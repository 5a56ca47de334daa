"""emr-cluster-kerberos-enabled: EMR clusters authenticate users and services with Kerberos.

Why: PCI DSS 8.3.1 wants every user and service authenticated, and 7.2.1
access defined per identity. Without Kerberos, Hadoop, Spark and Hive on an EMR
cluster trust whatever user name a client claims, so anyone who reaches the
cluster acts as anyone, data included. Kerberos on EMR takes two things
(AWS Config EMR_KERBEROS_ENABLED):

- an `aws.emr.SecurityConfiguration` in this stack, named by the cluster's
  `security_configuration`, whose JSON has
  `AuthenticationConfiguration.KerberosConfiguration.Provider`
  `ClusterDedicatedKdc` or `ExternalKdc`;
- the cluster's `kerberos_attributes` with a `realm`.

A security configuration not declared in this stack is reported, since nothing
here shows Kerberos on. One that preview cannot resolve (an unknown name not
built from a security configuration here), or whose JSON is unknown, is
deferred to `pulumi up`.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ..model import Deferred, ResourceView, StackView, Violation, dig, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import feeds

CLUSTER = "aws:emr/cluster:Cluster"
SECURITY_CONFIGURATION = "aws:emr/securityConfiguration:SecurityConfiguration"
KERBEROS_PROVIDERS = ("ClusterDedicatedKdc", "ExternalKdc")
KERBEROS_PATH = ("AuthenticationConfiguration", "KerberosConfiguration", "Provider")


def _kerberos_problem(configuration: ResourceView) -> Optional[str]:
    """None when the security configuration turns Kerberos on; otherwise what is wrong. UNKNOWN: its JSON is."""
    document = configuration.get("configuration")
    if is_unknown(document):
        return document
    try:
        parsed: Any = json.loads(document)
    except (TypeError, ValueError):
        parsed = None
    provider = dig(parsed, *KERBEROS_PATH)
    if provider in KERBEROS_PROVIDERS:
        return None
    return (f"its security configuration '{configuration.name}' sets no {'.'.join(KERBEROS_PATH)} "
            f"({' or '.join(KERBEROS_PROVIDERS)})")


def _security_configuration_problem(stack: StackView, cluster: ResourceView, pending: list[str]) -> Optional[str]:
    name = cluster.get("securityConfiguration")
    if name is None:
        return "securityConfiguration is not set, so no Kerberos configuration applies"
    configuration = next((c for c in stack.of_type(SECURITY_CONFIGURATION)
                          if feeds(cluster, "securityConfiguration", c, name, (c.get("name"),))), None)
    if configuration is None:
        if is_unknown(name):  # not built from a security configuration here (feeds() would have matched it)
            pending.append("securityConfiguration")
            return None
        return f"securityConfiguration {name!r} is not an aws.emr.SecurityConfiguration declared in this stack"
    problem = _kerberos_problem(configuration)
    if is_unknown(problem):
        pending.append(f"security configuration '{configuration.name}'.configuration")
        return None
    return problem


def check(stack: StackView, config):
    for cluster in stack.of_type(CLUSTER):
        problems: list[str] = []
        pending: list[str] = []
        problem = _security_configuration_problem(stack, cluster, pending)
        if problem:
            problems.append(problem)
        realm = cluster.get("kerberosAttributes", "realm")
        if is_unknown(realm):
            pending.append("kerberosAttributes.realm")
        elif not isinstance(realm, str) or not realm:
            problems.append("kerberosAttributes.realm is not set")
        if problems:
            yield Violation(f"{describe(cluster)}: " + "; ".join(problems) + ", so its users are not authenticated "
                            "by Kerberos.", cluster.urn)
        elif pending:
            yield Deferred(f"{describe(cluster)}: " + ", ".join(pending) + " unknown at preview", cluster.urn)


RULE = Rule(
    name="emr-cluster-kerberos-enabled",
    description="EMR clusters use a security configuration in the stack with Kerberos authentication, and a Kerberos realm.",
    severity="medium",
    pci_dss=("8.3.1", "7.2.1"),
    soc2=("CC6.1",),
    remediation=("Declare aws.emr.SecurityConfiguration with configuration JSON {'AuthenticationConfiguration': "
                 "{'KerberosConfiguration': {'Provider': 'ClusterDedicatedKdc', 'ClusterDedicatedKdcConfiguration': "
                 "{'TicketLifetimeInHours': 24}}}}, set the cluster's security_configuration=config.name and "
                 "kerberos_attributes={'realm': 'EC2.INTERNAL', 'kdc_admin_password': secret}."),
    check=check,
    resource_types=(CLUSTER,),
    scope="stack",
    violation_example='aws.emr.Cluster("spark", release_label="emr-7.1.0", service_role=role.arn, ...)  # no security_configuration',
)

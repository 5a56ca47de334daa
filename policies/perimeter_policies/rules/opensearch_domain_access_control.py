"""opensearch-domain-access-control: OpenSearch and Elasticsearch domains use fine-grained access control, without anonymous access.

Why: PCI DSS 7.2.1 and 7.2.2 want access to system components and data
defined by role and least privilege. Without fine-grained access control a
domain's only gate is its resource policy: whoever the policy admits reads
every index, document and field, with no per-index, per-document or per-field
roles and no audit identity. So `advanced_security_options.enabled` must be
true (AWS default: false; AWS Config OPENSEARCH_ACCESS_CONTROL_ENABLED), and
`anonymous_auth_enabled` (OpenSearch) must not be true: it maps unauthenticated
callers to a role, which undoes the point. A value unknown at preview is
deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
OPTIONS = "advancedSecurityOptions"


def check(domain: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    enabled = domain.get(OPTIONS, "enabled")
    anonymous = domain.get(OPTIONS, "anonymousAuthEnabled")
    if is_unknown(enabled):
        unknowns.append(f"{OPTIONS}.enabled")
    elif enabled is not True:
        shown = "not set (AWS default false)" if enabled is None else repr(enabled)
        problems.append(f"{OPTIONS}.enabled is {shown}, so whoever the access policy admits reads every index")
    if is_unknown(anonymous):
        unknowns.append(f"{OPTIONS}.anonymousAuthEnabled")
    elif anonymous is not None and anonymous is not False:
        problems.append(f"{OPTIONS}.anonymousAuthEnabled is {anonymous!r}, so unauthenticated callers get a role")
    yield from settle(problems, unknowns, subject=describe(domain))


RULE = Rule(
    name="opensearch-domain-access-control",
    description="OpenSearch and Elasticsearch domains enable fine-grained access control and no anonymous access.",
    severity="high",
    pci_dss=("7.2.1", "7.2.2"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Set advanced_security_options={'enabled': True, 'internal_user_database_enabled': False, "
                 "'master_user_options': {'master_user_arn': admin_role.arn}} and leave anonymous_auth_enabled unset "
                 "or False (fine-grained access control also needs HTTPS, node-to-node and at-rest encryption)."),
    check=check,
    resource_types=DOMAINS,
    violation_example='aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", advanced_security_options={"enabled": False})',
)

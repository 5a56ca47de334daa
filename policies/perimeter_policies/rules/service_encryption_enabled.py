"""service-encryption-enabled: services whose encryption is a setting, not a key, have it on.

Why: PCI DSS 4.2.1 wants account data protected by strong cryptography on every
hop, and 3.5.1 wants it unreadable where it is stored. Several services encrypt
only when told to, with an on/off switch or a protocol choice rather than a KMS
key (keys are cmk-encryption-at-rest's job). The rule is a table, like
Checkov's: for each resource type, which settings must hold, with AWS's default
when the input is absent.

| type | setting | must be | when absent |
|---|---|---|---|
| `aws.dax.Cluster` | `cluster_endpoint_encryption_type` | `TLS` | `NONE`: clients talk cleartext |
| `aws.dax.Cluster` | `server_side_encryption.enabled` | true | false (DAX takes no KMS key: AWS-owned only) |
| `aws.msk.Cluster` | `encryption_info.encryption_in_transit.in_cluster` | true | true |
| `aws.msk.Cluster` | `encryption_info.encryption_in_transit.client_broker` | `TLS` | `TLS` (`TLS_PLAINTEXT` and `PLAINTEXT` open a cleartext listener) |
| `aws.transfer.Server` | `protocols` | no `FTP` | `SFTP` |
| `aws.apigateway.MethodSettings` | `settings.cache_data_encrypted` | true, wherever `settings.caching_enabled` | false |
| `aws.dms.Endpoint` | by engine, below | | |

DMS endpoints: database engines need `ssl_mode` in `allowedDmsSslModes`
(default `require`, `verify-ca`, `verify-full`; absent means `none`). Kafka needs
`kafka_settings.security_protocol` other than `plaintext` (absent: plaintext).
Redis must not set `redis_settings.ssl_security_protocol="plaintext"` (absent:
`ssl-encryption`). Engines that DMS reaches through an AWS API over HTTPS, or
that always use TLS (`s3`, `dynamodb`, `kinesis`, `elasticsearch`, `opensearch`,
`neptune`, `redshift`, `redshift-serverless`), have no setting to judge. An
engine not listed is treated as a database (fail closed). Caching API responses
is not required: a cache is not a control, but what is cached is encrypted.

A value unknown at preview is deferred to `pulumi up`; a known bad value
blocks even beside an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle


def _same(value: Any, expected: Any) -> bool:
    """Equal and of the same type: "true" or 1 is not True."""
    return type(value) is type(expected) and value == expected


@dataclass(frozen=True)
class Required:
    """A setting that must take one of `accepted` (absent: AWS's `default`)."""

    path: tuple[str, ...]
    accepted: tuple[Any, ...]
    default: Any
    fix: str
    when: Optional[tuple[tuple[str, ...], Any]] = None  # applies only while this other setting has this value

    def judge(self, resource: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
        if self.when is not None:
            gate = resource.get(*self.when[0])
            if is_unknown(gate):
                unknowns.append(".".join(self.when[0]))
                return
            if not _same(gate, self.when[1]):
                return
        value = resource.get(*self.path)
        where = ".".join(self.path)
        if is_unknown(value):
            unknowns.append(where)
            return
        actual = self.default if value is None else value
        if not any(_same(actual, accepted) for accepted in self.accepted):
            shown = f"not set (AWS default {self.default!r})" if value is None else repr(value)
            problems.append(f"{where} is {shown}; set {self.fix}")


@dataclass(frozen=True)
class Forbidden:
    """A top-level list setting that must not contain any of `values` (absent: AWS's default, which never does)."""

    field: str
    values: tuple[str, ...]
    fix: str

    def judge(self, resource: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
        items = resource.get(self.field)
        where = self.field
        if is_unknown(items):
            unknowns.append(where)
            return
        for index, item in enumerate(as_list(items)):
            if is_unknown(item):
                unknowns.append(f"{where}[{index}]")
            elif item in self.values:
                problems.append(f"{where} includes {item!r}; {self.fix}")


# DMS engines that reach their store through an AWS API over HTTPS, or always over TLS: no setting to judge.
DMS_TLS_BY_SERVICE = ("s3", "dynamodb", "kinesis", "elasticsearch", "opensearch", "neptune", "redshift",
                      "redshift-serverless")
DMS_SECURE_KAFKA = ("ssl-encryption", "ssl-authentication", "sasl-ssl")
DMS_SSL_MODES = ("require", "verify-ca", "verify-full")

_KAFKA = Required(("kafkaSettings", "securityProtocol"), DMS_SECURE_KAFKA, "plaintext",
                  "kafka_settings={'security_protocol': 'ssl-encryption'}")
_REDIS = Required(("redisSettings", "sslSecurityProtocol"), ("ssl-encryption",), "ssl-encryption",
                  "redis_settings={'ssl_security_protocol': 'ssl-encryption'}")


@dataclass(frozen=True)
class DmsTransport:
    """What protects a DMS endpoint's connection depends on its engine."""

    def judge(self, endpoint: ResourceView, config, problems: list[str], unknowns: list[str]) -> None:
        engine = endpoint.get("engineName")
        if is_unknown(engine):
            unknowns.append("engineName")
            return
        engine = str(engine).lower()
        if engine in DMS_TLS_BY_SERVICE:
            return
        if engine == "kafka":
            _KAFKA.judge(endpoint, config, problems, unknowns)
        elif engine == "redis":
            _REDIS.judge(endpoint, config, problems, unknowns)
        else:
            Required(("sslMode",), tuple(config["allowedDmsSslModes"]), "none",
                     "ssl_mode='verify-full' (with certificate_arn) or another of allowedDmsSslModes"
                     ).judge(endpoint, config, problems, unknowns)


Setting = Any  # Required, Forbidden or DmsTransport: each has judge(resource, config, problems, unknowns)

SETTINGS: dict[str, tuple[Setting, ...]] = {
    "aws:dax/cluster:Cluster": (
        Required(("clusterEndpointEncryptionType",), ("TLS",), "NONE", "cluster_endpoint_encryption_type='TLS'"),
        Required(("serverSideEncryption", "enabled"), (True,), False, "server_side_encryption={'enabled': True}"),
    ),
    "aws:msk/cluster:Cluster": (
        Required(("encryptionInfo", "encryptionInTransit", "inCluster"), (True,), True,
                 "encryption_info={'encryption_in_transit': {'in_cluster': True, ...}}"),
        Required(("encryptionInfo", "encryptionInTransit", "clientBroker"), ("TLS",), "TLS",
                 "encryption_info={'encryption_in_transit': {'client_broker': 'TLS', ...}}"),
    ),
    "aws:transfer/server:Server": (
        Forbidden("protocols", ("FTP",), "FTP sends files and passwords in cleartext; use SFTP or FTPS"),
    ),
    "aws:apigateway/methodSettings:MethodSettings": (
        Required(("settings", "cacheDataEncrypted"), (True,), False, "settings={'cache_data_encrypted': True, ...}",
                 when=(("settings", "cachingEnabled"), True)),
    ),
    "aws:dms/endpoint:Endpoint": (DmsTransport(),),
}


def check(resource: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    for setting in SETTINGS[resource.type]:
        setting.judge(resource, config, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="service-encryption-enabled",
    description=("DAX, MSK, Transfer Family, DMS endpoints and API Gateway caches have their encryption settings on: "
                 "TLS in transit (no FTP, no cleartext DMS or Kafka listeners) and encryption at rest where it is a flag."),
    severity="high",
    pci_dss=("4.2.1", "3.5.1"),
    soc2=("CC6.7", "CC6.1"),
    remediation=("aws.dax.Cluster: cluster_endpoint_encryption_type='TLS', server_side_encryption={'enabled': True}; "
                 "aws.msk.Cluster: encryption_in_transit in_cluster=True, client_broker='TLS'; aws.transfer.Server: "
                 "protocols without 'FTP'; aws.dms.Endpoint: ssl_mode='verify-full' (Kafka: security_protocol "
                 "'ssl-encryption'); aws.apigateway.MethodSettings: cache_data_encrypted=True where caching_enabled."),
    check=check,
    resource_types=tuple(SETTINGS),
    config_properties={
        "allowedDmsSslModes": {
            "type": "array", "items": {"type": "string", "enum": list(DMS_SSL_MODES)}, "minItems": 1,
            "description": "ssl_mode values accepted on DMS database endpoints (none is never accepted).",
        },
    },
    default_config={"allowedDmsSslModes": list(DMS_SSL_MODES)},
    violation_example=('aws.dax.Cluster("cache", cluster_name="cache", node_type="dax.r5.large", replication_factor=3, '
                       'iam_role_arn=role.arn)'),
)

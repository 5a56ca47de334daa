"""service-encryption-enabled: a compliant baseline of each type, one mutation per violation, unknowns, waivers."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "service-encryption-enabled"

DAX = resource(aws.dax.Cluster, "sessions", cluster_name="sessions", iam_role_arn=UNKNOWN, node_type="dax.r5.large",
               replication_factor=3, cluster_endpoint_encryption_type="TLS", server_side_encryption={"enabled": True})
MSK = resource(aws.msk.Cluster, "events", kafka_version="3.6.0", number_of_broker_nodes=3,
               broker_node_group_info={"instance_type": "kafka.m5.large", "client_subnets": UNKNOWN,
                                       "security_groups": UNKNOWN},
               encryption_info={"encryption_at_rest_kms_key_arn": UNKNOWN,
                                "encryption_in_transit": {"client_broker": "TLS", "in_cluster": True}})
TRANSFER = resource(aws.transfer.Server, "sftp", protocols=["SFTP", "FTPS"], certificate=UNKNOWN)
CACHE = resource(aws.apigateway.MethodSettings, "all", rest_api=UNKNOWN, stage_name="v1", method_path="*/*",
                 settings={"caching_enabled": True, "cache_data_encrypted": True, "metrics_enabled": True})
DMS = resource(aws.dms.Endpoint, "source", endpoint_id="source", endpoint_type="source", engine_name="postgres",
               ssl_mode="verify-full", certificate_arn=UNKNOWN, kms_key_arn=UNKNOWN)

COMPLIANT = {
    "aws:dax/cluster:Cluster": DAX,
    "aws:msk/cluster:Cluster": MSK,
    "aws:transfer/server:Server": TRANSFER,
    "aws:apigateway/methodSettings:MethodSettings": CACHE,
    "aws:dms/endpoint:Endpoint": DMS,
}

# Compliant too: AWS's defaults where they are safe, and engines with no setting to judge.
ALSO_COMPLIANT = [
    MSK.replace(encryption_info={"encryption_at_rest_kms_key_arn": UNKNOWN}),
    MSK.without("encryptionInfo", "encryptionInTransit", "inCluster"),
    TRANSFER.replace(protocols=None, certificate=None),
    CACHE.replace(settings={"caching_enabled": False, "metrics_enabled": True}),
    CACHE.replace(settings={"metrics_enabled": True}),
    DMS.replace(ssl_mode="require", certificate_arn=None),
    DMS.replace(engine_name="kafka", ssl_mode=None, kafka_settings={"broker": "b:9094", "security_protocol": "sasl-ssl"}),
    DMS.replace(engine_name="redis", ssl_mode=None, redis_settings={"auth_type": "none", "port": 6379, "server_name": "r"}),
    DMS.replace(engine_name="s3", ssl_mode=None),
    DMS.replace(engine_name="redshift", ssl_mode=None),
    DMS.replace(engine_name="DynamoDB", ssl_mode=None),
]

VIOLATIONS = [
    ("aws:dax/cluster:Cluster", {"cluster_endpoint_encryption_type": "NONE"}, "clusterEndpointEncryptionType is 'NONE'"),
    ("aws:dax/cluster:Cluster", {"cluster_endpoint_encryption_type": None}, "clusterEndpointEncryptionType is not set (AWS default 'NONE')"),
    ("aws:dax/cluster:Cluster", {"server_side_encryption": None}, "serverSideEncryption.enabled is not set (AWS default False)"),
    ("aws:dax/cluster:Cluster", {"server_side_encryption": {"enabled": False}}, "serverSideEncryption.enabled is False"),
    ("aws:msk/cluster:Cluster", {"encryption_info": {"encryption_in_transit": {"in_cluster": False}}},
     "encryptionInfo.encryptionInTransit.inCluster is False; set encryption_info"),
    ("aws:msk/cluster:Cluster", {"encryption_info": {"encryption_in_transit": {"client_broker": "TLS_PLAINTEXT"}}},
     "encryptionInfo.encryptionInTransit.clientBroker is 'TLS_PLAINTEXT'"),
    ("aws:msk/cluster:Cluster", {"encryption_info": {"encryption_in_transit": {"client_broker": "PLAINTEXT"}}},
     "clientBroker is 'PLAINTEXT'"),
    ("aws:transfer/server:Server", {"protocols": ["SFTP", "FTP"]}, "protocols includes 'FTP'; FTP sends files"),
    ("aws:transfer/server:Server", {"protocols": ["FTP"]}, "protocols includes 'FTP'"),
    ("aws:apigateway/methodSettings:MethodSettings", {"settings": {"caching_enabled": True}},
     "settings.cacheDataEncrypted is not set (AWS default False)"),
    ("aws:apigateway/methodSettings:MethodSettings", {"settings": {"caching_enabled": True, "cache_data_encrypted": False}},
     "settings.cacheDataEncrypted is False"),
    ("aws:dms/endpoint:Endpoint", {"ssl_mode": None}, "sslMode is not set (AWS default 'none')"),
    ("aws:dms/endpoint:Endpoint", {"ssl_mode": "none"},
     "Endpoint 'source': sslMode is 'none'; set ssl_mode='verify-full' (with certificate_arn) or another of "
     "allowedDmsSslModes."),
    ("aws:dms/endpoint:Endpoint", {"engine_name": "mysql", "ssl_mode": "none"}, "sslMode is 'none'"),
    ("aws:dms/endpoint:Endpoint", {"engine_name": "some-future-engine", "ssl_mode": None}, "sslMode is not set"),
    ("aws:dms/endpoint:Endpoint", {"engine_name": "kafka", "ssl_mode": None, "kafka_settings": {"broker": "b:9092"}},
     "kafkaSettings.securityProtocol is not set (AWS default 'plaintext')"),
    ("aws:dms/endpoint:Endpoint", {"engine_name": "kafka", "kafka_settings": {"broker": "b:9092", "security_protocol": "plaintext"}},
     "kafkaSettings.securityProtocol is 'plaintext'"),
    ("aws:dms/endpoint:Endpoint", {"engine_name": "redis", "redis_settings": {
        "auth_type": "none", "port": 6379, "server_name": "r", "ssl_security_protocol": "plaintext"}},
     "redisSettings.sslSecurityProtocol is 'plaintext'"),
]

UNKNOWN_AT_PREVIEW = [
    ("aws:dax/cluster:Cluster", ("clusterEndpointEncryptionType",)),
    ("aws:dax/cluster:Cluster", ("serverSideEncryption", "enabled")),
    ("aws:dax/cluster:Cluster", ("serverSideEncryption",)),
    ("aws:msk/cluster:Cluster", ("encryptionInfo", "encryptionInTransit", "inCluster")),
    ("aws:msk/cluster:Cluster", ("encryptionInfo", "encryptionInTransit", "clientBroker")),
    ("aws:transfer/server:Server", ("protocols",)),
    ("aws:transfer/server:Server", ("protocols", 1)),
    ("aws:apigateway/methodSettings:MethodSettings", ("settings", "cacheDataEncrypted")),
    ("aws:apigateway/methodSettings:MethodSettings", ("settings", "cachingEnabled")),
    ("aws:dms/endpoint:Endpoint", ("sslMode",)),
    ("aws:dms/endpoint:Endpoint", ("engineName",)),
]
DEFERRED_NAMES = {("serverSideEncryption",): "serverSideEncryption.enabled", ("protocols", 1): "protocols[1]"}


def test_compliant_baseline_passes():
    for compliant in COMPLIANT.values():
        run(POLICY, compliant).assert_clean()


@pytest.mark.parametrize("compliant", ALSO_COMPLIANT, ids=lambda r: str(r))
def test_safe_defaults_and_engines_without_a_setting_pass(compliant):
    run(POLICY, compliant).assert_clean()


def test_every_type_has_a_violation():
    assert {t for t, _, _ in VIOLATIONS} == set(COMPLIANT)


@pytest.mark.parametrize("type_, arguments, names", VIOLATIONS)
def test_each_mutation_is_a_violation(type_, arguments, names):
    bad = COMPLIANT[type_].replace(**arguments)
    run(POLICY, bad).assert_violation(names, on=bad)


def test_every_problem_is_listed_in_one_finding():
    bad = DAX.replace(cluster_endpoint_encryption_type="NONE", server_side_encryption={"enabled": False})
    run(POLICY, bad).assert_violation("clusterEndpointEncryptionType is 'NONE'", "serverSideEncryption.enabled is False")
    bad = MSK.replace(encryption_info={"encryption_in_transit": {"client_broker": "PLAINTEXT", "in_cluster": False}})
    run(POLICY, bad).assert_violation("inCluster is False", "clientBroker is 'PLAINTEXT'")
    run(POLICY, TRANSFER.replace(protocols=["FTP", "FTP"])).assert_violation("protocols includes 'FTP'")


@pytest.mark.parametrize("type_, path", UNKNOWN_AT_PREVIEW)
def test_unknown_at_preview_is_deferred_not_blocking(type_, path):
    name = DEFERRED_NAMES.get(path) or ".".join(path)
    run(POLICY, COMPLIANT[type_].unknown(*path)).assert_deferred(f" {name} unknown at preview")


@pytest.mark.parametrize("engine, settings, path", [
    ("kafka", {"kafka_settings": {"broker": "b:9094", "security_protocol": "ssl-encryption"}},
     ("kafkaSettings", "securityProtocol")),
    ("redis", {"redis_settings": {"auth_type": "none", "port": 6379, "server_name": "r",
                                  "ssl_security_protocol": "ssl-encryption"}}, ("redisSettings", "sslSecurityProtocol")),
])
def test_kafka_and_redis_settings_unknown_are_deferred(engine, settings, path):
    endpoint = DMS.replace(engine_name=engine, ssl_mode=None, **settings)
    run(POLICY, endpoint).assert_clean()
    run(POLICY, endpoint.unknown(*path)).assert_deferred(f" {'.'.join(path)} unknown at preview")


def test_a_known_problem_blocks_beside_an_unknown():
    bad = DAX.replace(cluster_endpoint_encryption_type="NONE").unknown("serverSideEncryption", "enabled")
    run(POLICY, bad).assert_violation("clusterEndpointEncryptionType is 'NONE'")


def test_strings_and_numbers_are_not_booleans():
    run(POLICY, DAX.set("serverSideEncryption", "enabled", "true")).assert_violation("serverSideEncryption.enabled is 'true'")
    run(POLICY, DAX.set("serverSideEncryption", "enabled", 1)).assert_violation("serverSideEncryption.enabled is 1")
    run(POLICY, CACHE.set("settings", "cachingEnabled", "true")).assert_clean()  # not cached: nothing to encrypt


def test_dms_ssl_modes_are_configurable():
    strict = {"allowedDmsSslModes": ["verify-full"]}
    run(POLICY, DMS, config=strict).assert_clean()
    run(POLICY, DMS.replace(ssl_mode="require"), config=strict).assert_violation("sslMode is 'require'")
    run(POLICY, DMS.replace(ssl_mode="require")).assert_clean()


def test_waiver_waives_and_expired_waiver_does_not():
    type_, arguments, _ = VIOLATIONS[0]
    bad = COMPLIANT[type_].replace(**arguments)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")

"""Every pulumi-aws resource type with a KMS key input is in the CMK table or exempt with a reason.

The list of such types is derived from the installed pulumi-aws, not from
memory: every resource class's args type is walked (nested input types
included, `_sdk_schema`) and each input whose name says it holds a KMS key is
collected. Walking all ~1,750 classes takes about 20 s, so the result is cached
in the temp directory per pulumi-aws version and detector; a new pulumi-aws
release (or a changed detector) walks again and fails on any new type.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import tempfile
import warnings

import pytest
from perimeter_policies.rules._cmk_exemptions import EXEMPT_FROM_CMK
from perimeter_policies.rules.cmk_encryption_at_rest import KEY_LOCATIONS

from tests.policies._sdk_schema import paths, resource_shape, resource_tokens

# Input names (the last path step) that hold a KMS key id, ARN or alias.
KEY_INPUT = re.compile(
    r"^(kmsKey|kmsKeyId|kmsKeyArn|kmsKeyIdentifier|kmsMasterKeyId|kmsArn|cmkArn|kmsEncryptionKey|keyId|keyArn"
    r"|[a-z0-9]*KmsKey(Id|Arn)|sseKmsKeyId|awsKmsKey(Id|Arn)|customerManagedKey(Arn)?|customerEncryptionKey(Arn|Id)"
    r"|encryptionKey(Arn)?|[a-z0-9]*EncryptionKey(Arn|Id)?)$", re.IGNORECASE)
NOT_KEYS = re.compile(r"^(apiKey|publicKey|accessKey|tokenKey|sslClientKey|primaryKey)", re.IGNORECASE)


def _walk() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for token in sorted(resource_tokens()):
            for path in paths(resource_shape(token)):
                if KEY_INPUT.match(path[-1]) and not NOT_KEYS.match(path[-1]):
                    found.setdefault(token, []).append(".".join(path))
    return found


def key_inputs() -> dict[str, list[str]]:
    """Type token -> its KMS key input paths, cached per pulumi-aws version and detector."""
    detector = hashlib.sha256((KEY_INPUT.pattern + NOT_KEYS.pattern).encode()).hexdigest()[:12]
    version = importlib.metadata.version("pulumi-aws")
    cache = os.path.join(tempfile.gettempdir(), f"perimeter-kms-inputs-{version}-{detector}.json")
    try:
        with open(cache, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        found = _walk()
        with open(cache + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(found, handle)
        os.replace(cache + ".tmp", cache)
        return found


@pytest.fixture(scope="module")
def inputs():
    return key_inputs()


def test_the_walk_finds_the_inputs_everyone_knows(inputs):
    assert "kmsMasterKeyId" in inputs["aws:sqs/queue:Queue"]
    assert "encryptionConfigurations.kmsKey" in inputs["aws:ecr/repository:Repository"]
    assert "encryptionConfig.provider.keyArn" in inputs["aws:eks/cluster:Cluster"]
    assert "serverSideEncryptionConfiguration.kmsKeyArn" in inputs["aws:bedrock/agentDataSource:AgentDataSource"]
    assert len(inputs) > 200


def test_every_type_with_a_kms_key_input_is_in_the_table_or_exempt(inputs):
    missing = {token: found for token, found in inputs.items() if token not in KEY_LOCATIONS and token not in EXEMPT_FROM_CMK}
    assert not missing, ("add these types to KEY_LOCATIONS (rules/cmk_encryption_at_rest.py) or to EXEMPT_FROM_CMK "
                         "(rules/_cmk_exemptions.py) with a one-line reason:\n"
                         + "\n".join(f"{token}: {', '.join(found)}" for token, found in sorted(missing.items())))


def test_exemptions_are_one_line_reasons_for_real_types_not_in_the_table(inputs):
    for token, reason in EXEMPT_FROM_CMK.items():
        assert token in inputs, f"{token} is exempt but has no KMS key input in pulumi-aws (stale entry)"
        assert token not in KEY_LOCATIONS, f"{token} is both in the table and exempt"
        assert isinstance(reason, str) and 10 <= len(reason) <= 200 and "\n" not in reason, token

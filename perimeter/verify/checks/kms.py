"""KMS keys: customer-managed, enabled, rotating."""

from __future__ import annotations

from ..controls import pack_default
from ..outputs import KMS_KEY
from . import check
from ._keys import CUSTOMER, key_metadata

ENABLED = "Enabled"


@check("cmk-encryption-at-rest", KMS_KEY)
def key_is_customer_managed_and_enabled(reader, target):
    key = key_metadata(reader, target.urn)
    if key.get("KeyManager") != CUSTOMER:
        yield f"key {target.urn} is managed by {key.get('KeyManager')}, not by the customer."
    if key.get("KeyState") != ENABLED:
        yield f"key {target.urn} is {key.get('KeyState')}; data encrypted under it cannot be read or written."


@check("kms-key-rotation-enabled", KMS_KEY)
def key_rotates(reader, target):
    status = reader.call("kms", "GetKeyRotationStatus", KeyId=target.urn)
    if not status.get("KeyRotationEnabled"):
        yield f"key {target.urn} has automatic rotation off."
        return
    period = status.get("RotationPeriodInDays")
    maximum = pack_default("kms-key-rotation-enabled", "maxRotationPeriodDays")
    if period and period > maximum:
        yield f"key {target.urn} rotates every {period} days; the maximum is {maximum}."

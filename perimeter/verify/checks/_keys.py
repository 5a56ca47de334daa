"""Is a resource encrypted with the customer-managed key the stack says it uses?

Services report keys as ids, ARNs or aliases; DescribeKey resolves all of
them to one ARN, so the comparison does not depend on how a key was written.
"""

from __future__ import annotations

from typing import Any, Optional

from ..aws import Reader

CUSTOMER = "CUSTOMER"


def key_metadata(reader: Reader, key_ref: str) -> dict[str, Any]:
    return reader.call("kms", "DescribeKey", KeyId=key_ref)["KeyMetadata"]


def key_problems(reader: Reader, what: str, actual_ref: Optional[str], expected_ref: Optional[str]):
    """Sentences for what is wrong with `what`'s key; none when it is the expected customer-managed key."""
    if not actual_ref:
        yield f"{what} is not encrypted with a KMS key."
        return
    actual = key_metadata(reader, actual_ref)
    if actual.get("KeyManager") != CUSTOMER:
        yield f"{what} uses the AWS-managed key {actual['Arn']}; it must use a customer-managed key."
    elif expected_ref and actual["Arn"] != key_metadata(reader, expected_ref)["Arn"]:
        yield f"{what} uses key {actual['Arn']}, not the expected {expected_ref}."

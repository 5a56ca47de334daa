"""What counts as a customer-managed KMS key reference, shared by the encryption rules.

A key reference is acceptable when it names a key the customer controls: its
key policy, rotation and deletion are then ours to prove. AWS-managed keys
(`alias/aws/<service>`) and AWS-owned keys are not: their policy cannot be
restricted and their use cannot be separated per data set (PCI DSS 3.6.1).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..model import is_unknown

KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"

# `alias/aws/...` is reserved for AWS-managed keys, as a bare alias or inside an
# alias ARN in any partition (aws, aws-cn, aws-us-gov, ...).
_AWS_MANAGED_ALIAS = re.compile(r"^(arn:aws[a-z-]*:kms:[a-z0-9-]*:[0-9]*:)?alias/aws/", re.IGNORECASE)


def is_aws_managed_key(value: str) -> bool:
    return bool(_AWS_MANAGED_ALIAS.match(value.strip()))


def key_problem(value: Any) -> Optional[str]:
    """Why `value` is not a customer-managed key reference, or None when it is one.

    An UNKNOWN value counts as present: at preview it is the output of a key
    created in this stack, and whether that key is managed well is the job of
    kms-key-rotation-enabled, not of whoever references it.
    """
    if is_unknown(value):
        return None
    if value is None or (isinstance(value, str) and not value.strip()):
        return "is not set"
    if not isinstance(value, str):
        return f"is {value!r}, not a KMS key id or ARN"
    if is_aws_managed_key(value):
        return f"is the AWS-managed key {value!r}"
    return None

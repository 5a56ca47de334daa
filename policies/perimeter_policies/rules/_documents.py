"""JSON documents held in string inputs (IAM policies, OpenSearch Serverless policies).

Programs build these with `json.dumps` (known at preview) or
`pulumi.Output.json_dumps` (unknown at preview when any piece is an output).
The provider types them as strings, but a program can pass an object, so both
forms are accepted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..model import UNKNOWN, is_unknown


class MalformedDocument(ValueError):
    """The value cannot be read as the document it should hold; the message says why."""


def load_document(value: Any) -> Any:
    """The parsed document; None when absent or blank, UNKNOWN when unknown at preview.

    Raises MalformedDocument for text that is not JSON, so a typo fails the
    preview with a clear message instead of failing (or passing) at apply time.
    """
    if is_unknown(value):
        return UNKNOWN
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise MalformedDocument(f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    if isinstance(value, (Mapping, list)):
        return value
    raise MalformedDocument(f"is a {type(value).__name__}, not a JSON document")

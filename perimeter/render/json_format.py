"""Exactly one JSON object, the contract other tools parse."""

import json


def render(report) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=False) + "\n"

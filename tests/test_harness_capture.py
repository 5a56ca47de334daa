"""The harness captures each registration once, however the SDK's threads interleave."""

import os
from collections import Counter

from perimeter.harness.project import load_project
from perimeter.harness.runner import run_phases

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_urn_is_captured_exactly_once_in_both_phases():
    project = load_project(ROOT, "dev")
    for _ in range(3):  # the default-provider race showed up in about a third of runs
        for phase, capture in run_phases(project, ("preview", "update"), timeout=300).items():
            counts = Counter(r["urn"] for r in capture.resources)
            assert [urn for urn, n in counts.items() if n > 1] == [], phase
            providers = [r for r in capture.resources if r["type"] == "pulumi:providers:aws"]
            assert [p["name"] for p in providers] == ["default_7_51_1"]
            assert providers[0]["inputs"] == {"region": "eu-west-1"}

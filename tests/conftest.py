import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Loaded in every process (xdist controller included): the pack-level checks that every resource
# type a rule declares has a violating case, and that reads.json is what the rules' tests read (tests/policies).
pytest_plugins = ["tests.policies.violation_coverage", "tests.policies.recorded_reads"]

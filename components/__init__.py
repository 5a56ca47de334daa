"""Perimeter's Pulumi components: one module per part of the deployment, wired by `architecture.py`."""

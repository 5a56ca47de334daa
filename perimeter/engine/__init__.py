"""The one engine behind `preview`, `evidence` and `verify` output: run checks, build a Report."""

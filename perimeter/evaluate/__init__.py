"""`perimeter evaluate`: the launch-gate test set (evaluation/) run offline or live, judged per category.

cases.py    the test set: loaded and validated (evaluation/schema.json)
offline.py  layer 1 for real, the declared guardrail config checked statically
live.py     ApplyGuardrail on the deployed version (verify's read-only client + its allow-list)
targets.py  which guardrail version / function `--live` evaluates (the stack outputs)
results.py  one case's result, judged the same way offline and live
run.py      metrics per category, the Report, the evaluation record
"""

"""The finite region space of a compiled ruleset.

Every numeric input is cut at the thresholds its conditions compare it
with, and every condition becomes a union of boxes over those regions.
The linter (conflicts, gaps, witnesses), the runtime (deciding a patient
with missing data over all its completions) and the backends that compile
regions elsewhere (SQL) reason over this one space, so they cannot
disagree about what a condition means. It reads compiled JSON only.
"""

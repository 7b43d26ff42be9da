"""`find_patient`: a whole patient for whom a condition is yes.

Used by coverage to propose missing fixture cases. The condition is an IR
tree that may also use `{"op": "node", "id": N}` (the truth of node N of the
document) and `{"op": "const", "value": true|false}`.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.space.boxes import and_dnf


def find_patient(doc: dict, condition: dict) -> dict | None:
    """A witness (every input known, inside the scope and ranges) making
    `condition` yes, or None if no such patient exists."""
    an = Analysis(doc, extra_conditions=[condition])
    boxes = and_dnf(an.scope_yes, an.conds.yes(condition))
    point = an.first_point(boxes)
    return None if point is None else an.patient(point)

"""Keep Python's cycle collector off the objects a session keeps.

An open 1,500-rule ruleset is a few hundred thousand live objects: its
syntax tree, its compiled document, the last linted one, the findings and
their diagnostics. They live as long as the document is open, yet Python's
cycle collector walks all of them (about 85 ms) whenever an edit's work has
allocated enough, which it does within most lints: that walk was a third of
the time from an edit to its findings (benchmarks/lsp.py).

So after each check and each lint, what is alive is frozen (`gc.freeze`):
the collector then walks only what later edits allocate. What dies frozen is
still freed at once when nothing refers to it (syntax trees and documents
hold no cycles); only a cycle that dies frozen waits, for the full
collection made every `FULL_EVERY` settlements, right after a publication.
"""

from __future__ import annotations

import gc

FULL_EVERY = 256


class Heap:
    """Counts settlements; freezes what lives, collecting it in full now and then."""

    def __init__(self, full_every: int = FULL_EVERY) -> None:
        self.full_every = full_every
        self.settled = 0
        self.full = 0  # full collections made (for tests)

    def settle(self) -> None:
        """Call when an edit's work is published: what lives now stays."""
        self.settled += 1
        if self.settled % self.full_every == 0:
            gc.unfreeze()
            gc.collect()
            self.full += 1
        gc.freeze()

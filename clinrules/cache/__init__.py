"""A content-hash cache of compiled rulesets and their lint findings.

`clinrules lint`, `test`, `coverage` and `build` compile the same unchanged
files again and again; like ruff's cache, this keeps what they computed,
keyed by the file's bytes, the path it was given as, clinrules' version, the
compiled format's version and a fingerprint of clinrules' own code. It lives
in the per-user cache directory (`$CLINRULES_CACHE_DIR`, see
clinrules/cachedir.py). An entry is read only after its key and a digest of
its contents check out; anything else (a torn write, a flipped bit, another
version's entry) is ignored and rewritten. `--no-cache` (or
`CLINRULES_NO_CACHE=1`) bypasses it.
"""

from clinrules.cache.ir import compile_file
from clinrules.cache.lint import lint_file
from clinrules.cache.store import bypassed, enabled

__all__ = ["compile_file", "lint_file", "bypassed", "enabled"]

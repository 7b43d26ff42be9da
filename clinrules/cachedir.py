"""Where clinrules keeps what it can rebuild: the grammar tables, compiled IR.

One private per-user directory (`$CLINRULES_CACHE_DIR`, else
`$XDG_CACHE_HOME/clinrules`, else `~/.cache/clinrules`), never the shared
temp dir: what is read back from it must not be plantable by someone else.
`None` when it cannot be made or written: every cache is then simply off.
"""

from __future__ import annotations

import os


def cache_dir() -> str | None:
    base = os.environ.get("CLINRULES_CACHE_DIR")
    if not base:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(root, "clinrules")
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not os.path.isdir(base) or not os.access(base, os.R_OK | os.W_OK):
        return None
    return base

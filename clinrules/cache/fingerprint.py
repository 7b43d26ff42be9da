"""What, besides the file, decides a cached result: clinrules itself.

The version and the compiled format's version name a release; during
development (an editable install) the code changes under the same version,
so the fingerprint also covers the size and modification time of every
source file of the package. Computed once per process (~100 `stat` calls).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from clinrules import __version__

FORMAT_VERSION = 1  # the compiled format's (clinrules/compiler/emit.py); checked by a test

_PACKAGE = Path(__file__).resolve().parents[1]
_SOURCES = (".py", ".lark", ".json")


@functools.lru_cache(maxsize=None)
def fingerprint() -> str:
    digest = hashlib.sha256(f"{__version__}\0{FORMAT_VERSION}\0{sys.version_info[:2]}\0".encode())
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for name in sorted(files):
            if name.endswith(_SOURCES):
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{os.path.relpath(path, _PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()

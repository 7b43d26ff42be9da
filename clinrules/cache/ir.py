"""Compiled rulesets from the cache: `compile_file(path)`, as the compiler's, faster.

The key is the file's bytes, the path as given (the document and every
diagnostic name it) and clinrules' fingerprint. A hit is used only when the
stored document is the one these bytes compile to as far as can be checked
without compiling: the right format and version, and the SHA-256 of these
very bytes in `source_sha256`. Failed compiles are not stored: their errors
are always found afresh. The compiler is imported only on a miss.
"""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

from clinrules.cache import store
from clinrules.cache.fingerprint import FORMAT_VERSION, fingerprint

KIND = "ir"
FORMAT = "clinrules-compiled-ruleset"


def read_source(path) -> bytes | None:
    """The file's bytes, or None when it cannot be read (the compiler then says why)."""
    try:
        if Path(path).is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        return Path(path).read_bytes()
    except OSError:
        return None


def compile_file(path) -> dict:
    """The compiled document of one `.rules` file (RulesError as the compiler raises it)."""
    raw = read_source(path)
    if raw is None or not store.enabled():
        from clinrules.compiler import compile_file as compile_uncached

        return compile_uncached(path)
    return compile_raw(raw, str(path))


def compile_raw(raw: bytes, shown: str) -> dict:
    key = store.key_of(KIND, fingerprint(), shown, raw)
    payload = store.read(KIND, key)
    if payload is not None:
        doc = _trusted(payload, raw)
        if doc is not None:
            return doc
    from clinrules.compiler.api import compile_bytes

    doc = compile_bytes(raw, shown)
    store.write(KIND, key, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return doc


def _trusted(payload: bytes, raw: bytes) -> dict | None:
    try:
        doc = json.loads(payload)
    except ValueError:
        return None
    if (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and doc.get("format_version") == FORMAT_VERSION
        and doc.get("source_sha256") == hashlib.sha256(raw).hexdigest()
    ):
        return doc
    return None

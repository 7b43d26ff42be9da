"""Entries on disk: written atomically, read back only when they check out.

An entry is one file, `<kind>-<key>.cache`: a header line naming the format,
the kind, the key and the SHA-256 of the payload, then the payload. A write
goes to a temporary file in the same directory and is moved into place with
`os.replace`, so concurrent runs never see half an entry; two runs writing
the same key write the same bytes. The directory is pruned to the newest
`KEEP` entries when it grows past `LIMIT`, so it cannot grow without bound.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from clinrules.cachedir import cache_dir

MAGIC = b"clinrules-cache 1"
LIMIT = 1200
KEEP = 1000
_SUFFIX = ".cache"
_off: contextvars.ContextVar[bool] = contextvars.ContextVar("clinrules_no_cache", default=False)


def enabled() -> bool:
    """Whether the cache is used here (not `--no-cache`, not CLINRULES_NO_CACHE=1)."""
    if _off.get():
        return False
    return os.environ.get("CLINRULES_NO_CACHE", "").strip() in ("", "0")


@contextlib.contextmanager
def bypassed(bypass: bool = True) -> Iterator[None]:
    """Within the block, when `bypass`, neither read nor write the cache (`--no-cache`)."""
    token = _off.set(bypass or _off.get())
    try:
        yield
    finally:
        _off.reset(token)


def key_of(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _path(kind: str, key: str) -> Path | None:
    base = cache_dir()
    return None if base is None else Path(base) / f"{kind}-{key}{_SUFFIX}"


def read(kind: str, key: str) -> bytes | None:
    """The payload stored under (kind, key), or None when absent or not to be trusted."""
    if not enabled():
        return None
    path = _path(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, newline, payload = data.partition(b"\n")
    expected = b" ".join([MAGIC, kind.encode(), key.encode(), hashlib.sha256(payload).hexdigest().encode()])
    if not newline or header != expected:
        _remove(path)  # torn, corrupt or foreign: never trusted, rewritten by the caller
        return None
    return payload


def write(kind: str, key: str, payload: bytes) -> None:
    """Store `payload` under (kind, key); a cache that cannot be written is simply off."""
    if not enabled():
        return
    path = _path(kind, key)
    if path is None:
        return
    header = b" ".join([MAGIC, kind.encode(), key.encode(), hashlib.sha256(payload).hexdigest().encode()])
    try:
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header + b"\n" + payload)
            os.replace(temp, path)
        except BaseException:
            _remove(Path(temp))
            raise
    except OSError:
        return
    _prune(path.parent)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _prune(folder: Path) -> None:
    """Keep the newest KEEP entries once there are more than LIMIT."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(_SUFFIX) and not e.name.startswith(".tmp-")]
        if len(entries) <= LIMIT:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in entries[KEEP:]:
        _remove(Path(entry.path))

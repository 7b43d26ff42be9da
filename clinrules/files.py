"""Reading an input file, with the reasons it cannot be read in plain words.

Rules files, compiled rulesets, fixtures and patient facts are all read
here, so a missing file, a folder given where a file belongs or a file
without read permission is reported the same way by every command:
`FILE: error: cannot read the facts file: it is a folder, not a file`.

Like `clinrules.errors`, this module imports nothing else from the package,
so the runtime can use it without pulling in the parser.
"""

from __future__ import annotations

import errno
import os

from clinrules.errors import Diagnostic, RulesError


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, as an editor would say it."""
    if isinstance(exc, FileNotFoundError):
        return "it does not exist"
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return "it is a folder, not a file"
    if isinstance(exc, NotADirectoryError):
        return "a folder on its path is a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"{exc.strerror or exc}"


def read_bytes(path, *, what: str, code: str = "unreadable-file", hint: str | None = None) -> bytes:
    """The bytes of `path`; `what` names the file in the message ("the facts")."""
    shown = os.fspath(path)
    try:
        if os.path.isdir(shown):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
        with open(shown, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise RulesError([Diagnostic(
            code, f"cannot read {what}: {os_reason(exc)}", file=shown, hint=hint,
        )]) from None

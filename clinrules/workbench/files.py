"""The folder the workbench was started in, and nothing outside it.

Every path the page asks for is relative to that folder; it is resolved
(symbolic links followed) and refused unless it is still inside. The page
may read `.rules` and fixture files and write `.rules` files, nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path

from clinrules.errors import RulesError

SKIPPED_DIRS = {"node_modules", "__pycache__", "dist", "build", "site-packages"}
FIXTURE_SUFFIXES = {".yaml", ".yml", ".json"}
MAX_FILES = 2000  # listed; a workbench started in / must not walk the disk
MAX_BYTES = 5_000_000  # a rules file larger than this is not a rules file


class Refused(Exception):
    """A path outside the folder, or of a kind the workbench does not open."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


class Folder:
    def __init__(self, root: Path):
        self.root = root.resolve()

    def resolve(self, relative: str, suffixes: set[str] | None = None) -> Path:
        """The file `relative` names inside the folder, or Refused."""
        if not isinstance(relative, str) or not relative.strip():
            raise Refused("give the path of a file in the workbench folder", 400)
        if "\x00" in relative or os.path.isabs(relative) or relative.startswith("~"):
            raise Refused(f"`{relative}` is outside the workbench folder")
        path = (self.root / relative).resolve()
        if path != self.root and self.root not in path.parents:
            raise Refused(f"`{relative}` is outside the workbench folder")
        if suffixes is not None and path.suffix.lower() not in suffixes:
            raise Refused(f"`{relative}` is not a {' or '.join(sorted(suffixes))} file", 400)
        return path

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def read_rules(self, relative: str) -> str:
        path = self.resolve(relative, {".rules"})
        if not path.is_file():
            raise Refused(f"`{relative}` does not exist", 404)
        if path.stat().st_size > MAX_BYTES:
            raise Refused(f"`{relative}` is larger than {MAX_BYTES} bytes", 400)
        try:
            return path.read_text("utf-8")
        except UnicodeDecodeError:
            raise Refused(f"`{relative}` is not UTF-8 text", 400) from None

    def write_rules(self, relative: str, text: str) -> None:
        path = self.resolve(relative, {".rules"})
        if not path.parent.is_dir():
            raise Refused(f"the folder of `{relative}` does not exist", 404)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    def walk(self, suffixes: set[str]) -> list[Path]:
        """Files with these suffixes below the folder (hidden and build folders skipped)."""
        found: list[Path] = []
        for here, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
            for name in sorted(files):
                if Path(name).suffix.lower() in suffixes:
                    path = Path(here) / name
                    if self.root in path.resolve().parents:
                        found.append(path)
                        if len(found) >= MAX_FILES:
                            return found
        return found

    def fixtures_for(self, ruleset: Path) -> list[Path]:
        """Fixture files in the folder whose `ruleset` is this file."""
        from clinrules.testing.fixtures import read_fixture

        out = []
        for path in self.walk(FIXTURE_SUFFIXES):
            try:
                source = read_fixture(path)
            except (RulesError, OSError):
                continue
            target = getattr(source, "ruleset_path", None)
            if target is not None and Path(target).resolve() == ruleset:
                out.append(path)
        return out

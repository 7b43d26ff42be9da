"""`parse(text, path)`: `.rules` text to the syntax tree, or a RulesError.

The Lark parser is built once per process, on first use (`_lark()` is a
cached function, so tests never have to reset anything), and Lark's own
grammar cache keeps even that first build cheap: a cold `clinrules compile`
loads the LALR tables from a cache file instead of recomputing them.

Comments are collected through a lexer callback into a per-call list (a
context variable, so nested or concurrent parses cannot mix them up); they
become lint suppressions after the parse.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import os
import sys
import gc
import re
from importlib import resources

import lark
from lark import Lark, Token
from lark.exceptions import LarkError, VisitError

from clinrules.dsl import ast
from clinrules.dsl.builder import AstBuilder, BuildError
from clinrules.dsl.comments import Comment, from_token
from clinrules.dsl.nesting import check_nesting
from clinrules.dsl.suppressions import attach_suppressions
from clinrules.dsl.syntax_errors import bad_character_error, build_error, empty_file_error, from_lark_error, internal_error
from clinrules.errors import RulesError

_GRAMMAR_FILE = "rules.lark"
# Control characters (other than tab and line breaks) and lone surrogates (what
# undecodable bytes become): no rules text holds them, not even in quotes.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_comments: contextvars.ContextVar[list | None] = contextvars.ContextVar("clinrules_comments", default=None)


def grammar_text() -> str:
    """The grammar, as shipped in the package."""
    return resources.files("clinrules.dsl").joinpath(_GRAMMAR_FILE).read_text(encoding="utf-8")


def _collect_comment(token: Token) -> Token:
    sink = _comments.get()
    if sink is not None:
        sink.append(token)
    return token


def lark_options(**extra) -> dict:
    """The options every clinrules parser shares (the benchmark reuses them)."""
    options = dict(parser="lalr", lexer="contextual", start="start")
    options.update(extra)
    return options


def cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the built LALR tables between runs, or False for none.

    A private per-user directory (`$CLINRULES_CACHE_DIR`, else
    `$XDG_CACHE_HOME/clinrules`, else `~/.cache/clinrules`), not the shared
    temp dir: Lark's cache is a pickle, and a pickle someone else could plant
    must never be loaded. The name carries the grammar, Lark and Python
    versions, so upgrades never read a stale table.
    """
    base = os.environ.get("CLINRULES_CACHE_DIR")
    if not base:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(root, "clinrules")
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(base, os.R_OK | os.W_OK):
        return False
    digest = hashlib.sha256(f"{lark.__version__}\0{grammar}".encode()).hexdigest()[:20]
    return os.path.join(base, f"grammar-{digest}-py{sys.version_info[0]}{sys.version_info[1]}.lark-cache")


@functools.lru_cache(maxsize=None)
def _lark() -> Lark:
    grammar = grammar_text()
    return Lark(
        grammar,
        transformer=AstBuilder(),
        lexer_callbacks={"COMMENT": _collect_comment},
        cache=cache_file(grammar),
        **lark_options(),
    )


def bare_parser(**extra) -> Lark:
    """Lark's plain LALR parser for the same grammar, building a parse tree.

    This is the speed floor the benchmark compares `parse` against; tests
    also build it with `strict=True` to prove the grammar is conflict-free.
    """
    return Lark(grammar_text(), **lark_options(**extra))


def parse(text: str, path: str) -> ast.RulesFile:
    """Parse one `.rules` file. Raises RulesError, and nothing else, on bad input."""
    return parse_with_comments(text, path)[0]


def parse_with_comments(text: str, path: str) -> tuple[ast.RulesFile, tuple[Comment, ...]]:
    """`parse`, and every comment of the file in order (the formatter keeps them)."""
    try:
        return _parse(text, path)
    except RulesError:
        raise
    except RecursionError:
        raise RulesError.single(
            "syntax-error",
            "the conditions are nested too deeply to read",
            file=path,
            hint="split the condition into named definitions with `define`",
        ) from None
    except Exception as exc:  # never a traceback: report where we were
        raise internal_error(path, exc) from None


def _parse(text: str, path: str) -> tuple[ast.RulesFile, tuple[Comment, ...]]:
    if not isinstance(text, str):
        raise RulesError.single(
            "not-text", "the rules file is not text", file=path,
            hint="save the file as UTF-8 text",
        )
    source = text[1:] if text.startswith("\ufeff") else text
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    bad = _NOT_TEXT.search(source)
    if bad:
        raise bad_character_error(source, path, bad.start())
    comments: list[Token] = []
    token = _comments.set(comments)
    collecting = gc.isenabled()
    gc.disable()  # the tree holds no cycles; collecting while it grows costs ~15%
    try:
        header, statements = _lark().parse(source)
    except VisitError as exc:
        raise _converted(exc.orig_exc, source, path) from None
    except BuildError as exc:
        raise build_error(exc, source, path) from None
    except LarkError as exc:
        raise _converted(exc, source, path) from None
    finally:
        _comments.reset(token)
        if collecting:
            gc.enable()
    check_nesting(header, statements, source, path)
    statements = attach_suppressions(statements, comments, source, path)
    rules_file = ast.RulesFile(path=path, text=text, header=header, statements=tuple(statements))
    return rules_file, tuple(from_token(c) for c in comments)


def _converted(exc: BaseException, source: str, path: str) -> RulesError:
    if isinstance(exc, BuildError):
        return build_error(exc, source, path)
    if isinstance(exc, RulesError):
        return exc
    if not source.strip() or _only_comments(source):
        return empty_file_error(path)
    if isinstance(exc, LarkError):
        return from_lark_error(exc, source, path, _lark())
    return internal_error(path, exc)


def _only_comments(source: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in source.split("\n"))

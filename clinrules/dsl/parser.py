"""`parse(text, path)`: `.rules` text to the syntax tree, or a RulesError.

The Lark parser is built once per process, on first use (`_lark()` is a
cached function, so tests never have to reset anything), and Lark's own
grammar cache keeps even that first build cheap: a cold `clinrules compile`
loads the LALR tables from a cache file instead of recomputing them.

A well-formed text is first read by `fastread`, a hand-written reader that
mirrors the grammar and builds the same tree several times faster; on any
doubt it gives up and Lark reads the text (`CLINRULES_FAST_READER=0` always
uses Lark). Lark stays the definition: the reader is tested equal to it,
and every syntax error comes from Lark. Lark itself is imported only when it
is needed, so a clean file never pays for importing it.

Two engines run the same grammar and the same tree builder:
- `lark-cython` (the `clinrules[fast]` extra), Lark's LALR parser and lexer
  compiled with Cython, used whenever it is installed;
- pure Lark, always there, and the one every error is read from: when the
  fast engine stops on anything at all, the text is parsed again with pure
  Lark, so syntax errors, their messages and their places are exactly the
  same with or without the extra (they come from the same code).
`CLINRULES_PURE_LARK=1` forces pure Lark (CI tests both engines that way).

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
import re
from importlib import resources

from clinrules.collector import paused
from clinrules.dsl import ast, fastread
from clinrules.dsl.comments import Comment, from_token
from clinrules.dsl.nesting import check_nesting
from clinrules.dsl.suppressions import attach_suppressions
from clinrules.cachedir import cache_dir
from clinrules.errors import RulesError

_GRAMMAR_FILE = "rules.lark"
# Control characters (other than tab and line breaks) and lone surrogates (what
# undecodable bytes become): no rules text holds them, not even in quotes.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_comments: contextvars.ContextVar[list | None] = contextvars.ContextVar("clinrules_comments", default=None)


def grammar_text() -> str:
    """The grammar, as shipped in the package."""
    return resources.files("clinrules.dsl").joinpath(_GRAMMAR_FILE).read_text(encoding="utf-8")


def _collect_comment(token):
    from lark import Token

    sink = _comments.get()
    if sink is not None:
        if not isinstance(token, Token):  # lark-cython's token: no end yet, not a str
            token = Token(token.type, token.value, token.start_pos, token.line, token.column,
                          token.line, token.column + len(token.value), token.start_pos + len(token.value))
        sink.append(token)
    return token


def lark_options(**extra) -> dict:
    """The options every clinrules parser shares (the benchmark reuses them)."""
    options = dict(parser="lalr", lexer="contextual", start="start")
    options.update(extra)
    return options


def cache_file(grammar: str, engine: str = "lark") -> str | bool:
    """Where Lark keeps the built LALR tables between runs, or False for none.

    A private per-user directory (`$CLINRULES_CACHE_DIR`, else
    `$XDG_CACHE_HOME/clinrules`, else `~/.cache/clinrules`), not the shared
    temp dir: Lark's cache is a pickle, and a pickle someone else could plant
    must never be loaded (see clinrules/cachedir.py). The name carries the
    grammar, Lark and Python versions and the engine, so upgrades never read a
    stale table and the two engines never read each other's.
    """
    import lark

    base = cache_dir()
    if base is None:
        return False
    digest = hashlib.sha256(f"{lark.__version__}\0{engine}\0{grammar}".encode()).hexdigest()[:20]
    suffix = "" if engine == "lark" else f"-{engine}"
    return os.path.join(base, f"grammar-{digest}-py{sys.version_info[0]}{sys.version_info[1]}{suffix}.lark-cache")


def _fast_plugins() -> dict | None:
    """lark-cython's plugins when installed and not switched off, else None."""
    if os.environ.get("CLINRULES_PURE_LARK", "").strip() not in ("", "0"):
        return None
    try:
        import lark_cython
    except ImportError:
        return None
    return lark_cython.plugins


def engine() -> str:
    """`lark-cython` or `lark`: the engine that parses well-formed files."""
    return "lark-cython" if _fast_plugins() is not None else "lark"


def fast_reader() -> bool:
    """Is the hand-written reader tried first (see `fastread`)?"""
    return os.environ.get("CLINRULES_FAST_READER", "").strip() != "0" and fastread.enabled()


@functools.lru_cache(maxsize=None)
def _lark(fast: bool = False):
    """The parser building clinrules' AST: pure Lark, or lark-cython if `fast`."""
    from lark import Lark

    from clinrules.dsl.builder import AstBuilder

    grammar = grammar_text()
    extra = {}
    if fast:
        extra["_plugins"] = _fast_plugins()
    return Lark(
        grammar,
        transformer=AstBuilder(),
        lexer_callbacks={"COMMENT": _collect_comment},
        cache=cache_file(grammar, "lark-cython" if fast else "lark"),
        **lark_options(**extra),
    )


def bare_parser(**extra):
    """Lark's plain LALR parser for the same grammar, building a parse tree.

    This is the speed floor the benchmark compares `parse` against; tests
    also build it with `strict=True` to prove the grammar is conflict-free.
    """
    from lark import Lark

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
        from clinrules.dsl.syntax_errors import internal_error

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
        from clinrules.dsl.syntax_errors import bad_character_error

        raise bad_character_error(source, path, bad.start())
    with paused():  # the tree holds no cycles; collecting while it grows costs ~15% (clinrules.collector)
        read = None
        if fast_reader():
            try:
                read = fastread.read(source)
            except Exception:  # noqa: BLE001 - not certain (fastread.Bail) or too deep: Lark reads it
                read = None
        fast = read is not None
        header, statements, comments = read if fast else _lark_read(source, path)
    if not fast:  # the fast reader reads only conditions well within the limit (`fastread._LEVELS`)
        check_nesting(header, statements, source, path)
    statements = attach_suppressions(statements, comments, source, path)
    rules_file = ast.RulesFile(path=path, text=text, header=header, statements=tuple(statements))
    return rules_file, tuple(from_token(c) for c in comments)


def _lark_read(source: str, path: str):
    """(header, statements, comment tokens) as Lark reads `source`, or a RulesError."""
    from lark.exceptions import LarkError, VisitError

    from clinrules.dsl.builder import BuildError
    from clinrules.dsl.syntax_errors import build_error

    comments: list = []
    token = _comments.set(comments)
    try:
        parsed = None
        if _fast_plugins() is not None:
            try:
                parsed = _lark(True).parse(source)
            except Exception:  # noqa: BLE001 - pure Lark below says what is wrong, and where
                comments.clear()
        if parsed is None:
            parsed = _lark().parse(source)
        header, statements = parsed
    except VisitError as exc:
        raise _converted(exc.orig_exc, source, path) from None
    except BuildError as exc:
        raise build_error(exc, source, path) from None
    except LarkError as exc:
        raise _converted(exc, source, path) from None
    finally:
        _comments.reset(token)
    return header, statements, comments


def _converted(exc: BaseException, source: str, path: str) -> RulesError:
    from lark.exceptions import LarkError

    from clinrules.dsl.builder import BuildError
    from clinrules.dsl.syntax_errors import build_error, empty_file_error, from_lark_error, internal_error

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

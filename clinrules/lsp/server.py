"""`clinrules lsp`: the language server, over standard input and output.

Every change to an open `.rules` document is checked at once (the
compiler's errors, as `clinrules check` reports them) and published; the
linter (conflicts, gaps, dead rules, style) then runs in a worker thread
and publishes again when it is done, unless the editor has typed on in the
meantime. Checking re-parses only the statements that changed
(`incremental.StatementCache`), so a large ruleset stays responsive.

Hover, go to definition, completion, document symbols, formatting and the
"did you mean" quick fixes read the last syntax tree that parsed, so they
keep working while the line being typed is still incomplete.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsprotocol import types as t
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from clinrules.errors import RulesError
from clinrules.lsp import actions, completion, hover
from clinrules.lsp.checks import Checked, Problem, check_text, lint_checked
from clinrules.lsp.heap import Heap
from clinrules.lsp.incremental import StatementCache
from clinrules.lsp.positions import Columns, line_of
from clinrules.lsp.relint import LintMemo
from clinrules.lsp.symbols import Index, Symbol

# Sent after each check and each lint of a version, for status bars and the
# benchmark: {"uri", "version", "errors" or "findings", "milliseconds",
# "cpu_milliseconds" (of the thread that did the work: the machine's load
# does not count), "published" (whether diagnostics went out: an unchanged
# set is not sent again)}.
CHECKED = "$/clinrules/checked"
LINTED = "$/clinrules/linted"

SEVERITY = {
    "error": t.DiagnosticSeverity.Error,
    "warning": t.DiagnosticSeverity.Warning,
    "info": t.DiagnosticSeverity.Information,
}
PUBLISH = "textDocument/publishDiagnostics"
SYMBOL_KIND = {
    "input": t.SymbolKind.Variable,
    "input option": t.SymbolKind.EnumMember,
    "definition": t.SymbolKind.Function,
    "decision": t.SymbolKind.Enum,
    "option": t.SymbolKind.EnumMember,
    "rule": t.SymbolKind.Event,
    "source": t.SymbolKind.Constant,
}
COMPLETION_KIND = {
    "input": t.CompletionItemKind.Variable,
    "definition": t.CompletionItemKind.Function,
    "option": t.CompletionItemKind.EnumMember,
    "input option": t.CompletionItemKind.EnumMember,
    "unit": t.CompletionItemKind.Unit,
}


@dataclass
class Document:
    """What the server knows about one open document."""

    uri: str
    path: str
    version: int = 0
    checked: Checked | None = None
    parsed: Checked | None = None  # the last version that parsed
    findings: list[Problem] = field(default_factory=list)  # of the last lint
    showing_errors: bool = False  # the last publication held errors
    shown_findings: list = field(default_factory=list)  # the same, as LSP diagnostics (JSON)
    published: list | None = None  # the diagnostics last sent (JSON), None before any
    parser: StatementCache = field(default_factory=StatementCache)
    memo: LintMemo = field(default_factory=LintMemo)  # the last lint, moved when only positions change
    _index: tuple | None = None  # (the Checked it was built from, its Index)

    @property
    def index(self) -> Index | None:
        """The names of the last version that parsed, built when first asked
        for (diagnostics do not need it, hover and completion do)."""
        if self.parsed is None:
            return None
        if self._index is None or self._index[0] is not self.parsed:
            self._index = (self.parsed, Index(self.parsed.tree))
        return self._index[1]

    @property
    def lines(self) -> list[str]:
        return self.parsed.lines if self.parsed is not None else []


class _Protocol(LanguageServerProtocol):
    def get_message_type(self, method: str):
        if method == PUBLISH:
            return None  # sent as JSON built by `RulesServer.publish`, as it is
        return super().get_message_type(method)


class RulesServer(LanguageServer):
    def __init__(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            own = version("clinrules")
        except PackageNotFoundError:
            own = "0"
        super().__init__("clinrules", own, protocol_cls=_Protocol)
        self.documents: dict[str, Document] = {}
        self.lock = threading.Lock()
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clinrules-lint")
        self.heap = Heap()  # keeps the cycle collector off what open documents keep

    @property
    def columns(self) -> Columns:
        """Column conversion for the position encoding agreed with the client."""
        encoding = self.workspace.position_encoding if self._workspace_ready() else None
        cached = getattr(self, "_columns", None)
        if cached is None or cached[0] != encoding:
            cached = self._columns = (encoding, Columns(encoding))
        return cached[1]

    def _workspace_ready(self) -> bool:
        try:
            self.workspace
        except Exception:  # before initialize: the LSP default
            return False
        return True

    # --- checking -------------------------------------------------------------------

    def refresh(self, uri: str) -> None:
        """Check the document's current text, publish, and queue the lint."""
        text_doc = self.workspace.get_text_document(uri)
        doc = self.documents.get(uri)
        if doc is None:
            doc = self.documents[uri] = Document(uri, to_fs_path(uri) or uri)
        started, cpu = time.perf_counter(), time.thread_time()
        with self.lock:
            checked = check_text(text_doc.source, doc.path, parse=doc.parser.parse, validate=False)
            checked.content = doc.parser.content
            doc.version = text_doc.version or 0
            doc.checked = checked
            if checked.tree is not None:
                doc.parsed = checked
        # Errors are shown at once, and taken away at once when fixed. Lint
        # findings need a file without errors, and the linter's time: until
        # it has looked at this version, the last findings stand (a clean
        # edit of a clean file publishes nothing until then).
        published = False
        if checked.errors:
            published = self.publish(doc, [self.diagnostic_json(doc.uri, p, checked.lines)
                                           for p in checked.errors])
            doc.showing_errors = True
        elif doc.showing_errors:
            published = self.publish(doc, doc.shown_findings)
            doc.showing_errors = False
        self.protocol.notify(CHECKED, {"uri": doc.uri, "version": doc.version, "errors": len(checked.errors),
                                       "milliseconds": round((time.perf_counter() - started) * 1000),
                                       "cpu_milliseconds": round((time.thread_time() - cpu) * 1000),
                                       "published": published})
        self.heap.settle()  # after the errors are out: a full collection, when due, comes after them
        if checked.doc is not None:
            version = doc.version
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self.linter, self._lint, doc, checked, version)
            future.add_done_callback(lambda f: self._linted(doc, checked, version, f))

    def _lint(self, doc: Document, checked: Checked, version: int) -> tuple | None:
        """In the worker thread: the findings, as Problems and as LSP JSON."""
        if doc.version != version:
            return None  # typed on: a newer version is queued
        started, cpu = time.perf_counter(), time.thread_time()
        findings = lint_checked(checked, memo=doc.memo)
        shown = [self.diagnostic_json(doc.uri, p, checked.lines) for p in findings]
        return findings, shown, time.perf_counter() - started, time.thread_time() - cpu

    def _linted(self, doc: Document, checked: Checked, version: int, future) -> None:
        if future.cancelled():
            return
        if future.exception() is not None:  # a bug in clinrules: say so, keep serving
            exc = future.exception()
            self.window_log_message(t.LogMessageParams(
                type=t.MessageType.Error,
                message=f"clinrules lint failed on {doc.path} ({type(exc).__name__}: {exc}); this is a bug in clinrules",
            ))
            return
        if future.result() is None:
            return
        if doc.version != version:
            return
        started, cpu = time.perf_counter(), time.thread_time()
        doc.findings, doc.shown_findings, seconds, lint_cpu = future.result()
        published = self.publish(doc, doc.shown_findings)
        self.protocol.notify(LINTED, {
            "uri": doc.uri, "version": version, "findings": len(doc.findings),
            "milliseconds": round((seconds + time.perf_counter() - started) * 1000),
            "cpu_milliseconds": round((lint_cpu + time.thread_time() - cpu) * 1000),
            "published": published,
        })
        self.heap.settle()

    def publish(self, doc: Document, diagnostics: list[dict]) -> bool:
        """Send the document's diagnostics, unless they are exactly those
        last sent (an edit that changes no finding sends nothing). They go
        out as JSON built here: a large ruleset's findings are ~1,500
        diagnostics, and pygls' general converter takes longer over them
        than the rest of the publication together."""
        if diagnostics == doc.published:
            return False
        doc.published = diagnostics
        self.protocol.notify(PUBLISH, _Json({"uri": doc.uri, "version": doc.version, "diagnostics": diagnostics}))
        return True

    def diagnostic_json(self, uri: str, p: Problem, lines: list[str]) -> dict:
        """A Problem as LSP diagnostic JSON, columns in the client's units."""
        out = {
            "range": self.range_json(lines, p.line, p.column, p.end_line, p.end_column),
            "message": p.message + (f"\nhint: {p.hint}" if p.hint else ""),
            "severity": int(SEVERITY.get(p.severity, t.DiagnosticSeverity.Warning)),
            "code": p.code,
            "source": "clinrules" if p.origin == "check" else f"clinrules lint ({p.name})",
        }
        if p.related:
            out["relatedInformation"] = [
                {"location": {"uri": uri, "range": self.range_json(lines, r.line, r.column, r.end_line,
                                                                   r.end_column)},
                 "message": r.message} for r in p.related]
        if p.witness:
            out["data"] = {"witness": p.witness}
        return out

    def diagnostic(self, uri: str, p: Problem, lines: list[str]) -> t.Diagnostic:
        """The same as an lsprotocol object (for code actions)."""
        return get_converter().structure(self.diagnostic_json(uri, p, lines), t.Diagnostic)

    def range_json(self, lines: list[str], line: int, column: int, end_line: int, end_column: int) -> dict:
        columns = self.columns
        return {"start": {"line": line, "character": columns.to_client(line_of(lines, line), column)},
                "end": {"line": end_line, "character": columns.to_client(line_of(lines, end_line), end_column)}}

    def range(self, lines: list[str], line: int, column: int, end_line: int, end_column: int) -> t.Range:
        columns = self.columns
        return _range(line, columns.to_client(line_of(lines, line), column),
                      end_line, columns.to_client(line_of(lines, end_line), end_column))

    def span_range(self, lines: list[str], span) -> t.Range:
        return self.range(lines, span.line, span.column, span.end_line, span.end_column)

    def current_lines(self, uri: str) -> list[str]:
        """The document's text as the client has it now, line by line."""
        return [line.rstrip("\r\n") for line in self.workspace.get_text_document(uri).lines]

    def character(self, uri: str, position: t.Position) -> int:
        """A client position's column, in characters of the current text."""
        return self.columns.from_client(line_of(self.current_lines(uri), position.line), position.character)

    def symbol_at(self, uri: str, position: t.Position) -> tuple[Document | None, Symbol | None]:
        doc = self.documents.get(uri)
        if doc is None or doc.index is None:
            return doc, None
        return doc, doc.index.symbol_at(position.line, self.character(uri, position))


class _Json:
    """Parameters already in JSON form: pygls sends an object's `__dict__` as
    it is, instead of converting it field by field."""

    def __init__(self, params: dict):
        self.__dict__.update(params)


def _range(line: int, column: int, end_line: int, end_column: int) -> t.Range:
    return t.Range(start=t.Position(line=line, character=column),
                   end=t.Position(line=end_line, character=end_column))


server = RulesServer()


def is_rules(uri: str, language_id: str | None) -> bool:
    """A `.rules` file, or a document the editor says is clinrules (an
    editor that maps `.rules` to plain text also opens other text files)."""
    return language_id == "clinrules" or uri.lower().endswith(".rules")


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RulesServer, params: t.DidOpenTextDocumentParams) -> None:
    if is_rules(params.text_document.uri, params.text_document.language_id):
        ls.refresh(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: RulesServer, params: t.DidChangeTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents:
        ls.refresh(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: RulesServer, params: t.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents:
        ls.refresh(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RulesServer, params: t.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    if doc is not None:
        ls.protocol.notify(PUBLISH, _Json({"uri": doc.uri, "diagnostics": []}))


@server.feature(t.TEXT_DOCUMENT_HOVER)
def on_hover(ls: RulesServer, params: t.HoverParams) -> t.Hover | None:
    doc, sym = ls.symbol_at(params.text_document.uri, params.position)
    if sym is None:
        return None
    occ = doc.index.at(params.position.line, ls.character(doc.uri, params.position))
    return t.Hover(
        contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=hover.hover_markdown(doc.index, sym, doc.lines)),
        range=ls.span_range(doc.lines, occ.span),
    )


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def on_definition(ls: RulesServer, params: t.DefinitionParams) -> t.Location | None:
    doc, sym = ls.symbol_at(params.text_document.uri, params.position)
    if sym is None:
        return None
    return t.Location(uri=doc.uri, range=ls.span_range(doc.lines, sym.span))


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: RulesServer, params: t.ReferenceParams) -> list[t.Location] | None:
    doc, sym = ls.symbol_at(params.text_document.uri, params.position)
    if sym is None:
        return None
    spans = ([sym.span] if params.context.include_declaration else []) + sym.uses
    return [t.Location(uri=doc.uri, range=ls.span_range(doc.lines, s)) for s in spans]


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", ","]))
def on_completion(ls: RulesServer, params: t.CompletionParams) -> t.CompletionList:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.index is None:
        return t.CompletionList(is_incomplete=False, items=[])
    current = ls.current_lines(doc.uri)
    found = completion.complete(doc.index, current, params.position.line, ls.character(doc.uri, params.position))
    return t.CompletionList(is_incomplete=False, items=[
        t.CompletionItem(label=c.label, kind=COMPLETION_KIND.get(c.kind), detail=c.detail)
        for c in found
    ])


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbol(ls: RulesServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.index is None:
        return []
    out: list[t.DocumentSymbol] = []
    parents: dict[tuple[str, str], t.DocumentSymbol] = {}
    for sym in doc.index.declarations:
        item = t.DocumentSymbol(
            name=sym.name, kind=SYMBOL_KIND[sym.kind], detail=sym.kind,
            range=ls.span_range(doc.lines, sym.statement), selection_range=ls.span_range(doc.lines, sym.span),
            children=[],
        )
        if sym.kind in ("option", "input option"):
            parent = parents.get(("decision" if sym.kind == "option" else "input", sym.owner))
            if parent is not None:
                parent.children.append(item)
                continue
        if sym.kind in ("decision", "input"):
            parents[(sym.kind, sym.key)] = item
        out.append(item)
    return out


@server.feature(t.TEXT_DOCUMENT_FORMATTING)
def on_formatting(ls: RulesServer, params: t.DocumentFormattingParams) -> list[t.TextEdit] | None:
    from clinrules.dsl.format import format_source

    text_doc = ls.workspace.get_text_document(params.text_document.uri)
    doc = ls.documents.get(params.text_document.uri)
    path = doc.path if doc else params.text_document.uri
    try:
        formatted = format_source(text_doc.source, path)
    except RulesError as exc:
        ls.window_show_message(t.ShowMessageParams(
            type=t.MessageType.Warning,
            message="clinrules fmt: not formatted: " + "; ".join(d.message for d in exc.diagnostics[:3]),
        ))
        return None
    if formatted == text_doc.source:
        return []
    lines = text_doc.source.split("\n")
    return [t.TextEdit(range=_range(0, 0, len(lines), 0), new_text=formatted)]


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
def on_code_action(ls: RulesServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.checked is None:
        return []
    lines = doc.checked.lines
    want = params.range
    start = (want.start.line, ls.character(doc.uri, want.start))
    end = (want.end.line, ls.character(doc.uri, want.end))
    out = []
    for p in doc.checked.errors:
        if (p.end_line, p.end_column) < start or (p.line, p.column) > end:
            continue
        written = lines[p.line][p.column:p.end_column] if p.line == p.end_line and p.line < len(lines) else ""
        for name in actions.suggestions(p):
            new_text = name if "unit" in p.code else actions.replacement(name, written)
            out.append(t.CodeAction(
                title=f"Change to `{name}`",
                kind=t.CodeActionKind.QuickFix,
                diagnostics=[ls.diagnostic(doc.uri, p, lines)],
                is_preferred=len(out) == 0,
                edit=t.WorkspaceEdit(changes={doc.uri: [
                    t.TextEdit(range=ls.range(lines, p.line, p.column, p.end_line, p.end_column), new_text=new_text)
                ]}),
            ))
    return out


def run() -> None:
    """Serve one editor over standard input and output until it says exit."""
    server.start_io()

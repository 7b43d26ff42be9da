"""A real LSP client session with `python -m clinrules lsp`, over stdio.

pygls' own client starts the server as a subprocess and speaks JSON-RPC to
it; `Session` wraps it for tests: open and edit documents, wait for the
diagnostics of a given version, ask for hover, completion and the rest.
Every wait is bounded, so a broken server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

WAIT = 60.0  # seconds for any one answer (a loaded CI machine is slow)


class Session:
    def __init__(self, encodings: list[str] | None = None) -> None:
        self.encodings = encodings  # position encodings the client offers (None: LSP's UTF-16)
        self.client = LanguageClient("clinrules-tests", "1")
        self.published: dict[str, list[tuple[float, int | None, list[t.Diagnostic]]]] = {}
        self.versions: dict[str, int] = {}
        self.changed = asyncio.Event()

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: t.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append((time.perf_counter(), params.version, params.diagnostics))
            self.changed.set()

        self.notes: dict[str, list[tuple[str, int, int]]] = {}  # uri -> (kind, version, count)
        self.sent: dict[str, dict[int, bool]] = {}  # uri -> version -> whether the lint published

        def _note(kind: str, count: str):
            def handler(params) -> None:
                get = params.get if isinstance(params, dict) else lambda k: getattr(params, k)
                self.notes.setdefault(get("uri"), []).append((kind, get("version"), get(count)))
                if kind == "linted":
                    self.sent.setdefault(get("uri"), {})[get("version")] = get("published")
                self.changed.set()
            return handler

        self.client.feature("$/clinrules/checked")(_note("checked", "errors"))
        self.client.feature("$/clinrules/linted")(_note("linted", "findings"))

        @self.client.feature(t.WINDOW_SHOW_MESSAGE)
        def _message(params) -> None:
            pass

    async def __aenter__(self) -> "Session":
        await self.client.start_io(sys.executable, "-m", "clinrules", "lsp")
        await asyncio.wait_for(self.client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(general=t.GeneralClientCapabilities(
                position_encodings=self.encodings)) if self.encodings else t.ClientCapabilities(),
            root_uri=None,
        )), WAIT)
        self.client.initialized(t.InitializedParams())
        return self

    async def __aexit__(self, *exc) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), WAIT)
            self.client.exit(None)
        finally:
            await self.client.stop()

    # --- documents ----------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> str:
        uri = from_fs_path(str(path))
        self.versions[uri] = 1
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=uri, language_id="clinrules", version=1, text=path.read_text("utf-8") if text is None else text,
        )))
        return uri

    def replace(self, uri: str, text: str) -> int:
        """Send the whole new text (a full-document change)."""
        return self._change(uri, [t.TextDocumentContentChangeWholeDocument(text=text)])

    def edit(self, uri: str, line: int, column: int, end_line: int, end_column: int, text: str) -> int:
        """Send an incremental change of one range."""
        return self._change(uri, [t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(line=line, character=column),
                          end=t.Position(line=end_line, character=end_column)),
            text=text,
        )])

    def _change(self, uri: str, changes) -> int:
        self.versions[uri] += 1
        version = self.versions[uri]
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes,
        ))
        return version

    async def diagnostics(self, uri: str, version: int, predicate=None) -> list[t.Diagnostic]:
        """The first diagnostics published for `version` that satisfy `predicate`."""
        deadline = time.monotonic() + WAIT
        while True:
            for _, v, diags in self.published.get(uri, []):
                if v == version and (predicate is None or predicate(diags)):
                    return diags
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [(v, [d.code for d in ds]) for _, v, ds in self.published.get(uri, [])]
                raise AssertionError(f"no diagnostics for version {version} of {uri}; published: {seen}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def _until(self, done, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}; notes: {self.notes}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def linted(self, uri: str, version: int) -> list[t.Diagnostic]:
        """The diagnostics shown for `version` once the server is done with it:
        its errors, or (when it has none) the linter's findings. The server
        does not send a set equal to the last one again: what is shown is
        then the last publication before."""
        def done() -> bool:
            for kind, v, count in self.notes.get(uri, []):
                if v == version and (kind == "linted" or (kind == "checked" and count)):
                    return True
            return False

        await self._until(done, f"version {version} to be checked and linted")
        return [e for e in self.published[uri] if e[1] <= version][-1][2]

    # --- requests -----------------------------------------------------------------

    @staticmethod
    def _doc(uri: str) -> t.TextDocumentIdentifier:
        return t.TextDocumentIdentifier(uri=uri)

    async def hover(self, uri: str, line: int, column: int):
        return await asyncio.wait_for(self.client.text_document_hover_async(t.HoverParams(
            text_document=self._doc(uri), position=t.Position(line=line, character=column))), WAIT)

    async def definition(self, uri: str, line: int, column: int):
        return await asyncio.wait_for(self.client.text_document_definition_async(t.DefinitionParams(
            text_document=self._doc(uri), position=t.Position(line=line, character=column))), WAIT)

    async def completion(self, uri: str, line: int, column: int) -> list[str]:
        found = await asyncio.wait_for(self.client.text_document_completion_async(t.CompletionParams(
            text_document=self._doc(uri), position=t.Position(line=line, character=column))), WAIT)
        items = found.items if isinstance(found, t.CompletionList) else found
        return [item.label for item in items]

    async def symbols(self, uri: str):
        return await asyncio.wait_for(self.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=self._doc(uri))), WAIT)

    async def formatting(self, uri: str):
        return await asyncio.wait_for(self.client.text_document_formatting_async(t.DocumentFormattingParams(
            text_document=self._doc(uri), options=t.FormattingOptions(tab_size=2, insert_spaces=True))), WAIT)

    async def code_actions(self, uri: str, diagnostic: t.Diagnostic):
        return await asyncio.wait_for(self.client.text_document_code_action_async(t.CodeActionParams(
            text_document=self._doc(uri), range=diagnostic.range,
            context=t.CodeActionContext(diagnostics=[diagnostic]))), WAIT)


def run(coroutine_function, timeout: float = 240.0):
    """Run one async test body with an overall time limit."""
    async def bounded():
        return await asyncio.wait_for(coroutine_function(), timeout)

    return asyncio.run(bounded())

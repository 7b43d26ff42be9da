"""Editor latency: how soon `clinrules lsp` shows the problems of an edit.

Run: `python benchmarks/lsp.py` (1,500 rules) or `--smoke` (100 rules, two edits).

A real client session over stdio (pygls' client, the server as a
subprocess) opens a generated ruleset (the compile benchmark's generator)
and makes edits of the kinds an editor makes: change a threshold inside a
line, press Enter (every statement below moves down a line), misspell a name
(an error), fix it again. For each edit it measures the time from sending
`didChange` to receiving the diagnostics of that version: first the
checker's (errors shown, or cleared when fixed; target: within 300 ms at
1,500 rules), then the linter's (conflicts, gaps, dead rules; published when
it is done). The server notes each (`$/clinrules/checked`,
`$/clinrules/linted`) right after publishing, which is what is timed.

Peers in the same run: what an editor plugin without a server would pay
per edit, `clinrules check FILE` as a process, and one whole in-process
`compile_source` (no incremental parse), on the same text.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compile import generate  # noqa: E402  (the compile benchmark's generator)

TARGET_MS = 300
WAIT = 120.0


async def session(text: str, path: Path, edits: int) -> dict:
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    client = LanguageClient("clinrules-benchmark", "1")
    # version -> {"checked": (time, errors), "linted": (time, findings)}: the
    # server's notes, sent right after it published what the check (errors
    # shown or cleared) and the lint (findings) found for that version
    notes: dict[int, dict[str, tuple[float, int]]] = {}
    event = asyncio.Event()

    def note(kind: str, count: str):
        def handler(params) -> None:
            get = params.get if isinstance(params, dict) else lambda k: getattr(params, k)
            notes.setdefault(get("version"), {})[kind] = (time.perf_counter(), get(count))
            event.set()
        return handler

    client.feature("$/clinrules/checked")(note("checked", "errors"))
    client.feature("$/clinrules/linted")(note("linted", "findings"))

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: t.PublishDiagnosticsParams) -> None:
        pass

    async def until(version: int, kind: str) -> None:
        deadline = time.monotonic() + WAIT
        while kind not in notes.get(version, {}):
            event.clear()
            await asyncio.wait_for(event.wait(), max(0.01, deadline - time.monotonic()))

    await client.start_io(sys.executable, "-m", "clinrules", "lsp")
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
    client.initialized(t.InitializedParams())
    uri = from_fs_path(str(path))
    started = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="clinrules", version=1, text=text)))
    await until(1, "linted")
    opened = ((notes[1]["checked"][0] - started) * 1000, (notes[1]["linted"][0] - started) * 1000)

    lines = text.split("\n")
    rule_lines = [i for i, line in enumerate(lines) if line.startswith("rule ")]
    results = {"threshold": [], "new line": [], "misspell": [], "fix": []}
    version = 1
    for n in range(edits):
        target = rule_lines[(n * 7919) % len(rule_lines)]
        for kind in results:
            line = target
            current = lines[line]
            if kind == "threshold":  # another digit in the first threshold of the rule
                column = re.search(r"[<>]=? (\d)", current).start(1)
                digit = str((int(current[column]) + 1) % 10)
                change = ((line, column, line, column + 1), digit)
                lines[line] = current[:column] + digit + current[column + 1:]
            elif kind == "new line":  # Enter at the start of the rule: everything below moves
                change = ((line, 0, line, 0), "\n")
                lines.insert(line, "")
                rule_lines = [r + 1 if r >= line else r for r in rule_lines]
                target += 1
            else:  # drop the last letter of the first input the rule reads, then type it back
                if kind == "misspell":
                    word = next(w for w in ("duration", "fever", "ESR", "pain score", "age") if w in current)
                    column = current.index(word)
                    change = ((line, column, line, column + len(word)), word[:-1])
                    lines[line] = current[:column] + word[:-1] + current[column + len(word):]
                else:
                    change = ((line, column + len(word) - 1, line, column + len(word) - 1), word[-1])
                    lines[line] = current[:column + len(word) - 1] + word[-1] + current[column + len(word) - 1:]
            version += 1
            (l0, c0, l1, c1), new_text = change
            sent = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(line=l0, character=c0), end=t.Position(line=l1, character=c1)),
                    text=new_text)],
            ))
            await until(version, "checked")
            checked, errors = notes[version]["checked"]
            if not errors:
                await until(version, "linted")
            done = notes[version]["linted" if not errors else "checked"][0]
            results[kind].append(((checked - sent) * 1000, (done - sent) * 1000, bool(errors)))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"opened": opened, "edits": results}


def peers(text: str, path: Path) -> tuple[float, float]:
    from clinrules.compiler import compile_source

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        compile_source(text, str(path))
        best = min(best, time.perf_counter() - started)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "clinrules", "check", str(path)], capture_output=True, timeout=600)
    cli = time.perf_counter() - started
    return best * 1000, cli * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="100 rules and two rounds of edits")
    parser.add_argument("--rules", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the four edits")
    args = parser.parse_args(argv)
    rules, rounds = (100, 2) if args.smoke else (args.rules, args.rounds)
    text = generate(rules)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.rules"
        path.write_text(text)
        measured = asyncio.run(asyncio.wait_for(session(text, path, rounds), 30 * WAIT))
        whole, cli = peers(text, path)
    print(f"rules {rules}, {len(text) // 1024} KB, {rounds} rounds of edits")
    print(f"open: checker {measured['opened'][0]:.0f} ms, linter {measured['opened'][1]:.0f} ms (whole parse)")
    print(f"{'edit':<10} {'checker median':>15} {'checker max':>12} {'linter median':>14}  errors")
    worst = 0.0
    for kind, rows in measured["edits"].items():
        checker = [r[0] for r in rows]
        linter = [r[1] for r in rows]
        worst = max(worst, max(checker))
        print(f"{kind:<10} {statistics.median(checker):>12.0f} ms {max(checker):>9.0f} ms "
              f"{statistics.median(linter):>11.0f} ms  {'yes' if rows[0][2] else 'no'}")
    print(f"peer: one whole compile_source in process: {whole:.0f} ms; `clinrules check` as a process: {cli:.0f} ms")
    if not args.smoke:
        verdict = "met" if worst <= TARGET_MS else "NOT met"
        print(f"target: checker diagnostics within {TARGET_MS} ms of every edit at {rules} rules: {verdict} "
              f"(worst {worst:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Every example in docs/runtime.md and docs/fixtures.md runs, so the pages cannot rot.

The pages are read as they are published; HTML comments (invisible when
rendered) tell this test what a fenced block is:

- `<!-- file: PATH -->` before a block: its text is written to PATH in a
  fresh folder for the page, before anything runs. A block written this way
  that is a fixture file (has `cases`) must then run with every case passing;
  `<!-- file: PATH (fails) -->` marks the one meant to show a failure, which
  must fail.
- `<!-- cases for: RULESET -->` before a YAML block: the block is a fragment
  of a fixture (`cases:` and maybe `defaults:`); it is run against RULESET
  and every case must pass.
- `<!-- not tested: REASON -->`: shown only (installing packages, timings).

Unmarked blocks run by language, in page order, in that folder: `pycon`
blocks are doctests (the output shown must be the output produced; `...`
stands for text left out), `python` blocks are executed, both sharing one
namespace per page; `console` blocks run each `$ COMMAND` (`clinrules` with
click's CliRunner, `pytest` and `python` as subprocesses) and compare what
it prints with the lines shown under it, `$ echo $?` being the exit code of
the command before. Any other block fails `test_every_block_is_tested`.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.errors import RulesError

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["docs/runtime.md", "docs/fixtures.md"]

_FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!--[ \t]*(file|cases for|not tested):[ \t]*((?:(?!-->)[^\n])*?)[ \t]*-->[ \t]*\n\s*\Z")
_RUNNABLE = ("pycon", "python", "console")


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    text: str
    mark: str | None  # "file", "cases for", "not tested"
    arg: str | None

    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks_of(page: str) -> list[Block]:
    text = (ROOT / page).read_text(encoding="utf-8")
    out = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        mark = _MARK.search(before[-400:])
        out.append(
            Block(
                page=page,
                line=before.count("\n") + 1,
                lang=match.group(1),
                text=match.group(2),
                mark=mark.group(1) if mark else None,
                arg=mark.group(2) if mark else None,
            )
        )
    return out


# --- running one page ------------------------------------------------------------


def _run_command(line: str, sandbox: Path) -> tuple[str, int]:
    words = shlex.split(line)
    if words[0] == "clinrules":
        result = CliRunner().invoke(cli, words[1:], catch_exceptions=False)
        return result.output, result.exit_code
    if words[0] in ("pytest", "python"):
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *words[1:]] if words[0] == "pytest" else [
            sys.executable,
            *words[1:],
        ]
        done = subprocess.run(command, cwd=sandbox, capture_output=True, text=True, timeout=300)
        return done.stdout + done.stderr, done.returncode
    raise AssertionError(f"the docs test does not know how to run `{line}`")


def _same(expected: str, got: str) -> bool:
    checker = doctest.OutputChecker()
    norm = lambda s: "\n".join(l.rstrip() for l in s.strip("\n").split("\n")) + "\n"  # noqa: E731
    return checker.check_output(norm(expected), norm(got), doctest.ELLIPSIS)


def run_console(block: Block, sandbox: Path) -> list[str]:
    problems = []
    steps: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            problems.append(f"{block.where()}: output before any `$ ` command: {line!r}")
    last_code = None
    for command, shown in steps:
        expected = "\n".join(shown)
        if command.strip() == "echo $?":
            got, code = f"{last_code}\n", 0
        else:
            got, code = _run_command(command, sandbox)
            last_code = code
        if not _same(expected, got):
            problems.append(f"{block.where()}: `$ {command}` printed:\n{got}\nthe page shows:\n{expected}")
    return problems


def run_doctest(block: Block, namespace: dict) -> list[str]:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.text, namespace, block.where(), block.page, block.line)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.append, clear_globs=False)
    namespace.update(test.globs)  # get_doctest works on a copy: later blocks see these names
    return ["".join(out)] if runner.failures else []


def _fixture_check(path: Path, should_fail: bool, where: str) -> list[str]:
    from clinrules.testing import run_file
    from clinrules.testing.reporters import case_detail

    try:
        run = run_file(path)
    except RulesError as error:  # the fixture file itself is wrong (exit code 2)
        return [] if should_fail else [f"{where}: the fixture cannot be run:\n{error}"]
    if should_fail:
        return [] if run.failed + run.errored else [f"{where}: the fixture marked (fails) passed"]
    bad = [c for c in run.cases if c.status != "passed"]
    return [f"{where}: case {c.name!r} did not pass:\n{case_detail(c)}" for c in bad]


def run_page(page: str, sandbox: Path) -> list[str]:
    blocks = blocks_of(page)
    fixtures = []
    for block in blocks:
        if block.mark == "file":
            name, _, flag = block.arg.partition(" ")
            target = sandbox / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
            data = yaml.safe_load(block.text) if block.lang in ("yaml", "json") else None
            if isinstance(data, dict) and "cases" in data:
                fixtures.append((target, flag.strip() == "(fails)", block.where()))
    problems: list[str] = []
    namespace: dict = {"__name__": "__docs__"}
    fragment = 0
    for block in blocks:
        if block.mark == "cases for":
            fragment += 1
            data = yaml.safe_load(block.text)
            path = sandbox / f"_fragment_{fragment}.yaml"
            path.write_text(f"ruleset: {block.arg}\n" + block.text, encoding="utf-8")
            assert isinstance(data, dict) and "cases" in data, f"{block.where()}: a `cases for` block holds `cases:`"
            fixtures.append((path, False, block.where()))
        elif block.mark is not None:
            continue
        elif block.lang == "console":
            problems += run_console(block, sandbox)
        elif block.lang == "pycon":
            problems += run_doctest(block, namespace)
        elif block.lang == "python":
            try:
                exec(compile(block.text, block.where(), "exec"), namespace)
            except Exception as exc:  # report it with the page's line, then the other blocks
                problems.append(f"{block.where()}: {type(exc).__name__}: {exc}")
    for path, should_fail, where in fixtures:
        problems += _fixture_check(path, should_fail, where)
    return problems


# --- the tests -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_works(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problems = run_page(page, tmp_path)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_every_block_is_tested(page):
    blocks = blocks_of(page)
    assert blocks, f"{page} shows no examples"
    untested = [
        b.where()
        for b in blocks
        if b.lang not in _RUNNABLE and b.mark not in ("file", "cases for", "not tested")
    ]
    assert not untested, f"blocks neither run nor marked `<!-- not tested: why -->`: {untested}"
    unexplained = [b.where() for b in blocks if b.mark == "not tested" and len(b.arg) < 10]
    assert not unexplained, f"say why a block is not tested: {unexplained}"


def test_console_comparison_catches_a_wrong_output(tmp_path, monkeypatch):
    """The harness itself: a shown output that differs from the real one fails."""
    monkeypatch.chdir(tmp_path)
    block = Block("x.md", 1, "console", "$ clinrules --version\nclinrules 0.0.0-not-this\n", None, None)
    assert run_console(block, tmp_path)
    block = Block("x.md", 1, "console", "$ clinrules schema nothere.json\n...\n$ echo $?\n0\n", None, None)
    assert run_console(block, tmp_path), "a wrong exit code must fail"


def test_doctest_comparison_catches_a_wrong_output():
    block = Block("x.md", 1, "pycon", ">>> 1 + 1\n3\n", None, None)
    assert run_doctest(block, {})


def test_readme_links_both_pages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"({page})" in readme or f"`{page}`" in readme, f"README.md does not link {page}"


def test_a_shared_ruleset_gives_the_same_results_in_threads():
    """docs/runtime.md says one loaded ruleset may be shared by threads."""
    from clinrules.compiler import compile_file
    from clinrules.runtime import load

    ruleset = load(compile_file(ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"))
    patients = [
        {"upper back pain": True, "cervicogenic dizziness": True, "duration": f"{weeks} weeks", "fever": fever}
        for weeks in range(0, 12)
        for fever in (True, False, None)
    ]
    results: dict[int, list] = {}

    def work(n: int) -> None:
        results[n] = [ruleset.evaluate(p, explain=n % 2 == 0).to_json() for p in patients]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = load(ruleset.doc)
    serial = {explain: [fresh.evaluate(p, explain=explain).to_json() for p in patients] for explain in (False, True)}
    for n, got in results.items():
        assert got == serial[n % 2 == 0], f"thread {n} saw other results"


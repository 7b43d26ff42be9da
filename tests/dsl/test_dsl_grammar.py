"""The grammar itself: conflict-free, shipped, cached, and fast."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from lark import Lark, Tree

from clinrules.dsl.parser import bare_parser, grammar_text


def test_grammar_is_strict_lalr_without_terminal_collisions():
    pytest.importorskip("interegular")
    parser = Lark(grammar_text(), parser="lalr", lexer="contextual", strict=True)
    assert parser.parse('ruleset "x"\nIF a THEN b').data == "start"


def test_grammar_ships_as_package_data():
    from importlib import resources

    assert resources.files("clinrules.dsl").joinpath("rules.lark").is_file()
    assert "start: header statements?" in grammar_text()


def test_bare_parser_builds_a_parse_tree_of_the_same_language():
    tree = bare_parser().parse('ruleset "x"\ndefine d: history of malignancy AND no red flags')
    assert isinstance(tree, Tree)
    names = ["".join(tok for tok in t.scan_values(lambda v: True)) for t in tree.find_data("name")]
    assert "historyofmalignancy" in names


def test_parser_is_built_once_per_process():
    from clinrules.dsl.parser import _lark

    assert _lark() is _lark()


def test_fresh_process_parses_with_the_cached_grammar(tmp_path):
    code = (
        "from clinrules.dsl import parse\n"
        "f = parse('ruleset \"x\"\\ninput a: yes/no # lint: allow unused-input -- why\\n', 'x.rules')\n"
        "print(f.statements[0].suppressions[0].codes[0])\n"
    )
    # the fast reader off: Lark itself reads, so its table is written and then read
    env = {**os.environ, "CLINRULES_CACHE_DIR": str(tmp_path), "CLINRULES_FAST_READER": "0"}
    for _ in range(2):  # the first run writes Lark's cache; the second reads it
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env=env).stdout
    (cached,) = tmp_path.iterdir()
    assert cached.name.startswith("grammar-") and cached.stat().st_size > 10_000
    assert out.split() == ["unused-input"]


def test_unwritable_cache_directory_means_no_cache(tmp_path, monkeypatch):
    from clinrules.dsl.parser import cache_file

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CLINRULES_CACHE_DIR", str(blocker / "sub"))
    assert cache_file("grammar") is False
    monkeypatch.setenv("CLINRULES_CACHE_DIR", str(tmp_path / "fresh"))
    first, second = cache_file("grammar one"), cache_file("grammar two")
    assert first != second and os.path.dirname(first) == str(tmp_path / "fresh")

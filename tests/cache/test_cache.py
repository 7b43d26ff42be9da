"""The cache of compiled rulesets and lint findings (clinrules/cache).

Entries are keyed by the file's bytes, its path, the version and clinrules'
own code; they are read only when they check out, corrupt ones are ignored
and rewritten, `--no-cache` bypasses the cache, concurrent runs are safe, and
a cached answer is the answer a fresh run gives, byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clinrules.cache import bypassed, compile_file, enabled, lint_file, store
from clinrules.cache.fingerprint import FORMAT_VERSION
from clinrules.cli.main import cli
from clinrules.compiler import compile_file as compile_uncached
from clinrules.lint import Config, lint

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLINRULES_CACHE_DIR", str(folder))
    monkeypatch.delenv("CLINRULES_NO_CACHE", raising=False)
    return folder


@pytest.fixture()
def rules(tmp_path):
    path = tmp_path / "seed.rules"
    shutil.copy(SEED, path)
    return path


def entries(folder: Path, kind: str) -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.cache")) if folder.is_dir() else []


def test_format_version_is_the_compilers():
    from clinrules.compiler.emit import FORMAT_VERSION as emitted

    assert FORMAT_VERSION == emitted


def test_a_cached_document_is_the_compiled_one(cache, rules):
    first = compile_file(rules)
    (entry,) = entries(cache, "ir")
    second = compile_file(rules)
    assert first == second == compile_uncached(rules)
    assert second is not first  # each caller gets its own copy to change
    assert entries(cache, "ir") == [entry]


def _rewrite(entry: Path, change) -> None:
    """Store a changed document under the same key, as a valid entry."""
    kind, key = entry.name.removesuffix(".cache").split("-", 1)
    doc = json.loads(entry.read_bytes().partition(b"\n")[2])
    change(doc)
    store.write(kind, key, json.dumps(doc).encode())


def test_a_hit_is_read_from_the_cache(cache, rules):
    compile_file(rules)
    (entry,) = entries(cache, "ir")
    _rewrite(entry, lambda doc: doc.update(title="read from the cache"))
    assert compile_file(rules)["title"] == "read from the cache"
    with bypassed():  # --no-cache compiles afresh
        assert compile_file(rules)["title"] != "read from the cache"


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "header", "garbage"])
def test_a_corrupt_entry_is_ignored_and_rewritten(cache, rules, damage):
    expected = compile_file(rules)
    (entry,) = entries(cache, "ir")
    data = entry.read_bytes()
    if damage == "flip":
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]
    elif damage == "truncate":
        data = data[: len(data) // 3]
    elif damage == "empty":
        data = b""
    elif damage == "header":
        data = data.replace(b"clinrules-cache 1", b"clinrules-cache 9", 1)
    else:
        data = os.urandom(256)
    entry.write_bytes(data)
    assert compile_file(rules) == expected
    assert entry.read_bytes() != data  # rewritten, and now good
    assert store.read("ir", entry.name.removesuffix(".cache").split("-", 1)[1]) is not None


def test_an_entry_for_other_bytes_is_not_trusted(cache, rules):
    compile_file(rules)
    (entry,) = entries(cache, "ir")
    _rewrite(entry, lambda doc: doc.update(source_sha256="0" * 64, title="stale"))
    assert compile_file(rules)["title"] != "stale"


def test_a_changed_file_is_compiled_again(cache, rules):
    compile_file(rules)
    rules.write_text(rules.read_text("utf-8").replace("version 1.0.0", "version 1.0.1", 1), "utf-8")
    assert compile_file(rules)["version"] == "1.0.1"
    assert len(entries(cache, "ir")) == 2


def test_errors_are_never_cached(cache, tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text('ruleset "x"\nIF fevr THEN x\n', "utf-8")
    for _ in range(2):
        with pytest.raises(Exception) as info:
            compile_file(bad)
        assert "fevr" in str(info.value)
    assert entries(cache, "ir") == []
    with pytest.raises(Exception) as info:
        compile_file(tmp_path / "missing.rules")
    assert "does not exist" in str(info.value) or "cannot read" in str(info.value)


def test_no_cache_and_the_environment_switch(cache, rules, monkeypatch):
    with bypassed(True):
        assert not enabled()
        compile_file(rules)
        lint_file(rules, Config())
    assert enabled()
    monkeypatch.setenv("CLINRULES_NO_CACHE", "1")
    assert not enabled()
    compile_file(rules)
    assert not cache.exists() or not list(cache.glob("*.cache"))


def test_an_unwritable_cache_is_simply_off(tmp_path, rules, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CLINRULES_CACHE_DIR", str(blocker / "sub"))
    assert compile_file(rules) == compile_uncached(rules)


def test_lint_findings_from_the_cache_are_the_linters(cache, rules):
    config = Config()
    fresh = lint(compile_uncached(rules), config=config, file=str(rules))
    first = lint_file(rules, config)
    second = lint_file(rules, config)
    assert [f.as_dict() for f in first] == [f.as_dict() for f in second] == [f.as_dict() for f in fresh]
    assert first == fresh and second == fresh
    assert len(entries(cache, "lint")) == 1
    other = Config(disable=frozenset({"CR001"}))
    lint_file(rules, other)
    assert len(entries(cache, "lint")) == 2  # another configuration, another entry


def test_the_directory_is_pruned(cache, monkeypatch):
    monkeypatch.setattr(store, "LIMIT", 10)
    monkeypatch.setattr(store, "KEEP", 5)
    for i in range(30):
        store.write("ir", f"{i:064x}", b"{}")
    assert 5 <= len(entries(cache, "ir")) <= 10


def _lint_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["lint", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_lint_command_output_is_the_same_cached_or_not(cache, rules, fmt):
    table = ROOT / "benchmarks" / "table.py"
    big = rules.parent / "table.rules"
    subprocess.run([sys.executable, str(table), str(big), "--rules", "120"], check=True)
    fresh = _lint_cli("--no-cache", "--format", fmt, str(rules), str(big))
    assert entries(cache, "lint") == []
    first = _lint_cli("--format", fmt, str(rules), str(big))
    second = _lint_cli("--format", fmt, str(rules), str(big))
    assert fresh == first == second
    assert fresh[0] == 1 and "conflict" in fresh[1]
    assert len(entries(cache, "lint")) == 2


def test_test_coverage_and_build_take_no_cache(cache, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "rulesets", tmp_path / "rulesets")
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outputs = {}
    for flags in (["--no-cache"], [], []):
        for command in (["test"], ["coverage"], ["build", "--out", "dist"]):
            result = runner.invoke(cli, [*command, *flags])
            assert result.exit_code == 0, result.output
            outputs.setdefault(command[0], set()).add(result.output)
        if flags:
            assert entries(cache, "ir") == []
    assert all(len(seen) == 1 for seen in outputs.values())
    assert entries(cache, "ir")


def test_concurrent_runs_share_the_cache_safely(cache, rules):
    cmd = [sys.executable, "-m", "clinrules", "lint", "--format", "json", str(rules)]
    env = {**os.environ, "CLINRULES_CACHE_DIR": str(cache)}
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert len({out for out, _ in outputs}) == 1 and all(not err for _, err in outputs)
    assert [run.returncode for run in runs] == [runs[0].returncode] * 4
    assert not list(cache.glob(".tmp-*"))
    for entry in cache.glob("*.cache"):
        kind, key = entry.name.removesuffix(".cache").split("-", 1)
        assert store.read(kind, key) is not None

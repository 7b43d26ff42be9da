"""`clinrules serve` and `clinrules lsp` as commands: help, and plain errors."""

from __future__ import annotations

import socket
import subprocess
import sys

from click.testing import CliRunner

from clinrules.cli.main import cli


def test_both_commands_are_registered_and_answer_help():
    for name, words in (("serve", "127.0.0.1"), ("lsp", "editor")):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert f"Usage: cli {name}" in result.output or f"Usage: clinrules {name}" in result.output
        assert words in result.output


def test_a_port_in_use_is_a_plain_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "clinrules", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert f"error: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_port_is_a_usage_error():
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "70000" in result.output


def test_serve_without_the_editor_extra_says_how_to_install(tmp_path):
    blocker = tmp_path / "starlette.py"
    blocker.write_text("raise ImportError('blocked for this test', name='starlette')\n")
    done = subprocess.run([sys.executable, "-c",
                           "import sys; sys.path.insert(0, sys.argv[1]); sys.argv = ['clinrules', 'serve'];"
                           "from clinrules.cli.main import main; main()", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "pip install 'clinrules[editor]'" in done.stderr and "Traceback" not in done.stderr

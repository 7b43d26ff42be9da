"""The workbench's boundaries, over real HTTP to a real `clinrules serve`:
it listens on 127.0.0.1, serves only its own folder, takes commands only
as JSON from its own origin, and answers bad requests plainly."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette")


def request(url: str, body=None, headers=None, method=None) -> tuple[int, dict | str]:
    data = None
    all_headers = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode()


def test_binds_to_loopback_by_default(workbench):
    assert workbench.url.startswith("http://127.0.0.1:")


def test_files_outside_the_folder_are_refused(workbench, tmp_path):
    secret = tmp_path / "secret.rules"
    secret.write_text('ruleset "secret"\n')
    (workbench.folder / "link.rules").symlink_to(secret)
    for path in ("../secret.rules", str(secret), "rulesets/../../secret.rules", "link.rules", "~/x.rules"):
        status, answer = request(workbench.url + "api/file?path=" + urllib.request.quote(path))
        assert status == 403, path
        assert "outside the workbench folder" in answer["error"]
        status, answer = request(workbench.url + "api/save", {"path": path, "text": "x"})
        assert status == 403, path
    assert secret.read_text() == 'ruleset "secret"\n'
    # only .rules files are read or written
    status, answer = request(workbench.url + "api/file?path=fixtures/cervicogenic-upper-back-pain.yaml")
    assert status == 400 and "is not a .rules file" in answer["error"]
    status, answer = request(workbench.url + "api/file?path=missing.rules")
    assert status == 404 and "does not exist" in answer["error"]
    # what it lists is what is inside
    status, answer = request(workbench.url + "api/files")
    assert answer["rulesets"] == ["rulesets/cervicogenic-upper-back-pain.rules"]


def test_commands_only_as_json_from_its_own_page(workbench):
    body = {"path": "rulesets/cervicogenic-upper-back-pain.rules", "text": "x"}
    status, answer = request(workbench.url + "api/check", json.dumps(body).encode(),
                             headers={"Content-Type": "text/plain"})
    assert status == 415
    status, answer = request(workbench.url + "api/save", body, headers={"Origin": "http://evil.example"})
    assert status == 403 and "refused" in answer["error"]
    status, answer = request(workbench.url + "api/check", b"{not json")
    assert status == 400 and answer["error"] == "the request is not JSON"
    status, answer = request(workbench.url + "api/check", {"path": body["path"]})
    assert status == 400 and "give the rules text" in answer["error"]
    # a request addressed to another host name (DNS rebinding) is refused
    status, answer = request(workbench.url + "api/files", headers={"Host": "evil.example"})
    assert status == 400


def test_check_schema_evaluate_answer_like_the_cli(workbench):
    path = "rulesets/cervicogenic-upper-back-pain.rules"
    text = (workbench.folder / path).read_text()
    status, answer = request(workbench.url + "api/check", {"path": path, "text": text.replace("THEN no imaging", "THEN no imagin")})
    assert status == 200 and answer["compiled"] is False
    (problem,) = answer["problems"]
    assert "did you mean `no imaging`" in problem["message"]
    status, answer = request(workbench.url + "api/schema", {"path": path, "text": text})
    assert "duration" in answer["schema"]["properties"]
    # bad facts are reported, not guessed
    status, answer = request(workbench.url + "api/evaluate", {"path": path, "text": text, "facts": {"duration": "7 parsecs"}})
    assert status == 200 and answer["result"] is None and answer["problems"]
    status, answer = request(workbench.url + "api/evaluate", {"path": path, "text": text, "facts": {"upper back pain": True, "cervicogenic dizziness": True, "fever": False}})
    assert answer["result"]["decisions"]["imaging"]["status"] == "undecided"
    assert "duration" in answer["result"]["needs"]


def test_the_page_and_its_vendored_editor_are_served(workbench):
    with urllib.request.urlopen(workbench.url, timeout=60) as response:
        page = response.read().decode()
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script src="/static/codemirror.js"></script>' in page
    with urllib.request.urlopen(workbench.url + "static/CODEMIRROR-LICENSE", timeout=60) as response:
        assert b"MIT License" in response.read()
    status, _ = request(workbench.url + "static/../app.py")
    assert status == 404


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_workbench_started_in_an_empty_folder_lists_nothing(tmp_path):
    from tests.workbench.conftest import Workbench

    bench = Workbench(tmp_path)
    try:
        status, answer = request(bench.url + "api/files")
        assert status == 200 and answer["rulesets"] == []
    finally:
        bench.stop()

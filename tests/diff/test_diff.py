"""The semantic diff against brute force, and `clinrules diff` end to end.

Random pairs of small rulesets (the second often a small edit of the first,
so equivalent pairs occur); every patient over the representatives of the
joint regions, each input also missing, is evaluated by both runtimes.
"""

import itertools
import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.cli.main import cli
from clinrules.compiler import compile_source
from clinrules.diff.compare import diff_documents
from clinrules.exact import decimal_text
from clinrules.runtime import load
from clinrules.space.regions import PRESENCE

HEADER = """\
input a: yes/no
input b: yes/no
input n: number from 0 to 10
input side: one of [left, right, both]
"""
LEAVES = ["a", "b", "NOT a", "n > 3", "n <= 3", "n >= 5", "n < 7", "n = 5", "n between 2 and 6",
          "side is left", "side is not right", "b is missing", "n is known"]


def conditions(depth=1):
    leaf = st.sampled_from(LEAVES)
    if depth == 0:
        return leaf
    sub = conditions(depth - 1)
    return st.one_of(leaf, st.tuples(sub, sub).map(lambda t: f"({t[0]} AND {t[1]})"),
                     st.tuples(sub, sub).map(lambda t: f"({t[0]} OR {t[1]})"))


@st.composite
def rule_lines(draw):
    kind = draw(st.sampled_from(["one of [x, y]", "one of [x, y] with priority", "any of [x, y]"]))
    rules = [(draw(conditions()), draw(st.sampled_from(["x", "y"]))) for _ in range(draw(st.integers(1, 3)))]
    fallback = draw(st.sampled_from([None, "x", "y"]))
    return kind, rules, fallback


def source(kind, rules, fallback, names=("r0", "r1", "r2")):
    lines = ['ruleset "t"', HEADER, f"decision d: {kind}"]
    lines += [f"rule {names[i]}: IF {c} THEN {o}" for i, (c, o) in enumerate(rules)]
    if fallback:
        lines.append(f"rule other: OTHERWISE {fallback}")
    return "\n".join(lines) + "\n"


@st.composite
def pairs(draw):
    kind, rules, fallback = draw(rule_lines())
    old = source(kind, rules, fallback)
    edit = draw(st.sampled_from(["rename", "reorder", "condition", "fallback", "other"]))
    if edit == "rename":
        new = source(kind, rules, fallback, names=("s0", "s1", "s2"))
    elif edit == "reorder":
        new = source(kind, list(reversed(rules)), fallback)
    elif edit == "condition":
        i = draw(st.integers(0, len(rules) - 1))
        rules = list(rules)
        rules[i] = (draw(conditions()), rules[i][1])
        new = source(kind, rules, fallback)
    elif edit == "fallback":
        new = source(kind, rules, draw(st.sampled_from([None, "x", "y"])))
    else:
        new = source(*draw(rule_lines()))
    return old, new


def patients(dims):
    choices = []
    for dim in dims:
        if dim.type == PRESENCE:
            continue
        if dim.type == "yes/no":
            values = [True, False]
        elif dim.type == "one of":
            values = ["left", "right", "both"]
        else:
            values = [decimal_text(r.sample()) for r in dim.values]
        choices.append([(dim.name, v) for v in values] + [(dim.name, None)])
    for combo in itertools.product(*choices):
        yield dict(combo)


def seen(ruleset, facts):
    r = ruleset.evaluate(facts).decisions["d"]
    value = tuple(sorted(r.value)) if isinstance(r.value, list) else r.value
    return (r.status, value, tuple(r.needs))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(pairs())
def test_diff_matches_brute_force(pair):
    old_src, new_src = pair
    old_doc, new_doc = compile_source(old_src, "old.rules"), compile_source(new_src, "new.rules")
    diff = diff_documents(old_doc, new_doc)
    old_rs, new_rs = load(old_doc), load(new_doc)
    differing = [p for p in patients(diff.joint.dims) if seen(old_rs, p) != seen(new_rs, p)]
    if diff.equivalent:
        assert differing == [], (old_src, new_src, differing[:3])
    complete = [p for p in differing if None not in p.values()]
    changed = [r for r in diff.regions if r.kind == "changed"]
    if complete:
        assert changed, (old_src, new_src, complete[:3])
    for region in diff.regions:
        a, b = seen(old_rs, region.witness), seen(new_rs, region.witness_new)
        if region.kind == "completions":
            assert None in region.witness.values()
            continue
        assert a != b, (old_src, new_src, region)
        if region.kind == "status":
            assert (a[0] == "decided") != (b[0] == "decided")
            assert region.missing in (a[2] + b[2])


def test_renamed_rules_and_units_are_no_difference():
    old = compile_source('ruleset "t"\ninput n: number in weeks from 0 to 52\ndecision d: one of [x, y]\n'
                         'rule fast: IF n < 6 weeks THEN x\nrule slow: OTHERWISE y\n', "old.rules")
    new = compile_source('ruleset "t"\ninput n: number in days from 0 to 364\ndecision d: one of [y, x]\n'
                         'rule quick: IF n < 42 days THEN x\nrule late: OTHERWISE y\n', "new.rules")
    assert diff_documents(old, new).equivalent


def test_renamed_input_is_matched_by_declaration():
    old = compile_source('ruleset "t"\ninput fever: yes/no\ndecision d: one of [x, y]\n'
                         'rule r: IF fever THEN x\nrule s: OTHERWISE y\n', "old.rules")
    new = compile_source('ruleset "t"\ninput pyrexia: yes/no\ndecision d: one of [x, y]\n'
                         'rule r: IF pyrexia THEN x\nrule s: OTHERWISE y\n', "new.rules")
    diff = diff_documents(old, new)
    assert diff.equivalent and diff.renamed_inputs == (("fever", "pyrexia"),)


def test_new_input_read_makes_patients_undecided():
    old = compile_source('ruleset "t"\ninput a: yes/no\ninput b: yes/no\ndecision d: one of [x, y]\n'
                         'rule r: IF a THEN x\nrule s: IF NOT a THEN y\n', "old.rules")
    new = compile_source('ruleset "t"\ninput a: yes/no\ninput b: yes/no\ndecision d: one of [x, y]\n'
                         'rule r: IF a AND b THEN x\nrule s: IF NOT a OR NOT b THEN y\n', "new.rules")
    diff = diff_documents(old, new)
    status = [r for r in diff.regions if r.kind == "status"]
    assert sorted((r.when, r.old, r.new) for r in status) == [
        ("a is missing, no b", "undecided (needs a)", "y"),  # b alone now settles it
        ("b is missing, a", "x", "undecided (needs b)"),  # the new version needs b
    ]
    changed = [(r.when, r.old, r.new) for r in diff.regions if r.kind == "changed"]
    assert changed == [("a, no b", "x", "y")]


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_cli_formats_and_exit_codes(tmp_path):
    old = _write(tmp_path, "old.rules", 'ruleset "t"\ninput n: number from 0 to 20\ndecision d: one of [x, y]\n'
                 'rule r: IF n < 6 THEN x\nrule s: IF n >= 6 THEN y\n')
    new = _write(tmp_path, "new.rules", 'ruleset "t"\ninput n: number from 0 to 20\ndecision d: one of [x, y]\n'
                 'rule r: IF n < 8 THEN x\nrule s: IF n >= 8 THEN y\n')
    runner = CliRunner()
    same = runner.invoke(cli, ["diff", old, old])
    assert same.exit_code == 0 and "equivalent" in same.output
    text = runner.invoke(cli, ["diff", old, new])
    assert text.exit_code == 1
    assert "d: changed: n at least 6 and less than 8: y -> x" in text.output
    got = json.loads(runner.invoke(cli, ["diff", old, new, "--format", "json"]).output)
    assert got["equivalent"] is False and got["regions"][0]["witness"] == {"n": 7}
    sarif = json.loads(runner.invoke(cli, ["diff", old, new, "--format", "sarif"]).output)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "decision-changed"
    bad = _write(tmp_path, "bad.rules", 'ruleset "t"\ninput n: yes/no\ndecision d: one of [x, y]\nrule r: IF n THEN x\n')
    broken = runner.invoke(cli, ["diff", old, bad])
    assert broken.exit_code == 2 and "yes/no here but number" in broken.output
    missing = runner.invoke(cli, ["diff", old, str(tmp_path / "nope.rules")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output

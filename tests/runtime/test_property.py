"""The fast path, the explain path and a brute-force reference agree.

Random rulesets (real `.rules` text, compiled by the compiler) over every
condition form, every decision policy, OTHERWISE and scopes; random patients
with unknowns. The reference (runtime_reference.py) enumerates every subset
of unknown rules and every way unknown score items could turn out.
"""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.compiler import compile_source
from clinrules.runtime import load

HEADER = """\
input a: yes/no
input b: yes/no
input n: number from 0 to 10
input q: number in days from 0 to 100
input side: one of [left, right, both]
define sc: score of [a: 2, n > 3: 1, b: 1, q >= 1 week: 3, side is left: -1]
"""

LEAVES = [
    "a", "b", "NOT a", "no b",
    "n > 3", "n <= 3", "n = 5", "n != 5", "n between 2 and 6", "n is at least 7", "n < 2.5",
    "q < 10 days", "q >= 1 week", "q = 14 days", "q between 1 and 2 weeks", "q > 1.5 weeks",
    "side is left", "side is not right", "side is one of [left, both]",
    "a is missing", "q is known", "side is missing",
    "da",
    "sc >= 3", "sc = 2", "sc != 4", "sc between 1 and 3", "sc < 0", "sc > 5",
]


def conditions(depth: int = 2):
    leaf = st.sampled_from(LEAVES)
    if depth == 0:
        return leaf
    sub = conditions(depth - 1)
    return st.one_of(
        leaf,
        leaf,
        st.tuples(sub, sub).map(lambda t: f"({t[0]} AND {t[1]})"),
        st.tuples(sub, sub).map(lambda t: f"({t[0]} OR {t[1]})"),
        sub.map(lambda c: f"NOT ({c})"),
        st.lists(sub, min_size=2, max_size=3).map(lambda cs: "any of [" + ", ".join(cs) + "]"),
        st.lists(sub, min_size=1, max_size=3).map(lambda cs: "none of [" + ", ".join(cs) + "]"),
        st.tuples(st.integers(1, 3), st.lists(sub, min_size=3, max_size=3)).map(
            lambda t: f"at least {t[0]} of [" + ", ".join(t[1]) + "]"
        ),
    )


def _da_condition():
    # `da` may use the score but not itself
    return conditions(1).filter(lambda c: "da" not in c.replace("and", ""))


@st.composite
def rulesets(draw):
    scope = draw(st.one_of(st.none(), st.sampled_from(["a", "NOT b", "q is known", "(a OR n > 3)", "sc >= 1"])))
    kind = draw(st.sampled_from(["one of", "one of with priority", "one of first match", "any of"]))
    da = draw(_da_condition().filter(lambda c: not any(w == "da" for w in c.replace("(", " ").replace(")", " ").replace(",", " ").replace("[", " ").replace("]", " ").split())))
    n_rules = draw(st.integers(1, 5))
    lines = ['ruleset "random"' + (f" applies when {scope}" if scope else ""), HEADER + f"define da: {da}"]
    opts = ["x", "y", "z"]
    if kind == "any of":
        lines.append("decision d: any of [x, y, z]")
    else:
        policy = kind[len("one of"):]
        lines.append(f"decision d: one of [x, y, z]{policy}")
    for i in range(n_rules):
        cond = draw(conditions())
        chosen = draw(st.lists(st.sampled_from(opts), min_size=1, max_size=2 if kind == "any of" else 1, unique=True))
        lines.append(f"rule r{i}: IF {cond} THEN {', '.join(chosen)}")
    if draw(st.booleans()):
        lines.append(f"rule fallback: OTHERWISE {draw(st.sampled_from(opts))}")
    return "\n".join(lines) + "\n"


patients = st.fixed_dictionaries(
    {
        "a": st.sampled_from([True, False, None]),
        "b": st.sampled_from([True, False, None]),
        "n": st.sampled_from([None, 0, 2, 2.5, 3, "3.5", 5, 6, 7, 10]),
        "q": st.sampled_from([None, "0 days", "7 days", "1 wk", 10, "14 days", "2 weeks", "10.5 days", "3 weeks"]),
        "side": st.sampled_from([None, "left", "right", "both"]),
    }
)


def _fast_view(result) -> dict:
    """What both paths report; the explanations are explain's own."""
    out = result.to_json()
    out.pop("trace", None)
    for decision in out["decisions"].values():
        decision.pop("possible", None)
        decision.pop("regardless", None)
        decision.pop("scores", None)
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rulesets(), st.lists(patients, min_size=1, max_size=4))
def test_fast_explain_and_reference_agree(reference, text, people):
    doc = compile_source(text, "random.rules")
    rs = load(doc)
    inside = load(doc)
    inside.completions.cell_limit = 0  # partition each patient's box, not the whole space
    for facts in people:
        fast = rs.evaluate(facts)
        slow = rs.evaluate(facts, explain=True)
        assert _fast_view(fast) == _fast_view(slow), text
        assert inside.evaluate(facts).to_json() == fast.to_json(), text
        explained = inside.evaluate(facts, explain=True)
        for name, d in explained.decisions.items():
            other = slow.decisions[name]
            assert d.regardless == other.regardless, text
            assert d.scores == other.scores, text
            # the same results possible (phrased from different partitions)
            assert [(p.status, p.value) for p in d.possible] == [(p.status, p.value) for p in other.possible], text
        oracle = reference(doc, fast.facts)
        ref = oracle.evaluate()
        assert fast.applicable is oracle.applicable(), text
        assert _fast_view(fast)["decisions"] == ref["decisions"], (text, facts)
        for d in slow.decisions.values():
            for score in d.scores:  # every value over the completions, exactly
                seen = set()
                for completion in oracle.completions():
                    seen |= oracle.two_valued(completion).score_values("sc")
                assert [Fraction(v) for v in score.values] == sorted(seen), text
        # every node, recorded without short-circuit, as the reference sees it
        assert slow.condition_values == {k: ref["values"][k] for k in sorted(ref["values"])}, text
        assert slow.rule_values == ref["rule_values"]


def test_reference_is_exercised_on_a_known_case(reference):
    """Guard for the generator: the reference itself gives the contract's answers."""
    text = HEADER + "define da: a\ndecision d: one of [x, y]\nrule r1: IF sc >= 3 THEN x\nrule r2: IF n > 3 THEN y\n"
    doc = compile_source('ruleset "t"\n' + text, "t.rules")
    facts = load(doc).evaluate({"a": True, "b": None, "n": 2, "q": None, "side": "right"}).facts
    ref = reference(doc, facts).evaluate()
    # sc = 2 (a) + {0, 1} (b) + {0, 3} (q): 3 is reachable and 2 is too: unknown
    assert ref["rule_values"] == {"r1": "unknown", "r2": "no"}
    assert ref["decisions"]["d"] == {"status": "undecided", "value": None, "fired": [], "needs": ["b", "q"]}
    assert facts["n"] == Fraction(2)

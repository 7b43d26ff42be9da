"""The one-pass depth of a condition without definitions is the memoized walk's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clinrules.limits import MAX_NESTING, _plain_depth, _Walker, too_deep

leaves = st.sampled_from([
    {"op": "input", "input": "a"},
    {"op": "compare", "input": "x", "cmp": ">", "value": "1"},
    {"op": "ref", "definition": "d"},
    {"op": "compare", "score": "s", "cmp": ">", "value": "1"},
    {"op": "const", "value": True},
])


def _node(children):
    return st.one_of(
        st.builds(lambda a: {"op": "not", "form": "not", "arg": a}, children),
        st.builds(lambda a: {"op": "not", "form": "none of", "arg": a}, children),
        st.builds(lambda args: {"op": "and", "args": args}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda args: {"op": "or", "args": args}, st.lists(children, min_size=1, max_size=3)),
    )


conditions = st.recursive(leaves, _node, max_leaves=30)
DEFINITIONS = {"d": {"kind": "condition", "condition": {"op": "input", "input": "a"}},
               "s": {"kind": "score", "items": [{"condition": {"op": "input", "input": "b"}, "points": "1"}]}}


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_plain_depth_agrees_with_the_walk(condition):
    plain = _plain_depth(condition)
    walked = _Walker(DEFINITIONS).node(condition)
    if plain is not None:
        assert plain == walked
    else:
        assert "definition" in str(condition) or "score" in str(condition)


def test_a_deep_plain_rule_is_still_too_deep():
    node = {"op": "input", "input": "a"}
    for _ in range(MAX_NESTING + 5):
        node = {"op": "not", "form": "not", "arg": node}
    (problem,) = too_deep(None, {}, [("deep", node)])
    assert problem.depth == MAX_NESTING + 6 and problem.pointer == "rules/0/condition"


def test_shared_subtrees_fall_back_to_the_memoized_walk():
    node = {"op": "input", "input": "a"}
    for _ in range(40):  # 2**40 paths, 41 distinct nodes
        node = {"op": "and", "args": [node, node]}
    assert _plain_depth(node) is None
    assert too_deep(None, {}, [("shared", node)]) == []

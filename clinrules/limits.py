"""How deep a condition may nest, checked alike by the compiler and the runtime.

The compiler, the linter and the runtime walk condition trees recursively. A
tree nested thousands of levels deep (`NOT NOT NOT ...`, parentheses inside
parentheses, a chain of definitions each using the next) would exhaust
Python's stack and end in a traceback. No clinical rule needs more than a
handful of levels, so a condition may nest at most `MAX_NESTING` levels,
counting the levels of the definitions and scores it uses. The parser holds
each written condition to it, the compiler holds conditions through their
definitions to it, and the runtime refuses a hand-made compiled file that
goes deeper: whatever loads can be linted and evaluated.

Like `clinrules.errors`, this module imports nothing from the package, so
the runtime can use it without pulling in the parser.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NESTING = 100


@dataclass(frozen=True)
class TooDeep:
    """One statement whose condition nests deeper than `MAX_NESTING`.

    `pointer` is the JSON pointer of its condition in the compiled document
    (`rules/3/condition`), `owner` says whose condition it is in an editor's
    words (`rule \\`early care\\``), `at` is the node's source position.
    `cycle` is set instead when a definition leads back to itself (only a
    hand-made compiled file can hold one: the compiler rejects cycles).
    """

    pointer: str
    owner: str
    depth: int
    at: dict | None
    cycle: bool = False

    def message(self) -> str:
        if self.cycle:
            return f"{self.owner} never comes to a value: its definitions go round in a circle"
        return (f"the condition of {self.owner} is nested {self.depth} levels deep, counting the "
                f"definitions it uses; conditions may nest at most {MAX_NESTING} levels")


HINT = "split the condition into named definitions with `define`, each a few levels deep"


def too_deep(scope, definitions: dict, rules: list, bounds: dict | None = None) -> list[TooDeep]:
    """Every statement whose condition nests deeper than MAX_NESTING.

    `scope` is the scope condition (or None); `definitions` maps definition
    key -> (display name, compiled body: `{"kind": "condition", "condition":
    ...}` or `{"kind": "score", "items": [...]}`); `rules` lists (display
    name, condition or None for OTHERWISE) in rule order. Only the
    statements where the limit is first crossed are reported: a statement
    that is too deep only because a definition it uses is too deep is left
    to that definition. The walk is iterative, so it cannot itself run out
    of stack.

    `bounds` (rule index -> (levels, definition keys)) lets a caller that
    knows it say that a rule's condition nests at most `levels` levels plus
    those of the deepest of these definitions: a rule that stays within
    the limit so is not walked.
    """
    walker = _Walker({key: body for key, (_, body) in definitions.items()})
    found: list[TooDeep] = []
    statements: list[tuple[str, str, object, str | None]] = []
    if scope is not None:
        statements.append(("scope", "the scope (`applies when`)", scope, None))
    for index, (key, (display, body)) in enumerate(definitions.items()):
        kind = "score" if isinstance(body, dict) and body.get("kind") == "score" else "definition"
        statements.append((f"definitions/{index}", f"{kind} `{display}`", body, key))
    bounds = bounds or {}
    for index, (display, condition) in enumerate(rules):
        if condition is not None and not _within(walker, bounds.get(index)):
            statements.append((f"rules/{index}/condition", f"rule `{display}`", condition, None))
    for pointer, owner, root, key in statements:
        depth = _plain_depth(root) if key is None else None
        if depth is None:
            depth = walker.definition(key) if key is not None else walker.node(root)
        if depth is None:
            if key is not None:
                found.append(TooDeep(pointer, owner, 0, _at(root), cycle=True))
            continue  # a rule or the scope: the circle is reported at its definitions
        if depth > MAX_NESTING and not walker.inherits_too_deep(root):
            found.append(TooDeep(pointer, owner, depth, _at(root)))
    return found


def _within(walker: "_Walker", bound: tuple[int, tuple[str, ...]] | None) -> bool:
    """Whether a rule with this bound (see `too_deep`) is surely within the limit."""
    if bound is None:
        return False
    levels, keys = bound
    depths = [walker.definition(key) for key in keys]
    return None not in depths and levels + max(depths, default=0) <= MAX_NESTING


def _plain_depth(root) -> int | None:
    """The depth of a condition that uses no definition or score, in one pass
    without memos (most rules); None when it uses one, or is not a node, so
    that the full walk below decides (also past a budget of nodes, as a
    document built in Python may share one subtree many times). Same counting
    as `_Walker`."""
    if not isinstance(root, dict):
        return None
    best = 0
    stack = [(root, 0)]
    budget = 100_000  # a hand-made document may share subtrees: then the memoized walk
    while stack:
        budget -= 1
        if budget < 0:
            return None
        node, above = stack.pop()
        op = node.get("op")
        if op == "ref" and isinstance(node.get("definition"), str):
            return None
        if op in ("compare", "between") and isinstance(node.get("score"), str):
            return None
        here = above + (0 if op == "not" and node.get("form") == "none of" else 1)
        if here > best:
            best = here
        arg = node.get("arg")
        if isinstance(arg, dict):
            stack.append((arg, here))
        for child in node.get("args") or ():
            if isinstance(child, dict):
                stack.append((child, here))
    return best


def _at(root) -> dict | None:
    if isinstance(root, dict):
        if isinstance(root.get("at"), dict):
            return root["at"]
        if root.get("kind") == "condition":
            return _at(root.get("condition"))
        items = root.get("items")
        if isinstance(items, list) and items and isinstance(items[0], dict):
            return _at(items[0].get("condition"))
    return None


class _Walker:
    """Depths of condition nodes and definitions, memoized, without recursion.

    A node counts one level, its deepest child included; a reference to a
    definition or a score counts as deep as that definition. The `or` inside
    a `none of` is not counted again (it is one level as written). A
    definition that leads back to itself has no depth (None).
    """

    def __init__(self, definitions: dict) -> None:
        self.definitions = definitions
        self.defs: dict[str, int | None] = {}
        self.nodes: dict[int, int | None] = {}

    def definition(self, key: str) -> int | None:
        self._run(("def", key))
        return self.defs.get(key)

    def node(self, node) -> int | None:
        self._run(("node", node))
        return self.nodes.get(id(node))

    def inherits_too_deep(self, root) -> bool:
        """Whether a definition this statement uses is itself too deep."""
        return any((self.defs.get(k) or 0) > MAX_NESTING for k in self._uses(root))

    def _uses(self, root) -> list[str]:
        keys, stack = [], [root]
        while stack:
            item = stack.pop()
            if not isinstance(item, dict):
                continue
            if "kind" in item and "op" not in item:  # a definition body
                stack.extend(self._body_children(item))
                continue
            for kind, child in self._children(item):
                if kind == "def":
                    keys.append(child)
                else:
                    stack.append(child)
        return keys

    def _body_children(self, body: dict) -> list:
        if body.get("kind") == "score":
            return [i.get("condition") for i in body.get("items") or () if isinstance(i, dict)]
        return [body.get("condition")]

    def _children(self, node: dict) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        op = node.get("op")
        if op == "ref" and isinstance(node.get("definition"), str):
            out.append(("def", node["definition"]))
        if op in ("compare", "between") and isinstance(node.get("score"), str):
            out.append(("def", node["score"]))
        if isinstance(node.get("arg"), dict):
            out.append(("node", node["arg"]))
        for arg in node.get("args") or ():
            if isinstance(arg, dict):
                out.append(("node", arg))
        return out

    def _own_level(self, node: dict) -> int:
        return 0 if node.get("op") == "not" and node.get("form") == "none of" else 1

    def _run(self, start: tuple) -> None:
        stack = [(start, False)]
        open_defs: set[str] = set()
        while stack:
            (kind, item), done = stack.pop()
            if kind == "def":
                if item in self.defs and item not in open_defs:
                    continue
                body = self.definitions.get(item)
                if not isinstance(body, dict):
                    self.defs[item] = 0  # undeclared: the schema or the compiler names it
                    continue
                children = [c for c in self._body_children(body) if isinstance(c, dict)]
                if done:
                    open_defs.discard(item)
                    depths = [self.nodes.get(id(c)) for c in children]
                    self.defs[item] = None if None in depths else max(depths, default=0)
                    continue
                if item in open_defs:
                    continue  # a cycle: the open definition ends up with no depth
                open_defs.add(item)
                self.defs[item] = None  # stays None if the walk comes back to it
                stack.append(((kind, item), True))
                stack.extend((("node", c), False) for c in children)
                continue
            if not isinstance(item, dict):
                continue
            if id(item) in self.nodes:
                continue
            children = self._children(item)
            if done:
                depths = [self.defs.get(c) if k == "def" else self.nodes.get(id(c)) for k, c in children]
                self.nodes[id(item)] = None if None in depths else self._own_level(item) + max(depths, default=0)
                continue
            stack.append((("node", item), True))
            stack.extend(((k, c), False) for k, c in children)

"""The evaluation plan: the compiled document turned into Python code, once.

Loading a ruleset generates and compiles:

- `front(V)`: from the validated fact vector, every slot state (per numeric
  input one bisect, or one tuple index when its thresholds span few integer
  keys), every definition (in dependency order), the scope, and
  two bitsets over the rules: `no` (rules refuted by one of their top-level
  conjuncts) and `ny` (rules with a conjunct that is not yes); `ny` is `no`
  itself (the same object) when no slot's state leaves a conjunct unknown,
  which tells the caller, without more work, that no plain rule is unknown.
- a function per rule whose condition is not a plain conjunction of leaves;
  the rules that are (decision tables are) need no code at all: a rule is yes
  when outside `ny`, no when inside `no`, unknown otherwise.
- on demand, a *recording* function per scope, definition and rule that
  computes and stores the value of every node (used by explain, `needs` and
  coverage). It is generated from the same nodes and the same tables as the
  fast code, so the two cannot drift apart; tests check they agree.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from fractions import Fraction
from functools import lru_cache

from clinrules.runtime.conditions import (
    CMP,
    CMP_CODES,
    CMP_FUNCS,
    NO,
    NOT3,
    UNKNOWN,
    YES,
    Node,
    Regions,
    scale_of,
)
from clinrules.runtime.model import InputSpec, RuleSpec, bad_doc

_LEAF_OPS = ("input", "in", "known")
# A numeric input's states are listed per integer key (see Regions) when its bounds span fewer keys.
_LOOKUP_LIMIT = 1 << 14


def _fraction_fields() -> bool:
    """Whether this Python's Fraction keeps its terms in `_numerator` and `_denominator`."""
    try:
        value = Fraction(-6, 4)
        return (value._numerator, value._denominator) == value.as_integer_ratio() == (-3, 2)
    except AttributeError:  # another Python's Fraction: its method, as it is
        return False


_FRACTION_FIELDS = _fraction_fields()


def _at_least(k: int, values: tuple) -> int:
    yes = 0
    possible = 0
    for v in values:
        if v == YES:
            yes += 1
        if v & 1:
            possible += 1
    if yes >= k:
        return YES
    if possible < k:
        return NO
    return UNKNOWN


@lru_cache(maxsize=65536)
def _exact(written: str) -> Fraction:
    """A threshold as written in the document, exactly (a large table writes
    the same ones again and again; Fractions are immutable, so shared)."""
    return Fraction(written)


@lru_cache(maxsize=4096)
def _subset_sums(points: tuple) -> tuple:
    sums = {0}
    for p in points:
        sums |= {s + p for s in sums}
    return tuple(sorted(sums))


def _score(values: tuple, points: tuple):
    """A score's possible values: an int when every item is known, else
    (sum of the yes items, every achievable sum of the unknown items)."""
    base = 0
    unknown = []
    for v, p in zip(values, points):
        if v == YES:
            base += p
        elif v == UNKNOWN:
            unknown.append(p)
    if not unknown:
        return base
    return (base, _subset_sums(tuple(unknown)))


def _score_cmp(score, code: int, t: int) -> int:
    test = CMP_FUNCS[code]
    if score.__class__ is int:
        return YES if test(score, t) else NO
    base, sums = score
    hits = sum(1 for s in sums if test(base + s, t))
    return YES if hits == len(sums) else NO if hits == 0 else UNKNOWN


def _score_between(score, low: int, high: int) -> int:
    if score.__class__ is int:
        return YES if low <= score <= high else NO
    base, sums = score
    hits = sum(1 for s in sums if low <= base + s <= high)
    return YES if hits == len(sums) else NO if hits == 0 else UNKNOWN


class DefPlan:
    """A definition: a condition (`root`) or a score (`items`, scaled points)."""

    def __init__(self, index: int, raw: dict, slot: int) -> None:
        self.index = index
        self.name = raw["name"]
        self.key = raw["key"]
        self.kind = raw["kind"]
        self.slot = slot
        self.raw = raw
        self.root: Node | None = None
        self.items: list[Node] = []
        self.points: tuple[int, ...] = ()
        self.scale = 1
        self.deps: set[int] = set()

    def nodes(self):
        if self.root is not None:
            yield from self.root.walk()
        for item in self.items:
            yield from item.walk()


class Plan:
    def __init__(self, doc: dict, inputs: list[InputSpec], rules: list[RuleSpec], source: str | None) -> None:
        self.source = source
        self.inputs = inputs
        self.rules = rules
        self.n_inputs = len(inputs)
        self.input_by_key = {s.key: s for s in inputs}
        self.defs = [DefPlan(j, raw, len(inputs) + j) for j, raw in enumerate(doc.get("definitions") or ())]
        self.def_by_key = {d.key: d for d in self.defs}
        self.ns: dict = {
            "_N": NOT3,
            "_br": bisect_right,
            "_al": _at_least,
            "_sc": _score_cmp,
            "_sb": _score_between,
            "_score": _score,
            "_F": Fraction,
        }
        self._collect_thresholds(doc)
        for d in self.defs:
            if d.kind == "score":
                d.items = [self._node(item["condition"], d) for item in d.raw["items"]]
                d.points = tuple(int(Fraction(item["points"]) * d.scale) for item in d.raw["items"])
            else:
                d.root = self._node(d.raw["condition"], d)
        self.def_order = self._topological_order()
        self.scope = self._node(doc["scope"], None) if doc.get("scope") else None
        self.rule_roots: list[Node | None] = [
            None if r.otherwise else self._node(r.condition, None) for r in rules
        ]
        self._reads_memo: dict[int, frozenset] = {}
        for node in self.all_nodes():
            self._reads(node)
        self._index_rules()
        self._generate()
        self._record_cache: dict = {}

    # --- reading nodes --------------------------------------------------------

    def _input(self, key: str, types: tuple[str, ...], raw: dict) -> InputSpec:
        spec = self.input_by_key.get(key)
        if spec is None:
            raise bad_doc(f"condition `{raw.get('text', '?')}` reads `{key}`, which is not a declared input", self.source)
        if spec.type not in types:
            raise bad_doc(
                f"condition `{raw.get('text', '?')}` treats `{spec.name}` ({spec.type}) as {' or '.join(types)}",
                self.source,
            )
        return spec

    def _def(self, key: str, kind: str, raw: dict) -> DefPlan:
        d = self.def_by_key.get(key)
        if d is None or d.kind != kind:
            raise bad_doc(
                f"condition `{raw.get('text', '?')}` refers to `{key}`, which is not a {kind} definition",
                self.source,
            )
        return d

    def _collect_thresholds(self, doc: dict) -> None:
        numeric: dict[int, set[Fraction]] = {}
        scored: dict[str, list] = {}

        def visit(raw: dict | None) -> None:
            if not raw:
                return
            op = raw.get("op")
            if op in ("compare", "between"):
                values = [raw["value"]] if op == "compare" else [raw["low"], raw["high"]]
                try:
                    exact = [_exact(str(v)) for v in values]
                except (ValueError, ZeroDivisionError):
                    raise bad_doc(f"condition `{raw.get('text')}` has a value that is not an exact number", self.source) from None
                if "input" in raw:
                    spec = self._input(raw["input"], ("number", "quantity"), raw)
                    numeric.setdefault(spec.index, set()).update(exact)
                else:
                    scored.setdefault(raw.get("score"), []).extend(exact)
            for child in [raw.get("arg")] + list(raw.get("args") or ()):
                visit(child)

        visit(doc.get("scope"))
        for d in doc.get("definitions") or ():
            visit(d.get("condition"))
            for item in d.get("items") or ():
                visit(item["condition"])
        for r in doc["rules"]:
            visit(r.get("condition"))
        self.regions = {i: Regions(numeric.get(i, set())) for i, s in enumerate(self.inputs) if s.type in ("number", "quantity")}
        for d in self.defs:
            if d.kind == "score":
                d.scale = scale_of([item["points"] for item in d.raw["items"]] + scored.get(d.key, []))

    def _node(self, raw: dict, owner: DefPlan | None) -> Node:
        op = raw["op"]
        node = Node(id=raw["id"], op=op, text=raw.get("text", op))
        if op == "input":
            spec = self._input(raw["input"], ("yes/no",), raw)
            node.slot = node.input = spec.index
            node.table = (NO, YES, UNKNOWN)
        elif op == "ref":
            d = self._def(raw["definition"], "condition", raw)
            node.slot, node.definition = d.slot, d.index
            node.table = (NO, UNKNOWN, UNKNOWN, YES)
            if owner is not None:
                owner.deps.add(d.index)
        elif op == "not":
            node.children = (self._node(raw["arg"], owner),)
        elif op in ("and", "or", "at least"):
            node.children = tuple(self._node(a, owner) for a in raw["args"])
            if op == "at least":
                node.k = int(raw["k"])
        elif op in ("compare", "between"):
            if op == "compare":
                value = _exact(str(raw["value"]))
                if raw["cmp"] not in CMP:
                    raise bad_doc(f"condition `{raw.get('text')}` has an unknown comparison `{raw['cmp']}`", self.source)
            else:
                low, high = _exact(str(raw["low"])), _exact(str(raw["high"]))
            if "input" in raw:
                spec = self._input(raw["input"], ("number", "quantity"), raw)
                node.slot = node.input = spec.index
                regions = self.regions[spec.index]
                if op == "compare":
                    node.table = regions.compare_table(raw["cmp"], value)
                else:
                    node.table = regions.between_table(low, high)
            else:
                d = self._def(raw.get("score"), "score", raw)
                node.definition = d.index
                node.slot = d.slot
                if owner is not None:
                    owner.deps.add(d.index)
                if op == "compare":
                    node.score_args = ("cmp", CMP_CODES[raw["cmp"]], int(value * d.scale))
                else:
                    node.score_args = ("between", int(low * d.scale), int(high * d.scale))
        elif op == "in":
            spec = self._input(raw["input"], ("one of",), raw)
            try:
                chosen = {spec.option_keys.index(o) for o in raw["options"]}
            except ValueError:
                raise bad_doc(f"condition `{raw.get('text')}` names an option `{spec.name}` does not have", self.source) from None
            negated = bool(raw.get("negated"))
            node.slot = node.input = spec.index
            node.table = tuple(YES if ((j in chosen) != negated) else NO for j in range(len(spec.options))) + (UNKNOWN,)
        elif op == "known":
            spec = self._input(raw["input"], ("yes/no", "number", "quantity", "one of"), raw)
            unknown_state = self.unknown_state(spec.index)
            want = bool(raw["known"])
            node.slot = node.input = spec.index
            node.table = tuple(
                (NO if want else YES) if s == unknown_state else (YES if want else NO) for s in range(unknown_state + 1)
            )
        else:
            raise bad_doc(f"unknown condition operator `{op}`", self.source)
        return node

    def unknown_state(self, i: int) -> int:
        spec = self.inputs[i]
        if spec.type == "yes/no":
            return 2
        if spec.type == "one of":
            return len(spec.options)
        return self.regions[i].unknown

    def _topological_order(self) -> list[DefPlan]:
        order: list[DefPlan] = []
        state: dict[int, int] = {}

        def visit(d: DefPlan, chain: list[str]) -> None:
            if state.get(d.index) == 2:
                return
            if state.get(d.index) == 1:
                raise bad_doc("definitions refer to each other in a cycle: " + " -> ".join(chain + [d.name]), self.source)
            state[d.index] = 1
            for dep in sorted(d.deps):
                visit(self.defs[dep], chain + [d.name])
            state[d.index] = 2
            order.append(d)

        for d in self.defs:
            visit(d, [])
        return order

    def all_nodes(self):
        if self.scope is not None:
            yield from self.scope.walk()
        for d in self.defs:
            yield from d.nodes()
        for root in self.rule_roots:
            if root is not None:
                yield from root.walk()

    def _reads(self, node: Node) -> frozenset:
        if node.id in self._reads_memo:
            return self._reads_memo[node.id]
        if node.input is not None:
            out = frozenset((node.input,))
        elif node.definition is not None:
            d = self.defs[node.definition]
            parts = [self._reads(d.root)] if d.root is not None else [self._reads(i) for i in d.items]
            out = frozenset().union(*parts)
        else:
            out = frozenset().union(*(self._reads(c) for c in node.children))
        node.reads = out
        self._reads_memo[node.id] = out
        return out

    # --- indexing -------------------------------------------------------------

    def _conjuncts(self, node: Node) -> list:
        """Top-level conjuncts as (slot, table) leaves, or None for the rest."""
        if node.op == "and" or (node.op == "or" and len(node.children) == 1):
            out = []
            for c in node.children:
                out += self._conjuncts(c)
            return out
        if node.table is not None:
            return [(node.slot, node.table)]
        if node.op == "not" and node.children[0].table is not None:
            leaf = node.children[0]
            negated = self._negated.get(id(leaf.table))
            if negated is None or negated[0] is not leaf.table:
                negated = self._negated[id(leaf.table)] = (leaf.table, tuple(NOT3[v] for v in leaf.table))
            return [(leaf.slot, negated[1])]
        return [None]

    def _index_rules(self) -> None:
        """Per slot and state, the rules a conjunct rules out (`no`) and
        those it does not settle as yes (`ny`), as bit sets.

        A conjunct's table is a few runs of one truth value over a slot's
        states (a threshold splits the number line in two or three), and a
        large table has thousands of states: marking the states of each run
        one by one cost seconds at load. Instead each rule's runs on a slot
        are merged, and the masks are one pass of XOR toggles per slot."""
        self._negated: dict[int, tuple] = {}  # a table -> (it, its negation): one tuple per distinct table
        spans: dict[int, tuple[int, dict[int, list], dict[int, list]]] = {}
        runs_of: dict[int, tuple] = {}
        self.all_rules = 0
        self.full = 0
        for rule, root in zip(self.rules, self.rule_roots):
            if root is None:
                continue
            bit = 1 << rule.index
            self.all_rules |= bit
            conjuncts = self._conjuncts(root)
            if all(c is not None for c in conjuncts):
                self.full |= bit
            for c in conjuncts:
                if c is None:
                    continue
                slot, table = c
                runs = runs_of.get(id(table))
                if runs is None or runs[0] is not table:
                    runs = runs_of[id(table)] = (table, _runs(table))
                size, no, ny = spans.setdefault(slot, (len(table), {}, {}))
                for value, start, end in runs[1]:
                    if value == NO:
                        no.setdefault(bit, []).append((start, end))
                    if value != YES:
                        ny.setdefault(bit, []).append((start, end))
        self.partial = self.all_rules & ~self.full
        self.masks = {slot: (_state_masks(size, no), _state_masks(size, ny))
                      for slot, (size, no, ny) in sorted(spans.items())}

    # --- code generation ------------------------------------------------------

    def _const(self, name: str, value) -> str:
        self.ns[name] = value
        return name

    def _fast(self, node: Node, slot_ref) -> str:
        if node.table is not None:
            return f"{self._const(f'T{node.id}', node.table)}[{slot_ref(node.slot)}]"
        if node.op == "not":
            child = node.children[0]
            if child.table is not None:
                table = tuple(NOT3[v] for v in child.table)
                return f"{self._const(f'TN{child.id}', table)}[{slot_ref(child.slot)}]"
            return f"_N[{self._fast(child, slot_ref)}]"
        if node.op in ("and", "or"):
            parts = [self._fast(c, slot_ref) for c in node.children]
            if len(parts) == 1:
                return parts[0]
            return "(" + (" & " if node.op == "and" else " | ").join(parts) + ")"
        if node.op == "at least":
            parts = [self._fast(c, slot_ref) for c in node.children]
            return f"_al({node.k}, ({', '.join(parts)},))"
        return self._score_expr(node, slot_ref(node.slot))

    @staticmethod
    def _score_expr(node: Node, score_ref: str) -> str:
        kind, a, b = node.score_args
        if kind == "cmp":
            return f"_sc({score_ref}, {a}, {b})"
        return f"_sb({score_ref}, {a}, {b})"

    def _record(self, node: Node, lines: list[str]) -> str:
        var = f"x{node.id}"
        if node.table is not None:
            expr = f"{self._const(f'T{node.id}', node.table)}[S[{node.slot}]]"
        elif node.op == "not":
            expr = f"_N[{self._record(node.children[0], lines)}]"
        elif node.op in ("and", "or"):
            parts = [self._record(c, lines) for c in node.children]
            expr = parts[0] if len(parts) == 1 else (" & " if node.op == "and" else " | ").join(parts)
        elif node.op == "at least":
            parts = [self._record(c, lines) for c in node.children]
            expr = f"_al({node.k}, ({', '.join(parts)},))"
        else:
            expr = self._score_expr(node, f"S[{node.slot}]")
        lines.append(f"    R[{node.id}] = {var} = {expr}")
        return var

    def _state_code(self, spec: InputSpec) -> list[str]:
        i = spec.index
        if spec.type == "yes/no":
            return [f"    v = V[{i}]", f"    s{i} = 2 if v is None else (1 if v else 0)"]
        if spec.type == "one of":
            return [f"    v = V[{i}]", f"    s{i} = {len(spec.options)} if v is None else v"]
        regions = self.regions[i]
        if not regions.points:
            return [f"    s{i} = 1 if V[{i}] is None else 0"]
        bounds = self._const(f"B{i}", regions.bounds)
        lines = [f"    v = V[{i}]", "    if v is None:", f"        s{i} = {regions.unknown}", "    else:"]
        if _FRACTION_FIELDS:  # a Fraction's fields read directly, not through a method call
            lines += ["        if v.__class__ is _F:", "            n = v._numerator", "            d = v._denominator",
                      "        else:", "            n, d = v.as_integer_ratio()"]
        else:
            lines.append("        n, d = v.as_integer_ratio()")
        if regions.scale == 1:
            lines.append("        k = 2 * n if d == 1 else 2 * (n // d) + 1")
        else:
            lines += [f"        q, r = divmod(n * {regions.scale}, d)", "        k = 2 * q + (1 if r else 0)"]
        low, high = regions.bounds[0], regions.bounds[-1]
        if high - low < _LOOKUP_LIMIT:
            # bisect_right(bounds, k) for every k between the first and last bound, listed once
            states = self._const(f"L{i}", tuple(bisect_right(regions.bounds, k) for k in range(low, high + 1)))
            lines += [f"        if {low} <= k <= {high}:", f"            s{i} = {states}[k - {low}]",
                      "        else:", f"            s{i} = 0 if k < {low} else {len(regions.bounds)}"]
        else:
            lines.append(f"        s{i} = _br({bounds}, k)")
        return lines

    def _generate(self) -> None:
        used = {n.input for n in self.all_nodes() if n.input is not None}
        lines = ["def front(V):"]
        for spec in self.inputs:
            if spec.index in used:
                lines += self._state_code(spec)
            else:
                lines.append(f"    s{spec.index} = 0")
        local = lambda slot: f"s{slot}"  # noqa: E731
        for d in self.def_order:
            if d.root is not None:
                lines.append(f"    s{d.slot} = {self._fast(d.root, local)}")
            else:
                items = ", ".join(self._fast(item, local) for item in d.items)
                points = self._const(f"P{d.index}", d.points)
                lines.append(f"    s{d.slot} = _score(({items},), {points})")
        slots = [f"s{i}" for i in range(self.n_inputs + len(self.defs))]
        lines.append(f"    S = ({', '.join(slots)},)" if slots else "    S = ()")
        lines.append(f"    sc = {self._fast(self.scope, local) if self.scope is not None else YES}")
        no_parts, ny_parts = [], []
        for slot, (no, ny) in self.masks.items():
            no_parts.append(f"{self._const(f'NO{slot}', no)}[s{slot}]")
            ny_parts.append(f"{self._const(f'NY{slot}', ny)}[s{slot}]")
        lines.append(f"    no = {' | '.join(no_parts) or '0'}")
        # `ny` is `no` itself when no slot's state leaves a conjunct unknown (every input
        # known, for a table): the caller then knows no rule is unknown without the work
        clean = []
        for slot, (no, ny) in self.masks.items():
            differ = [state for state, (a, b) in enumerate(zip(no, ny)) if a != b]
            if len(differ) == 1:
                clean.append(f"s{slot} != {differ[0]}")
            elif differ:
                clean.append(f"s{slot} not in {self._const(f'D{slot}', frozenset(differ))}")
        if not clean:
            lines.append("    ny = no")
        elif len(clean) <= 16:
            lines += [f"    if {' and '.join(clean)}:", "        ny = no", "    else:",
                      f"        ny = {' | '.join(ny_parts)}"]
        else:
            lines.append(f"    ny = {' | '.join(ny_parts)}")
        lines.append("    return S, sc, no, ny")
        slot_ref = lambda slot: f"S[{slot}]"  # noqa: E731
        self.rule_fns: dict[int, object] = {}
        partial = [r for r in self.rules if (self.partial >> r.index) & 1]
        for rule in partial:
            lines.append(f"def r{rule.index}(S):")
            lines.append(f"    return {self._fast(self.rule_roots[rule.index], slot_ref)}")
        code = compile("\n".join(lines) + "\n", f"<clinrules plan {self.source or ''}>", "exec")
        exec(code, self.ns)
        self.front = self.ns["front"]
        for rule in partial:
            self.rule_fns[rule.index] = self.ns[f"r{rule.index}"]

    # --- recording functions (explain, needs, coverage) -----------------------

    def recorder(self, what: str, index: int = 0):
        """The recording function of the scope (`"scope"`), a definition
        (`"def"`) or a rule (`"rule"`): `f(S, R)` stores every node's value
        into R (node id -> 0/1/3). Generated on first use and kept."""
        cache_key = (what, index)
        fn = self._record_cache.get(cache_key)
        if fn is not None:
            return fn
        if what == "scope":
            roots = [self.scope] if self.scope is not None else []
        elif what == "def":
            d = self.defs[index]
            roots = [d.root] if d.root is not None else list(d.items)
        else:
            root = self.rule_roots[index]
            roots = [root] if root is not None else []
        lines = ["def rec(S, R):"]
        for root in roots:
            self._record(root, lines)
        lines.append("    return None")
        namespace = self.ns.copy()
        exec(compile("\n".join(lines) + "\n", f"<clinrules record {what} {index}>", "exec"), namespace)
        fn = self._record_cache[cache_key] = namespace["rec"]
        return fn

    def record_all(self, S) -> dict:
        """Every node of scope, definitions and rules, fully evaluated."""
        R: dict = {}
        self.recorder("scope")(S, R)
        for d in self.defs:
            self.recorder("def", d.index)(S, R)
        for rule in self.rules:
            if not rule.otherwise:
                self.recorder("rule", rule.index)(S, R)
        return R

    def needs(self, node: Node, S, R: dict, out: set) -> None:
        """Inputs under the unknown parts of an unknown node (R is filled
        with recorded values on demand)."""
        if R.get(node.id, UNKNOWN) != UNKNOWN:
            return
        if node.input is not None and node.op != "known":
            out.add(node.input)
            return
        if node.definition is not None:
            d = self.defs[node.definition]
            first = d.root if d.root is not None else (d.items[0] if d.items else None)
            if first is not None and first.id not in R:
                self.recorder("def", d.index)(S, R)
            if d.root is not None:
                self.needs(d.root, S, R, out)
            else:
                for item in d.items:
                    self.needs(item, S, R, out)
            return
        for child in node.children:
            self.needs(child, S, R, out)

    def rule_needs(self, index: int, S, R: dict) -> set:
        root = self.rule_roots[index]
        if root.id not in R:
            self.recorder("rule", index)(S, R)
        out: set = set()
        self.needs(root, S, R, out)
        return out

    def scope_needs(self, S, R: dict) -> set:
        if self.scope.id not in R:
            self.recorder("scope")(S, R)
        out: set = set()
        self.needs(self.scope, S, R, out)
        return out


_RUN = re.compile(rb"(.)\1*", re.DOTALL)


def _runs(table: tuple) -> list[tuple[int, int, int]]:
    """(truth value, first state, state after the last) of each run of equal values."""
    return [(m.group()[0], m.start(), m.end()) for m in _RUN.finditer(bytes(table))]


def _state_masks(size: int, spans: dict[int, list]) -> tuple:
    """The bit set of rules per state, from each rule's bit and state spans
    (end exclusive; a rule's spans may overlap: they are merged first, so
    that each of its toggles turns it on or off exactly once)."""
    toggles = [0] * (size + 1)
    for bit, found in spans.items():
        found.sort()
        start, end = found[0]
        for s, e in found[1:]:
            if s > end:
                toggles[start] ^= bit
                toggles[end] ^= bit
                start, end = s, e
            elif e > end:
                end = e
        toggles[start] ^= bit
        toggles[end] ^= bit
    out = []
    mask = 0
    for toggle in toggles[:size]:
        mask ^= toggle
        out.append(mask)
    return tuple(out)

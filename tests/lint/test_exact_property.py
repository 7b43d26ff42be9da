"""The linter against brute force: random small rulesets, every patient of a
fine grid (every threshold, the range ends, points between, and missing
values), evaluated by the runtime. Conflicts, gaps, dead, masked and
redundant rules reported must be exactly those that exist, by the
definitions in clinrules/lint/docs/ (written out again in `_oracle`).
Unused inputs, definitions, options and sources are checked against the
text of the ruleset itself."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules import runtime
from clinrules.compiler import compile_source
from clinrules.lint import lint
from clinrules.exact import decimal_text
from tests.lint.conftest import replay

OPTIONS = ["A", "B", "C"]


@st.composite
def rulesets(draw):
    inputs = {"b0": "yes/no", "n0": "number from 0 to 10"}
    if draw(st.booleans()):
        inputs["q0"] = "number in days from 0 to 28"
    if draw(st.booleans()):
        inputs["c0"] = "one of [x, y, z]"
    if draw(st.booleans()):
        inputs["b1"] = "yes/no"
    bools = [k for k, v in inputs.items() if v == "yes/no"]
    flag = draw(st.booleans())  # a condition definition `f`

    def atom(allow_score=True, allow_flag=True):
        kinds = ["bool", "num", "between"]
        if "q0" in inputs:
            kinds.append("qty")
        if "c0" in inputs:
            kinds.append("opt")
        kinds.append("known")
        if allow_score:
            kinds.append("score")
        if flag and allow_flag:
            kinds.append("flag")
        kind = draw(st.sampled_from(kinds))
        if kind == "bool":
            name = draw(st.sampled_from(bools))
            return draw(st.sampled_from([name, f"no {name}"]))
        if kind == "flag":
            return draw(st.sampled_from(["f", "no f"]))
        if kind == "num":
            op = draw(st.sampled_from([">", ">=", "<", "<=", "=", "!="]))
            return f"n0 {op} {draw(st.integers(-1, 11))}"
        if kind == "between":
            lo = draw(st.integers(0, 10))
            return f"n0 between {lo} and {lo + draw(st.integers(0, 4))}"
        if kind == "qty":
            op = draw(st.sampled_from([">", ">=", "<", "<="]))
            value = draw(st.sampled_from(["1 week", "2 weeks", "10 days", "3.5 days", "14 days"]))
            return f"q0 {op} {value}"
        if kind == "opt":
            return draw(st.sampled_from(["c0 is x", "c0 is not y", "c0 is one of [x, z]"]))
        if kind == "known":
            name = draw(st.sampled_from(sorted(inputs)))
            return f"{name} is {draw(st.sampled_from(['known', 'missing']))}"
        op = draw(st.sampled_from([">=", "<=", "=", "!=", "<", ">"]))
        return f"s {op} {draw(st.integers(0, 4))}"

    def cond(depth=2, allow_score=True, allow_flag=True):
        if depth == 0 or draw(st.integers(0, 2)) == 0:
            return atom(allow_score, allow_flag)
        kind = draw(st.sampled_from(["and", "or", "not", "count"]))
        if kind == "not":
            return f"NOT ({cond(depth - 1, allow_score, allow_flag)})"
        if kind == "count":
            args = [cond(depth - 1, allow_score, allow_flag) for _ in range(draw(st.integers(2, 3)))]
            word = draw(st.sampled_from(["any of", "all of", "none of", "at least 2 of"]))
            return f"{word} [{', '.join(args)}]"
        a, b = cond(depth - 1, allow_score, allow_flag), cond(depth - 1, allow_score, allow_flag)
        return f"({a} {kind.upper()} {b})"

    policy = draw(st.sampled_from(["", " first match", " with priority"]))
    scope = ""
    if draw(st.integers(0, 3)) == 0:
        scope = f" applies when {atom(False, False)}"
    sources = [1, 2] if draw(st.booleans()) else [1]
    lines = [f'ruleset "P" version 1.0.0{scope}']
    lines += [f'source {n}: "s{n}"' for n in sources]
    lines += [f"input {k}: {v}" for k, v in inputs.items()]
    items = [f"{atom(False, False)}: {draw(st.integers(1, 2))}" for _ in range(draw(st.integers(2, 3)))]
    lines.append(f"define s: score of [{', '.join(items)}]")
    if flag:
        lines.append(f"define f: {cond(1, True, False)}")
    lines.append(f"decision d: one of [A, B, C]{policy}")
    second = draw(st.integers(0, 3)) == 0  # an `any of` decision some rules also act on
    if second:
        lines.append("decision e: any of [X, Y]")

    def because():
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return ""
        if kind == 1:
            return ' BECAUSE "x"'
        cited = draw(st.sampled_from([[1], [1], [2], [1, 2]] if len(sources) > 1 else [[1]]))
        return f' BECAUSE "x" [{", ".join(map(str, cited))}]'

    n_rules = draw(st.integers(2, 4))
    made: list[tuple[str, str]] = []
    for i in range(n_rules):
        shape = draw(st.integers(0, 5)) if made else 0
        if shape in (0, 1, 2):
            condition, option = cond(), draw(st.sampled_from(OPTIONS))
        else:
            # derived from an earlier rule: the same, narrower or wider, and
            # mostly the same option (where masking and redundancy live)
            base, option = draw(st.sampled_from(made))
            if draw(st.integers(0, 3)) == 0:
                option = draw(st.sampled_from(OPTIONS))
            condition = {3: base, 4: f"({base} AND {atom()})", 5: f"({base} OR {atom()})"}[shape]
        made.append((condition, option))
        action = option
        if second and draw(st.booleans()):
            action += f", e: {draw(st.sampled_from(['X', 'Y']))}"
        lines.append(f"rule r{i}: IF {condition} THEN {action}{because()}")
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"rule rest: OTHERWISE {draw(st.sampled_from(OPTIONS))}{because()}")
    return "\n".join(lines) + "\n"


def _grid(doc: dict) -> dict[str, list]:
    """Per input: every value class of the whole ruleset, as facts."""
    from clinrules.space.regions import all_conditions, walk

    cuts: dict[str, set] = {}
    for root in all_conditions(doc):
        for node in walk(root):
            key = node.get("input")
            if node.get("op") == "compare" and key:
                cuts.setdefault(key, set()).add(Fraction(node["value"]))
            if node.get("op") == "between" and key:
                cuts.setdefault(key, set()).update({Fraction(node["low"]), Fraction(node["high"])})
    grid = {}
    for spec in doc["inputs"]:
        if spec["type"] == "yes/no":
            values = [True, False]
        elif spec["type"] == "one of":
            values = list(spec["options"])
        else:
            lo, hi = Fraction(spec["range"]["min"]), Fraction(spec["range"]["max"])
            points = sorted({lo, hi} | {c for c in cuts.get(spec["key"], set()) if lo <= c <= hi})
            between = [(a + b) / 2 for a, b in zip(points, points[1:])]
            nums = sorted(points + between)
            if spec["type"] == "quantity":
                values = [f"{decimal_text(v)} days" for v in nums]
            else:
                values = [int(v) if v.denominator == 1 else decimal_text(v) for v in nums]
        grid[spec["name"]] = values
    return grid


def _patients(doc: dict):
    """Every patient of the grid, first those with every input known; each
    with a flag saying whether every input is known."""
    grid = _grid(doc)
    names = list(grid)
    for with_missing in (False, True):
        choices = [grid[n] + ([None] if with_missing else []) for n in names]
        for values in itertools.product(*choices):
            if with_missing and None not in values:
                continue
            yield {n: v for n, v in zip(names, values) if v is not None}, not with_missing


def _oracle(doc: dict) -> dict:
    """The findings by their definitions, over every patient of the grid.

    - conflict: two rules of the plain `one of` decision both yes, different
      options, every input known.
    - gap: a patient with every input known, inside the scope, no rule yes
      and no `OTHERWISE`.
    - dead: never yes inside the scope (missing inputs included).
    - masked (`first match` / `with priority`): not dead, and never *decides*:
      for no patient inside the scope (missing inputs included) is the
      decision `decided` with this rule as the deciding rule (the first yes
      rule; under priority, a yes rule whose best option is the value).
    - redundant: not dead or masked; another rule with the same actions is
      yes wherever this one is yes (inside the scope, missing inputs
      included) and, under `first match`, every rule written between the
      two with another option is no there; of two rules that cover each
      other the later is reported.
    Also returned: the rules whose removal would change the outcome of a
    decision for some patient for whom they are yes (no redundant rule may
    be among them)."""
    rs = runtime.load(doc)
    decision = doc["decisions"][0]
    policy = decision["policy"]
    rules = doc["rules"]
    regular = [r["name"] for r in rules if not r["otherwise"]]
    index = {r["name"]: r["index"] for r in rules}
    option = {r["name"]: next(a["option"] for a in r["actions"] if a["decision"] == decision["key"])
              for r in rules}
    acts = {r["name"]: frozenset((a["decision"], a["option"]) for a in r["actions"]) for r in rules}
    rank = {o["key"]: i for i, o in enumerate(decision["options"])}
    key_of = {o["name"]: o["key"] for o in decision["options"]}
    has_default = any(r["otherwise"] for r in rules)
    pairs = [(a, b) for a in regular for b in regular if a != b and acts[a] == acts[b]]
    between = {(a, b): [m for m in regular
                        if min(index[a], index[b]) < index[m] < max(index[a], index[b])
                        and option[m] != option[a]] for a, b in pairs}
    conflicts, gap, fired_ever, decided_ever = set(), False, set(), set()
    not_covered, changed = set(), set()
    for facts, complete in _patients(doc):
        result = rs.evaluate(facts, explain=True)
        if result.applicable is not True:
            continue
        values = result.rule_values
        yes = [r for r in regular if values[r] == "yes"]
        fired_ever.update(yes)
        got = result.decisions[decision["name"]]
        fired_ever.update(got.fired)
        if complete:
            if not policy:
                for a, b in itertools.combinations(yes, 2):
                    if option[a] != option[b]:
                        conflicts.add(frozenset([a, b]))
            if not yes and not has_default:
                gap = True
        if policy and yes and got.status == "decided":
            if policy == "first match":
                decided_ever.add(yes[0])
            else:
                best = rank[key_of[got.value]]
                decided_ever.update(r for r in yes if rank[option[r]] == best)
        for a, b in pairs:  # does b cover a here?
            if values[a] != "yes":
                continue
            if values[b] != "yes" or (policy == "first match"
                                      and any(values[m] != "no" for m in between[a, b])):
                not_covered.add((b, a))
        for plan in rs.decision_plans:
            F = [index[r] for r in yes if index[r] in plan.opts]
            U = [index[r] for r in regular if values[r] == "unknown" and index[r] in plan.opts]
            before = plan.settle(F, U)[:2]
            for f in F:
                if plan.settle([g for g in F if g != f], U)[:2] != before:
                    changed.add(rules[f]["name"])
    dead = {r["name"] for r in rules} - fired_ever
    masked = set()
    if policy:
        masked = {r for r in regular if r not in dead and r not in decided_ever}
    covers = {(b, a) for a, b in pairs if (b, a) not in not_covered}
    redundant = {a for b, a in covers if a not in dead | masked
                 and not ((a, b) in covers and index[b] > index[a])}
    return {"conflicts": conflicts, "gap": gap, "dead": dead, "masked": masked,
            "redundant": redundant, "changed": changed}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_conflicts_gaps_dead_masked_and_redundant_rules_are_exact(text):
    doc = compile_source(text, "p.rules")
    findings = lint(doc)
    for finding in findings:
        if finding.witness is not None:
            replay(doc, finding)
    want = _oracle(doc)
    named = lambda name: {f.rules[0] for f in findings if f.name == name}  # noqa: E731
    assert {frozenset(f.rules) for f in findings if f.name == "conflict"} == want["conflicts"], text
    assert any(f.name == "gap" for f in findings) == want["gap"], text
    assert named("dead-rule") == want["dead"], text
    assert named("masked-rule") == want["masked"], text
    assert all(f.witness is not None for f in findings if f.name == "masked-rule"), text
    assert named("redundant-rule") == want["redundant"], text
    assert not named("redundant-rule") & want["changed"], text


# -- unused declarations: against the text the editor wrote -------------

def _condition_texts(text: str) -> list[str]:
    """The conditions of a generated ruleset, as written."""
    out = []
    for line in text.splitlines():
        if " applies when " in line:
            out.append(line.split(" applies when ", 1)[1])
        elif line.startswith("define "):
            out.append(line.split(":", 1)[1])
        elif line.startswith("rule ") and " IF " in line:
            out.append(line.split(" IF ", 1)[1].split(" THEN ", 1)[0])
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_unused_codes_fire_exactly_for_what_is_unused(text):
    doc = compile_source(text, "p.rules")
    findings = lint(doc)
    conditions = " ".join(_condition_texts(text))
    used = lambda name: re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", conditions) is not None  # noqa: E731
    reported = {(f.name, f.line, f.column) for f in findings if f.name.startswith("unused-")}
    want = set()
    lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        declared = re.match(r"(input|define) (\w+):", line)
        if declared and not used(declared.group(2)):
            want.add(("unused-input" if declared.group(1) == "input" else "unused-definition", n, 1))
        source = re.match(r"source (\d+):", line)
        if source and not any(re.search(rf"\[[^\]]*\b{source.group(1)}\b[^\]]*\]\s*$", x)
                              for x in lines if x.startswith("rule ")):
            want.add(("unused-source", n, 1))
        if line.startswith("decision "):
            chosen = " ".join(re.split(" THEN | OTHERWISE ", x, maxsplit=1)[1].split(" BECAUSE")[0]
                              for x in lines if re.search(" THEN | OTHERWISE ", x))
            for opt in re.finditer(r"[A-CXY](?=[,\]])", line):
                if not re.search(rf"(?<!\w){opt.group()}(?!\w)", chosen):
                    want.add(("unused-option", n, opt.start() + 1))
    assert reported == want, text
    # and every one is named in its message
    for f in findings:
        if f.name == "unused-option":
            assert re.match(r"option `[A-CXY]` of `[de]` is never chosen by any rule", f.message)


# -- gap regions in the editor's words: exact ----------------------------

def _value_index(dim, value) -> int:
    """Which value class of the analysis a fact value falls in."""
    if dim.type == "yes/no":
        return 0 if value is True else 1
    if dim.type == "one of":
        return dim.values.index(value.casefold())
    number = Fraction(value.split()[0]) if isinstance(value, str) else Fraction(value)
    for i, region in enumerate(dim.values):
        if (region.point and region.lo == number) or (
                not region.point and (region.lo is None or region.lo < number)
                and (region.hi is None or number < region.hi)):
            return i
    raise AssertionError((dim.name, value))


@st.composite
def flagged_rulesets(draw):
    """Rules that use a definition over several inputs, the way editors
    write `red flags`: gaps then often lie exactly where it is no (or yes)."""
    atoms = st.sampled_from(["b0", "no b0", "b1", "no b1", "n0 > 3", "n0 <= 5", "n0 between 2 and 6",
                             "c0 is x", "c0 is not y", "q0 >= 1 week", "q0 < 10 days"])
    parts = draw(st.lists(atoms, min_size=2, max_size=4, unique=True))
    word = draw(st.sampled_from(["any of", "all of", "none of", "at least 2 of"]))
    lines = ['ruleset "P" version 1.0.0', 'source 1: "s"', "input b0: yes/no", "input b1: yes/no",
             "input n0: number from 0 to 10", "input c0: one of [x, y, z]",
             "input q0: number in days from 0 to 28", "input t0: number in weeks from 0 to 52",
             f"define f: {word} [{', '.join(parts)}]", "decision d: one of [A, B]"]
    for i in range(draw(st.integers(1, 3))):
        flag = draw(st.sampled_from(["f", "no f"]))
        extra = draw(st.sampled_from(["", " AND t0 < 6 weeks", " AND t0 > 6 weeks", " AND t0 >= 2 weeks",
                                      " AND b0", " AND n0 > 3"]))
        lines.append(f'rule r{i}: IF {flag}{extra} THEN {draw(st.sampled_from(["A", "B"]))} BECAUSE "x" [1]')
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rulesets(), flagged_rulesets()))
def test_definitions_named_in_gap_regions_match_the_region_exactly(text):
    from clinrules.lint.analysis import Analysis
    from clinrules.lint.gaps import uncovered_regions
    from clinrules.lint.phrasing import Phrasing

    doc = compile_source(text, "p.rules")
    an = Analysis(doc)
    decision = doc["decisions"][0]
    regular = [m for m in an.members[decision["key"]] if not m.rule["otherwise"]]
    phrasing = Phrasing(an)
    found = [(region, phrase) for region in uncovered_regions(an, decision, regular)
             for phrase in phrasing.phrases(region)]
    if not found:
        return
    rs = runtime.load(doc)
    node = {d["name"]: d["condition"]["id"] for d in doc["definitions"] if d["kind"] == "condition"}
    for facts, complete in _patients(doc):
        if not complete:
            break
        values = rs.evaluate(facts, explain=True).condition_values
        for region, (support, words) in found:
            name = words[3:] if words.startswith("no ") and words[3:] in node else words
            want = "no" if name != words else "yes"
            inside = all(region.get(d, an.dims[d].full) >> _value_index(an.dims[d], facts[an.dims[d].name]) & 1
                         for d in support)
            assert inside == (values[node[name]] == want), (text, words, facts)


# -- gaps said once in scores and definitions: exact ---------------------

@st.composite
def score_rulesets(draw):
    """Rules over a point score, the way editors write CURB-65: bands of
    the score, some missing, some sharing a definition's side."""
    points = [draw(st.sampled_from(["1", "1", "2", "1.5"])) for _ in range(4)]
    lines = ['ruleset "S" version 1.0.0', 'source 1: "s"', "input b0: yes/no", "input b1: yes/no",
             "input n0: number from 0 to 10", "input q0: number in days from 0 to 28",
             f"define s: score of [b0: {points[0]}, b1: {points[1]}, n0 > 3: {points[2]}, "
             f"q0 >= 1 week: {points[3]}]",
             "define f: any of [b0, n0 > 7]", "decision d: one of [A, B]"]
    for i in range(draw(st.integers(1, 4))):
        band = draw(st.sampled_from(["s <= 1", "s = 2", "s >= 3", "s > 4", "s between 2 and 3", "s < 2",
                                     "s = 0", "s >= 2"]))
        extra = draw(st.sampled_from(["", "", " AND f", " AND no f", " AND b1"]))
        lines.append(f'rule r{i}: IF {band}{extra} THEN {draw(st.sampled_from(["A", "B"]))} BECAUSE "x" [1]')
    return "\n".join(lines) + "\n"


def _in_unit(doc: dict, dim, value):
    """A grid quantity (`"42 days"`) as a number in the input's own unit."""
    if dim.type != "quantity":
        return value
    number, unit = value.split()
    table = doc["units"][dim.input["dimension"]]["units"]
    code = next(c for c, u in table.items() if unit in u["aliases"] or unit == c)
    return (Fraction(number) * Fraction(table[code]["factor"]) + Fraction(table[code]["offset"])
            - Fraction(table[dim.input["unit"]]["offset"])) / Fraction(table[dim.input["unit"]]["factor"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rulesets(), flagged_rulesets(), score_rulesets()))
def test_a_gap_said_in_terms_is_exactly_the_patients_without_an_option(text):
    """Whenever the linter says a gap in terms (`s = 2`, `no f`, ...), a
    patient with every input known satisfies every term (read from the
    terms' value classes) exactly when the runtime gives that decision no
    option inside the scope."""
    from clinrules.lint.analysis import Analysis
    from clinrules.lint.gaps import uncovered_regions
    from clinrules.lint.summary import Summary
    from clinrules.space.boxes import restrict

    doc = compile_source(text, "p.rules")
    decision = doc["decisions"][0]
    if decision["kind"] != "one of" or any(r["otherwise"] for r in doc["rules"]):
        return
    an = Analysis(doc)
    regular = [m for m in an.members[decision["key"]] if not m.rule["otherwise"]]
    regions = uncovered_regions(an, decision, regular)
    if len(regions) < 2:
        return
    terms = Summary(an).conjunction(regions, restrict(an.scope_yes, an.known, an.dims))
    if terms is None:
        return
    rs = runtime.load(doc)
    for facts, complete in _patients(doc):
        if not complete:
            break
        result = rs.evaluate(facts)
        got = result.decisions[decision["name"]]
        in_gap = result.applicable is True and got.status == "undecided" and not got.needs
        index = {d.index: _value_index(d, _in_unit(doc, d, facts[d.name])) for d in an.dims}
        said = all(any(all(box[d] >> index[d] & 1 for d in box) for box in term.boxes) for term in terms)
        assert said == in_gap, (text, [t.text for t in terms], facts)

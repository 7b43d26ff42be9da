// The clinrules workbench page. Plain JavaScript, no build step.
// Every text that comes from a rules file or a server answer is put in the
// page as text (createTextNode / textContent), never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { path: null, saved: "", schemaKey: null, checks: 0, evaluations: 0, fixtureRuns: 0 };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  async function api(url, body) {
    const options = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const response = await fetch(url, options);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  function status(text) { $("status").textContent = text; }

  // --- the editor -----------------------------------------------------------------

  CodeMirror.defineMode("clinrules", function () {
    const keywords = /^(?:ruleset|version|applies|when|source|input|define|decision|code|rule|if|then|because|and|or|not|no|any|all|none|of|at|least|most|more|less|than|is|one|between|from|to|in|number|yes\/no|otherwise|score|points|known|missing|priority|first|match)\b/i;
    return {
      token(stream) {
        if (stream.eatSpace()) return null;
        if (stream.peek() === "#") { stream.skipToEnd(); return "comment"; }
        if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
        if (stream.match(/^[+-]?\d+(?:\.\d+)?/)) return "number";
        if (stream.sol() && stream.match(keywords)) return "keyword";
        if (stream.match(keywords)) return "keyword";
        stream.match(/^[^\s#"]+/) || stream.next();
        return null;
      },
    };
  });

  const editor = CodeMirror($("editor"), {
    mode: "clinrules", lineNumbers: true, gutters: ["problem-gutter", "CodeMirror-linenumbers"], lineWrapping: true,
    indentUnit: 2, tabSize: 2,
  });
  let marks = [];

  function showProblems(problems) {
    marks.forEach((m) => m.clear());
    marks = [];
    editor.clearGutter("problem-gutter");
    const list = clear($("problems"));
    $("problem-count").textContent = problems.length ? `(${problems.length})` : "(none)";
    const last = editor.lineCount() - 1;
    for (const p of problems) {
      const from = { line: Math.min(p.line, last), ch: p.column };
      const to = { line: Math.min(p.end_line, last), ch: p.end_column };
      marks.push(editor.markText(from, to, { className: `cm-problem-${p.severity}`, attributes: { title: p.message } }));
      editor.setGutterMarker(from.line, "problem-gutter",
        el("span", { class: `gutter-mark gutter-${p.severity}`, title: `${p.label}: ${p.message}` }));
      const witness = p.witness ? Object.entries(p.witness).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ") : null;
      list.appendChild(el("li", {
        class: p.severity, dataset: { code: p.code, line: String(p.line + 1) },
        onclick: () => { editor.focus(); editor.setCursor(from); },
      },
      el("span", { class: "where" }, `${p.line + 1}:${p.column + 1}`),
      el("span", { class: "code" }, p.label),
      p.message,
      p.hint ? el("span", { class: "hint" }, `hint: ${p.hint}`) : null,
      witness ? el("span", { class: "witness" }, `witness: ${witness}`) : null,
      (p.related || []).map((r) => el("span", { class: "hint" }, `see line ${r.line + 1}: ${r.message}`))));
    }
  }

  async function check() {
    if (!state.path) return;
    const text = editor.getValue();
    const started = ++state.checks;
    status("checking...");
    try {
      const answer = await api("/api/check", { path: state.path, text });
      if (started !== state.checks) return;  // typed on
      showProblems(answer.problems);
      const errors = answer.problems.filter((p) => p.origin === "check").length;
      status(answer.compiled ? "compiled" : `${errors} error${errors === 1 ? "" : "s"}`);
      if (answer.compiled) await refreshSchema(text);
      document.body.dataset.checked = String(started);
    } catch (err) {
      status(`check failed: ${err.message}`);
    }
  }
  const checkSoon = debounce(check, 250);

  editor.on("change", () => {
    $("save").disabled = editor.getValue() === state.saved;
    checkSoon();
  });

  // --- the patient form -----------------------------------------------------------

  function fieldKind(spec) {
    const choices = spec.anyOf || [];
    if (choices.some((c) => c.type === "boolean")) return { kind: "yes/no" };
    const options = choices.find((c) => c.type === "string" && Array.isArray(c.enum));
    if (options) return { kind: "one of", options: options.enum };
    const quantity = choices.find((c) => c.type === "object" && c.properties && c.properties.unit);
    if (quantity) {
      const number = choices.find((c) => c.type === "number") || {};
      const unit = (number.description || "").replace(/^in /, "");
      return { kind: "quantity", units: quantity.properties.unit.enum, unit, min: number.minimum, max: number.maximum };
    }
    const number = choices.find((c) => c.type === "number") || {};
    return { kind: "number", min: number.minimum, max: number.maximum };
  }

  function buildForm(schema) {
    const form = $("patient");
    const previous = readFacts();
    clear(form);
    Object.entries(schema.properties).forEach(([name, spec], i) => {
      const id = `fact-${i}`;
      const kind = fieldKind(spec);
      let control;
      if (kind.kind === "yes/no" || kind.kind === "one of") {
        const options = kind.kind === "yes/no" ? ["yes", "no"] : kind.options;
        control = el("select", { id, dataset: { fact: name, kind: kind.kind } },
          el("option", { value: "" }, "unknown"), options.map((o) => el("option", { value: o }, o)));
      } else if (kind.kind === "quantity") {
        const unitSelect = el("select", { dataset: { unitFor: name }, "aria-label": `${name} unit` },
          kind.units.map((u) => el("option", { value: u }, u)));
        unitSelect.value = kind.units.includes(kind.unit) ? kind.unit : kind.units[0];
        control = el("span", { class: "quantity" },
          el("input", { id, type: "text", inputmode: "decimal", placeholder: "unknown", dataset: { fact: name, kind: "quantity" } }),
          unitSelect);
      } else {
        control = el("input", { id, type: "text", inputmode: "decimal", placeholder: "unknown", dataset: { fact: name, kind: "number" } });
      }
      form.appendChild(el("div", { class: "field", title: spec.description || name },
        el("label", { for: id }, name), control));
    });
    for (const [name, value] of Object.entries(previous)) restoreFact(name, value);
  }

  function restoreFact(name, value) {
    const control = document.querySelector(`[data-fact="${CSS.escape(name)}"]`);
    if (!control) return;
    if (control.dataset.kind === "quantity") {
      const [number, ...unit] = String(value).split(" ");
      control.value = number;
      const select = document.querySelector(`[data-unit-for="${CSS.escape(name)}"]`);
      if (select && unit.length) select.value = unit.join(" ");
    } else if (control.dataset.kind === "yes/no") {
      control.value = value === true ? "yes" : value === false ? "no" : "";
    } else {
      control.value = String(value);
    }
  }

  function readFacts() {
    const facts = {};
    document.querySelectorAll("[data-fact]").forEach((control) => {
      const name = control.dataset.fact;
      const raw = control.value.trim();
      if (raw === "") return;  // unknown
      if (control.dataset.kind === "yes/no") facts[name] = raw === "yes";
      else if (control.dataset.kind === "quantity") {
        const unit = document.querySelector(`[data-unit-for="${CSS.escape(name)}"]`).value;
        facts[name] = `${raw} ${unit}`;
      } else facts[name] = raw;
    });
    return facts;
  }

  async function refreshSchema(text) {
    const answer = await api("/api/schema", { path: state.path, text });
    if (!answer.schema) return;
    const key = JSON.stringify(answer.schema);
    if (key !== state.schemaKey) {
      state.schemaKey = key;
      buildForm(answer.schema);
    }
    await evaluate();
  }

  function showResult(answer) {
    const box = clear($("result"));
    if (!answer.result) {
      for (const p of answer.problems) box.appendChild(el("p", { class: "failure" }, p.message));
      return;
    }
    const result = answer.result;
    if (result.applicable === false) {
      box.appendChild(el("p", { class: "note" }, "This patient is outside the ruleset's scope (its `applies when` is no)."));
    }
    const byRule = Object.fromEntries(result.fired_rules.map((r) => [r.name, r]));
    for (const [name, d] of Object.entries(result.decisions)) {
      const statusClass = d.status.replace(/ /g, "-");
      let value = "no option";
      if (Array.isArray(d.value)) value = d.value.length ? d.value.join(", ") : "none of the options";
      else if (d.value !== null && d.value !== undefined) value = String(d.value);
      if (d.status === "undecided") value = "not decided yet";
      if (d.status === "conflict") value = `conflict: ${(d.conflicting || []).join(" vs ")}`;
      if (d.status === "not applicable") value = "not applicable";
      box.appendChild(el("div", { class: "decision", dataset: { decision: name, status: d.status } },
        el("div", {}, el("span", { class: "name" }, name), el("span", { class: `badge ${statusClass}` }, d.status)),
        el("div", { class: "value" }, value),
        d.needs.length ? el("div", { class: "needs" }, `still needed: ${d.needs.join(", ")}`) : null,
        d.fired.map((ruleName) => {
          const rule = byRule[ruleName] || { citations: [] };
          return el("div", { class: "rule", dataset: { rule: ruleName } },
            el("strong", {}, `rule ${ruleName}`),
            rule.because ? el("span", { class: "because" }, `because "${rule.because}"`) : null,
            rule.citations.map((c) => el("span", { class: "cite" }, `[${c.number}] ${c.citation || "(no such source)"}`)));
        })));
    }
    if (result.needs.length) box.appendChild(el("p", { class: "needs", id: "needs" }, `Still needed for a full answer: ${result.needs.join(", ")}`));
  }

  async function evaluate() {
    if (!state.path || state.schemaKey === null) return;
    const started = ++state.evaluations;
    try {
      const answer = await api("/api/evaluate", { path: state.path, text: editor.getValue(), facts: readFacts() });
      if (started !== state.evaluations) return;
      showResult(answer);
      document.body.dataset.evaluated = String(started);
    } catch (err) {
      clear($("result")).appendChild(el("p", { class: "failure" }, err.message));
    }
  }
  const evaluateSoon = debounce(evaluate, 150);
  $("patient").addEventListener("input", evaluateSoon);
  $("patient").addEventListener("change", evaluateSoon);

  // --- fixtures and coverage --------------------------------------------------------

  async function runFixtures() {
    if (!state.path) return;
    const started = ++state.fixtureRuns;
    $("fixtures-note").textContent = "Running the fixtures of the saved file...";
    let answer;
    try {
      answer = await api("/api/fixtures", { path: state.path });
    } catch (err) {
      $("fixtures-note").textContent = err.message;
      return;
    }
    if (started !== state.fixtureRuns) return;
    const unsaved = editor.getValue() !== state.saved ? " Unsaved changes are not in this run: save first." : "";
    $("fixtures-note").textContent = answer.fixtures.length
      ? `${answer.passed} passed, ${answer.failed} failed in ${answer.fixtures.join(", ")} (the saved file).${unsaved}`
      : "No fixture file in this folder names this ruleset.";
    const box = clear($("fixtures"));
    for (const p of answer.problems) box.appendChild(el("p", { class: "failure" }, `${p.file}: ${p.message}`));
    if (answer.cases.length) {
      box.appendChild(el("table", { id: "cases" }, el("tbody", {}, answer.cases.map((c) => el("tr", { dataset: { status: c.status } },
        el("td", {}, el("span", { class: `badge ${c.status}` }, c.status)),
        el("td", {}, c.name, c.failures.map((f) => el("span", { class: "failure" }, f)),
          c.error ? el("span", { class: "failure" }, c.error) : null))))));
    }
    const cov = clear($("coverage"));
    if (answer.coverage) {
      cov.appendChild(el("table", { id: "coverage-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", {}, "covered"), el("th", {}, "total"), el("th", {}, "%"), el("th", {}, ""))),
        el("tbody", {}, answer.coverage.metrics.map((m) => el("tr", { dataset: { metric: m.metric }, title: m.missing.join("\n") },
          el("td", {}, m.label), el("td", { class: "num" }, m.covered), el("td", { class: "num" }, m.total),
          el("td", { class: "num" }, m.percent.toFixed(1)),
          el("td", {}, el("div", { class: "bar" }, el("span", { style: `width: ${Math.min(100, m.percent)}%` }))))))));
    } else {
      cov.appendChild(el("p", { class: "note" }, "No coverage without fixture cases."));
    }
    document.body.dataset.fixtures = String(started);
  }
  $("run-fixtures").addEventListener("click", runFixtures);

  // --- files ------------------------------------------------------------------------

  async function open(path) {
    const answer = await api(`/api/file?path=${encodeURIComponent(path)}`);
    state.path = path;
    state.saved = answer.text;
    state.schemaKey = null;
    clear($("patient"));
    clear($("result"));
    editor.setValue(answer.text);
    editor.clearHistory();
    $("save").disabled = true;
    await check();
    await runFixtures();
  }

  $("save").addEventListener("click", async () => {
    const text = editor.getValue();
    try {
      await api("/api/save", { path: state.path, text });
      state.saved = text;
      $("save").disabled = true;
      status("saved");
      await runFixtures();
    } catch (err) {
      status(`not saved: ${err.message}`);
    }
  });

  $("file").addEventListener("change", () => open($("file").value));

  async function start() {
    const listing = await api("/api/files");
    const select = $("file");
    for (const path of listing.rulesets) select.appendChild(el("option", { value: path }, path));
    const wanted = new URLSearchParams(location.search).get("file");
    const first = listing.rulesets.includes(wanted) ? wanted : listing.rulesets[0];
    if (first) {
      select.value = first;
      await open(first);
    } else {
      status(`no .rules files in ${listing.root}`);
    }
    document.body.dataset.ready = "yes";
  }
  start().catch((err) => status(`could not start: ${err.message}`));
})();

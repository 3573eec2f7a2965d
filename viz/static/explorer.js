// valuegrad explorer view: shows snapshots from the Python engine. No math here: every number on
// screen comes from a snapshot; this module only lays out controls, swaps texts and classes, and asks
// for a new snapshot (through the `request` callback) when the learner changes something.
//
// mount(element, {snapshot, request, hashState}) -> view
//   snapshot: a viz.snapshot dict, with `svg` when its structure is new (and `expression`, `editable`)
//   request(params) -> Promise<snapshot>: params is {expr?, target?, steps?, fold?, open?, have, NAME: value...};
//            rejects with an Error whose message is shown (a parse error keeps its caret lines)
//   hashState: keep the expression, inputs, target and fold state in location.hash (a shareable URL)
// view.update(snapshot) shows a snapshot pushed from elsewhere (e.g. a Jupyter kernel);
// view.set({x: 3}) changes inputs as if dragged; view.state() reads what is shown.

const SVG_NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// The engine's number format (viz.style.format_number with 4 decimals): presentation only.
export function fmt(x) {
  if (x === null || x === undefined) return "undefined";
  const size = Math.abs(x);
  if (x === 0 || (size >= 1e-4 && size < 1e6)) {
    const text = x.toFixed(4);
    return text === "-0.0000" ? "0.0000" : text;
  }
  return x.toExponential(4);
}

function niceBounds(value) {
  const reach = Math.max(5, Math.ceil(Math.abs(value) * 2));
  return [-reach, reach];
}

class ExplorerView {
  constructor(root, options) {
    this.root = root;
    this.request = options.request;
    this.hashState = Boolean(options.hashState);
    this.seq = 0;          // last request sent
    this.shown = 0;        // sequence number of the answer on screen: older answers are dropped
    this.inflight = 0;
    this.pending = false;  // a change arrived while two requests were in flight: send once one returns
    this.values = {};
    this.bounds = {};
    this.target = null;    // node id differentiated (null: the output)
    this.selected = null;
    this.mode = "live";    // live | backward | forward
    this.step = 0;
    this.heat = false;
    this.fold = null;      // fold level asked for (null: the server's default); opened: groups shown open
    this.opened = [];
    this.selectedGroup = null;  // the key of a folded card chosen (instead of a node)
    this.hiddenIn = new Map();  // node id -> the folded card (g id) it is drawn in
    this.snap = null;
    this.structure = null;
    this.view = {x: 0, y: 0, k: 1};
    this.build();
    const first = options.snapshot;
    const shared = this.hashState ? location.hash : "";  // read before the first paint rewrites it
    if (first) this.show(first, true);
    if (shared && first && this.readHash(first, shared)) this.recompute();
  }

  // ----- the page's skeleton -------------------------------------------------------------------
  build() {
    this.root.classList.add("vg-explorer");
    this.root.replaceChildren();
    this.exprBox = el("input", {class: "vg-expr", name: "expression", spellcheck: "false", autocomplete: "off",
                                "aria-label": "expression"});
    this.exprBox.addEventListener("input", () => this.expressionChanged());
    this.exprBox.addEventListener("keydown", (e) => { if (e.key === "Enter") this.expressionChanged(true); });
    this.error = el("pre", {class: "vg-error", role: "alert"});
    this.search = el("input", {class: "vg-search", name: "search", placeholder: "find a node", type: "search",
                               autocomplete: "off"});
    this.search.addEventListener("input", () => this.find());
    const heat = el("input", {type: "checkbox", name: "heat"});
    heat.addEventListener("change", () => { this.heat = heat.checked; this.paint(); });
    this.heatBox = heat;
    this.foldBox = el("select", {name: "fold", "aria-label": "fold nn groups"},
      el("option", {value: "none", text: "every node"}),
      el("option", {value: "neuron", text: "one card per neuron"}),
      el("option", {value: "layer", text: "one card per layer"}));
    this.foldBox.addEventListener("change", () => this.setFold(this.foldBox.value, []));
    this.openList = el("span", {class: "vg-open-list"});
    this.foldBar = el("div", {class: "vg-fold"}, el("label", {class: "vg-fold-label"},
      el("span", {text: "show"}), this.foldBox), this.openList);
    const bar = el("header", {class: "vg-bar"},
      el("span", {class: "vg-brand", text: "valuegrad"}),
      el("label", {class: "vg-expr-wrap"}, el("span", {text: "f ="}), this.exprBox),
      this.foldBar,
      this.search,
      el("label", {class: "vg-toggle"}, heat, el("span", {text: "heat |grad|"})));
    this.inputs = el("div", {class: "vg-inputs"});
    this.targetLine = el("div", {class: "vg-target"});
    // A model has hundreds of parameters: a filter (shown for many inputs) keeps the sliders one can use.
    this.inputFilter = el("input", {type: "search", name: "input-filter", class: "vg-input-filter", hidden: "",
                                    placeholder: "filter inputs (e.g. L1.N2.)", "aria-label": "filter inputs"});
    this.inputFilter.addEventListener("input", () => this.filterInputs());
    const side = el("aside", {class: "vg-side"}, el("h2", {text: "Inputs"}), this.inputFilter, this.inputs, this.targetLine);
    this.stage = el("div", {class: "vg-stage"});
    this.canvas = el("div", {class: "vg-canvas"}, this.stage,
      el("div", {class: "vg-zoom"},
        el("button", {type: "button", title: "zoom in", text: "+", onclick: () => this.zoomBy(1.25)}),
        el("button", {type: "button", title: "zoom out", text: "−", onclick: () => this.zoomBy(0.8)}),
        el("button", {type: "button", title: "fit the graph", text: "fit", onclick: () => this.fit()})));
    this.panel = el("section", {class: "vg-panel", "aria-live": "polite"});
    this.caption = el("div", {class: "vg-caption-box"});
    this.stepBar = this.buildStepBar();
    this.tip = el("div", {class: "vg-tip", role: "tooltip"});
    const main = el("div", {class: "vg-main"}, side, el("div", {class: "vg-center"}, this.canvas, this.stepBar, this.caption), this.panel);
    this.root.append(bar, this.error, main, this.tip);
    this.root.addEventListener("keydown", (e) => e.stopPropagation()); // Jupyter: keys stay in our controls
    this.enablePanZoom();
  }

  buildStepBar() {
    const mode = el("select", {name: "mode", "aria-label": "mode"},
      el("option", {value: "live", text: "live"}),
      el("option", {value: "backward", text: "step through backward"}),
      el("option", {value: "forward", text: "step through forward"}));
    mode.addEventListener("change", () => this.setMode(mode.value));
    this.modeBox = mode;
    const button = (name, text, delta) => el("button", {type: "button", name, text, onclick: () => this.moveStep(delta)});
    this.stepButtons = [button("first", "« first", -1e9), button("back", "◀ step", -1), button("next", "step ▶", 1),
                        button("last", "last »", 1e9)];
    this.stepLabel = el("span", {class: "vg-step-label"});
    return el("div", {class: "vg-stepbar"}, mode, ...this.stepButtons, this.stepLabel);
  }

  // ----- inputs --------------------------------------------------------------------------------
  syncInputs(snap, adopt) {
    const names = snap.inputs.map((i) => i.name);
    for (const name of Object.keys(this.values)) if (!names.includes(name)) delete this.values[name];
    const rows = new Map([...this.inputs.children].map((row) => [row.dataset.input, row]));
    for (const [name, row] of rows) if (!names.includes(name)) row.remove();
    snap.inputs.forEach((input, position) => {
      let row = rows.get(input.name);
      if (!row) row = this.inputRow(input);
      if (this.inputs.children[position] !== row) this.inputs.insertBefore(row, this.inputs.children[position] || null);
      // The page owns the values it sent; a snapshot pushed from elsewhere (adopt) sets them.
      if (adopt || !(input.name in this.values)) this.values[input.name] = input.value;
      const active = row.contains(document.activeElement) || row.dataset.dragging === "1";
      if (!active) {
        const value = this.values[input.name];
        row.querySelector('input[type="number"].vg-value').value = value;
        this.fitBounds(row, input.name, value);
        row.querySelector('input[type="range"]').value = value;
      }
    });
    this.inputFilter.hidden = names.length <= 12;
    if (this.inputFilter.hidden) this.inputFilter.value = "";
    this.filterInputs();
  }

  // Shows only the input rows whose name holds the filter's text (every row when it is empty).
  filterInputs() {
    const want = this.inputFilter.value.trim().toLowerCase();
    for (const row of this.inputs.children) row.hidden = want !== "" && !row.dataset.input.toLowerCase().includes(want);
  }

  inputRow(input) {
    const name = input.name;
    this.bounds[name] = this.bounds[name] || niceBounds(input.value);
    const [lo, hi] = this.bounds[name];
    const box = el("input", {type: "number", class: "vg-value", name, step: "any", value: input.value,
                             "aria-label": name});
    const slider = el("input", {type: "range", name, min: lo, max: hi, step: (hi - lo) / 1000, value: input.value,
                                "aria-label": name + " slider"});
    const low = el("input", {type: "number", class: "vg-bound", name: name + "-min", step: "any", value: lo,
                             "aria-label": name + " lowest"});
    const high = el("input", {type: "number", class: "vg-bound", name: name + "-max", step: "any", value: hi,
                              "aria-label": name + " highest"});
    const row = el("div", {class: "vg-input"}, el("div", {class: "vg-input-head"},
      el("label", {class: "vg-input-name", text: name}), box), slider, el("div", {class: "vg-bounds"}, low, high));
    row.dataset.input = name;
    slider.addEventListener("input", () => { box.value = slider.value; this.changeInput(name, slider.value); });
    slider.addEventListener("pointerdown", () => { row.dataset.dragging = "1"; });
    for (const event of ["pointerup", "change", "blur"]) slider.addEventListener(event, () => { row.dataset.dragging = "0"; });
    box.addEventListener("input", () => {
      if (box.value.trim() === "" || !Number.isFinite(Number(box.value))) return;
      slider.value = box.value;
      this.changeInput(name, box.value);
    });
    const setBounds = () => {
      const a = Number(low.value), b = Number(high.value);
      if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) { row.classList.add("vg-bad-bounds"); return; }
      row.classList.remove("vg-bad-bounds");
      this.bounds[name] = [a, b];
      slider.min = a; slider.max = b; slider.step = (b - a) / 1000;
      slider.value = this.values[name];
    };
    low.addEventListener("change", setBounds);
    high.addEventListener("change", setBounds);
    return row;
  }

  fitBounds(row, name, value) {
    let [lo, hi] = this.bounds[name];
    if (value >= lo && value <= hi) return;
    [lo, hi] = [Math.min(lo, value), Math.max(hi, value)];
    this.bounds[name] = [lo, hi];
    const slider = row.querySelector('input[type="range"]');
    slider.min = lo; slider.max = hi; slider.step = (hi - lo) / 1000;
    row.querySelector(".vg-bound[name$='-min']").value = lo;
    row.querySelector(".vg-bound[name$='-max']").value = hi;
  }

  changeInput(name, text) {
    this.values[name] = Number(text);
    this.recompute();
  }

  set(values) {
    for (const [name, value] of Object.entries(values)) {
      this.values[name] = Number(value);
      const row = [...this.inputs.children].find((r) => r.dataset.name === name);
      if (row) row.querySelectorAll(`input[name="${CSS.escape(name)}"]`).forEach((i) => { i.value = value; });
    }
    this.recompute();
  }

  expressionChanged(now = false) {
    clearTimeout(this.exprTimer);
    this.exprTimer = setTimeout(() => { this.target = null; this.selected = null; this.recompute(); }, now ? 0 : 350);
  }

  // ----- talking to the engine ----------------------------------------------------------------
  params() {
    const params = {have: this.structure || ""};
    if (this.snap && this.snap.editable) params.expr = this.exprBox.value;
    // A graph built in Python keeps its leaves' values between requests: only changes are sent (a model's
    // hundreds of parameters would pass the server's limit on query fields); an expression needs them all.
    const kept = this.snap && this.snap.editable === false ? new Map(this.snap.inputs.map((i) => [i.name, i.value])) : new Map();
    for (const [name, value] of Object.entries(this.values)) if (kept.get(name) !== value) params[name] = String(value);
    if (this.target !== null) params.target = String(this.target);
    if (this.mode !== "live") params.steps = "1";
    if (this.fold !== null) {
      params.fold = this.fold;
      if (this.opened.length) params.open = this.opened.join(",");
    }
    return params;
  }

  recompute() {
    if (this.inflight >= 2) { this.pending = true; return; }
    const seq = ++this.seq;
    this.inflight += 1;
    const sent = this.params();
    this.root.classList.add("vg-busy");
    Promise.resolve().then(() => this.request(sent)).then(
      (snap) => { if (seq > this.shown) { this.shown = seq; this.show(snap, false, seq === this.seq); } },
      (error) => { if (seq > this.shown) { this.shown = seq; this.showError(error); } },
    ).finally(() => {
      this.inflight -= 1;
      if (this.inflight === 0) this.root.classList.remove("vg-busy");
      if (this.pending) { this.pending = false; this.recompute(); }
    });
  }

  update(snap) { this.show(snap, true); }

  showError(error) {
    this.error.textContent = String(error && error.message ? error.message : error);
    this.error.classList.add("vg-shown");
    this.exprBox.classList.add("vg-invalid");
  }

  // ----- a new snapshot -------------------------------------------------------------------------
  show(snap, adopt = false, latest = true) {
    this.error.textContent = "";
    this.error.classList.remove("vg-shown");
    this.exprBox.classList.remove("vg-invalid");
    if (snap.svg !== undefined) this.newLayout(snap);
    this.snap = snap;
    this.hiddenIn = new Map();
    if (snap.fold && snap.fold.level !== "none") {
      for (const group of snap.fold.groups) for (const id of group.members) this.hiddenIn.set(id, group.id);
    }
    if (snap.expression !== undefined && snap.expression !== null && document.activeElement !== this.exprBox) {
      this.exprBox.value = snap.expression;
    }
    this.exprBox.readOnly = snap.editable === false;
    if (snap.editable === false && !this.exprBox.value) this.exprBox.value = "(a graph built in Python)";
    this.target = snap.target === snap.output ? null : snap.target;
    if (adopt || latest) this.adoptFold(snap);  // an older answer must not undo a fold change in flight
    this.syncInputs(snap, adopt);
    this.children = this.childIndex(snap);
    if (this.mode !== "live" && !snap[this.mode]) { this.recompute(); }
    this.step = Math.min(this.step, this.stepCount());
    this.paint();
    this.writeHash();
  }

  newLayout(snap) {
    this.structure = snap.layout || snap.structure;
    this.nodeEls = new Map();
    this.groupEls = new Map();
    this.edgeEls = [];
    if (snap.svg === null) {
      this.stage.replaceChildren(el("p", {class: "vg-note", text: snap.svg_note || "too big to draw"}));
      return;
    }
    this.stage.innerHTML = snap.svg;
    const svg = this.stage.querySelector("svg");
    for (const g of svg.querySelectorAll(".vg-group")) this.groupEls.set(g.dataset.group, this.groupParts(g));
    for (const g of svg.querySelectorAll(".vg-node:not(.vg-group)")) {
      this.nodeEls.set(Number(g.dataset.id), {
        g, data: g.querySelector(".vg-data"), grad: g.querySelector(".vg-grad"),
        heat: g.querySelector(".vg-heat"), op: svg.querySelector(`.vg-op[data-id="${g.dataset.id}"]`),
      });
      g.addEventListener("click", (e) => { e.stopPropagation(); this.select(Number(g.dataset.id)); });
      g.setAttribute("tabindex", "0");  // reachable with Tab: Enter or Space opens its chain rule, as a click does
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", g.dataset.name);
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.select(Number(g.dataset.id)); }
      });
      g.addEventListener("dblclick", (e) => {  // inside an opened group: fold it back (torchvista-style)
        const around = this.openedAround(this.snap.nodes[Number(g.dataset.id)]);
        if (around) { e.stopPropagation(); this.closeGroup(around); }
      });
      g.addEventListener("pointerenter", (e) => this.showTip(Number(g.dataset.id), e));
      g.addEventListener("pointermove", (e) => this.moveTip(e));
      g.addEventListener("pointerleave", () => this.hideTip());
    }
    this.edgeEls = [...svg.querySelectorAll(".vg-edge")].map((path) =>
      ({path, from: path.dataset.from, to: path.dataset.to}));
    this.size = {w: Number(svg.getAttribute("width")), h: Number(svg.getAttribute("height"))};
    if (this.selected !== null && this.selected >= snap.nodes.length) this.selected = null;
    requestAnimationFrame(() => this.fit());
  }

  childIndex(snap) {
    const children = snap.nodes.map(() => []);
    for (const node of snap.nodes) node.parents.forEach((p, k) => children[p].push([node.id, k]));
    return children;
  }

  // ----- painting: texts and classes only ----------------------------------------------------
  paint() {
    const snap = this.snap;
    if (!snap || !this.nodeEls) return;
    const state = this.stepState();
    const path = this.selectedPath();
    for (const node of snap.nodes) {
      const parts = this.nodeEls.get(node.id);
      if (!parts) continue;
      const value = state.values ? state.values.get(node.id) : node.data;
      const grad = state.grads ? state.grads.get(node.id) : node.grad;
      if (parts.data) parts.data.textContent = value === undefined ? "?" : fmt(value);
      if (parts.grad) parts.grad.textContent = grad === undefined ? "?" : fmt(grad);
      const c = parts.g.classList;
      c.toggle("vg-selected", node.id === this.selected);
      c.toggle("vg-is-target", node.id === snap.target);
      c.toggle("vg-on-path", Boolean(path && path.has(node.id)));
      c.toggle("vg-active", state.active === node.id);
      c.toggle("vg-fresh", Boolean(state.fresh && state.fresh.has(node.id)));
      c.toggle("vg-unknown", grad === undefined);
      for (let i = 0; i < 5; i++) c.toggle("vg-h" + i, this.heat && this.mode === "live" && node.heat === i);
      if (parts.op) {
        parts.op.classList.toggle("vg-active", state.active === node.id);
        parts.op.classList.toggle("vg-on-path", Boolean(path && path.has(node.id)));
      }
    }
    const drawnPath = path ? new Set([...path].map((id) => this.drawnKey(id))) : null;
    const active = state.active === undefined || state.active === null ? null : this.drawnKey(state.active);
    // Contributions flow back along the edges from the active node's own operands (into a folded card, only those).
    const operands = active === null ? new Set() : new Set(snap.nodes[state.active].parents.map((p) => this.drawnKey(p)));
    for (const edge of this.edgeEls) {
      const hot = Boolean(drawnPath && drawnPath.has(edge.from) && drawnPath.has(edge.to));
      edge.path.classList.toggle("vg-on-path", hot);
      edge.path.classList.toggle("vg-flow", active === edge.to && edge.from !== edge.to && operands.has(edge.from));
    }
    this.paintGroups(state, path);
    this.root.classList.toggle("vg-heat-on", this.heat && this.mode === "live");
    this.paintTarget();
    this.paintCaption(state);
    this.paintPanel();
    this.find(false);
  }

  paintTarget() {
    const snap = this.snap;
    const name = snap.nodes[snap.target].name;
    const reset = el("button", {type: "button", name: "reset-target", text: "back to the output",
                                onclick: () => { this.target = null; this.recompute(); }});
    this.targetLine.replaceChildren(el("span", {text: "Gradients are ∂" + name + "/∂node"}));
    if (snap.target !== snap.output) this.targetLine.append(reset);
  }

  // Step state: which values/gradients are known at this step (replayed from the snapshot's steps).
  stepCount() {
    if (this.mode === "backward") return this.snap && this.snap.backward ? this.snap.backward.length : 0;
    if (this.mode === "forward") return this.snap && this.snap.forward ? this.snap.forward.length - 1 : 0;
    return 0;
  }

  stepState() {
    const snap = this.snap;
    if (this.mode === "backward" && snap.backward) {
      const grads = new Map([[snap.target, 1]]);
      let fresh = new Set([snap.target]), active = null;
      for (const step of snap.backward.slice(0, this.step)) {
        fresh = new Set();
        for (const [id, g] of step.grads) { grads.set(id, g); fresh.add(id); }
        active = step.node;
      }
      return {grads, fresh, active};
    }
    if (this.mode === "forward" && snap.forward) {
      const values = new Map();
      for (const step of snap.forward.slice(0, this.step + 1)) values.set(step.node, snap.nodes[step.node].data);
      const active = snap.forward[this.step] ? snap.forward[this.step].node : null;
      return {values, grads: new Map(), fresh: new Set([active]), active};
    }
    return {};
  }

  paintCaption() {
    const snap = this.snap;
    const count = this.stepCount();
    this.stepButtons.forEach((b) => { b.disabled = this.mode === "live"; });
    if (this.mode === "live") {
      this.stepLabel.textContent = "";
      this.caption.replaceChildren(el("span", {class: "vg-hint",
        text: this.snap.fold && this.snap.fold.level !== "none"
          ? "Drag an input; click a card for its chain rule, double-click a folded card to open it; scroll to zoom, drag to pan."
          : "Drag an input; click a node for its chain rule; scroll to zoom, drag to pan."}));
      return;
    }
    this.stepLabel.textContent = `step ${this.step} of ${count}`;
    const target = snap.nodes[snap.target].name;
    if (this.mode === "backward") {
      if (this.step === 0) {
        this.caption.replaceChildren(el("b", {text: "step 0: "}),
          `seed ∂${target}/∂${target} = 1; every other gradient is ? until the reverse pass reaches it`);
        return;
      }
      const step = snap.backward[this.step - 1];
      this.caption.replaceChildren(el("div", {}, el("b", {text: `step ${this.step}: `}), step.caption),
        ...step.lines.map((line) => el("div", {class: "vg-caption-line", text: line})));
      return;
    }
    const step = snap.forward[this.step];
    this.caption.replaceChildren(el("b", {text: `step ${this.step}: `}), step ? step.caption : "");
  }

  setMode(mode) {
    this.mode = mode;
    this.modeBox.value = mode;
    this.step = mode === "forward" ? 0 : 0;
    if (mode !== "live" && !this.snap[mode]) this.recompute();
    this.paint();
  }

  moveStep(delta) {
    this.step = Math.max(0, Math.min(this.stepCount(), this.step + delta));
    this.paint();
  }

  // ----- the side panel: one node's chain rule -------------------------------------------------
  select(id) {
    this.selected = this.selected === id ? null : id;
    this.selectedGroup = null;
    this.paint();
  }

  paintPanel() {
    const snap = this.snap;
    if (this.selectedGroup !== null && this.groupByKey(this.selectedGroup)) {
      this.paintGroupPanel(this.groupByKey(this.selectedGroup));
      return;
    }
    if (this.selected === null || !snap.nodes[this.selected]) {
      this.panel.classList.remove("vg-open");
      this.panel.replaceChildren(this.legend());
      return;
    }
    const node = snap.nodes[this.selected];
    const t = snap.nodes[snap.target].name;
    const rows = [
      el("h2", {}, el("span", {class: "vg-panel-name", text: node.name}), el("span", {class: "vg-role", text: node.role})),
      el("p", {class: "vg-formula", text: node.op ? `${node.name} = ${node.formula} = ${fmt(node.data)}` : `${node.name} = ${fmt(node.data)}`}),
    ];
    if (node.op) {
      // The op's rule is shown only in this graph's names (the table): its textbook letters (∂/∂x = cos x)
      // would read as this graph's own x.
      rows.push(el("p", {}, el("span", {class: "vg-key", text: "op "}), el("code", {text: node.op === node.text ? node.op : `${node.op} (${node.text})`})));
      const table = el("table", {class: "vg-sends"}, el("tr", {},
        ...["to", "local derivative", "", "× grad", "= sent"].map((h) => el("th", {text: h}))));
      node.parents.forEach((p, k) => table.append(el("tr", {},
        el("td", {text: snap.nodes[p].name}), el("td", {text: node.rules[k]}), el("td", {text: fmt(node.local[k])}),
        el("td", {text: fmt(node.grad)}), el("td", {class: "vg-sent", text: fmt(node.sent[k])}))));
      rows.push(el("h3", {text: `Sends back: ∂${t}/∂${node.name} × local derivative`}), table);
    }
    rows.push(el("h3", {text: `Gradient ∂${t}/∂${node.name}`}), this.gradLine(node));
    const actions = el("div", {class: "vg-actions"});
    if (node.id !== snap.target) {
      actions.append(el("button", {type: "button", name: "differentiate", text: `differentiate ${node.name}`,
        onclick: () => { this.target = node.id; this.recompute(); }}));
    }
    const inside = this.openedAround(node);
    if (inside) actions.append(el("button", {type: "button", name: "fold-group", text: `fold ${inside}`,
      onclick: () => this.closeGroup(inside)}));
    actions.append(el("button", {type: "button", name: "close", text: "close",
      onclick: () => { this.selected = null; this.paint(); }}));
    rows.push(actions);
    this.panel.replaceChildren(...rows);
    this.panel.classList.add("vg-open");
  }

  // How a node's gradient is made: the contributions its users send, and their sum.
  gradLine(node) {
    const snap = this.snap;
    const t = snap.nodes[snap.target].name;
    const uses = this.children[node.id];
    const line = el("div", {class: "vg-grad-sum"});
    if (node.id === snap.target) {
      line.append(`∂${t}/∂${node.name} = 1 (the seed: the node being differentiated)`);
    } else if (uses.length === 0) {
      line.append(`∂${t}/∂${node.name} = ${fmt(node.grad)} (nothing uses it)`);
    } else {
      const terms = uses.map(([c, k]) => el("div", {class: "vg-term"},
        `from ${snap.nodes[c].name} = ${snap.nodes[c].formula}: `, el("b", {text: fmt(snap.nodes[c].sent[k])})));
      line.append(...terms, el("div", {class: "vg-total"},
        uses.length > 1 ? "sum = " : "= ", el("b", {text: `∂${t}/∂${node.name} = ${fmt(node.grad)}`})));
    }
    return line;
  }

  legend() {
    const swatch = (role, text) => el("div", {class: "vg-legend-row"}, el("span", {class: "vg-swatch vg-swatch-" + role}), text);
    return el("div", {class: "vg-legend"},
      el("h2", {text: "How to read it"}),
      el("p", {class: "vg-hint", text: "Click a node to see how its value and gradient are made: the op's rule, "
        + "the local derivatives here, and the products it sends back."}),
      swatch("input", "input (a slider on the left)"), swatch("parameter", "parameter"),
      swatch("intermediate", "intermediate value"), swatch("output", "output"),
      swatch("constant", "constant"), swatch("op", "operation"),
      ...(this.snap.fold ? [swatch("module", "folded neuron or layer: click for details, double-click to open")] : []),
      el("p", {class: "vg-hint", text: "data is the value computed forward; grad is ∂" + this.snap.nodes[this.snap.target].name
        + "/∂node, computed backward."}));
  }

  // Nodes on some path from `start` to `end` (graph structure only: what depends on what).
  pathSet(start, end) {
    const ancestors = new Set([end]);
    const stack = [end];
    while (stack.length) for (const p of this.snap.nodes[stack.pop()].parents) if (!ancestors.has(p)) { ancestors.add(p); stack.push(p); }
    if (!ancestors.has(start)) return new Set([start]);
    const reached = new Set([start]);
    for (const node of this.snap.nodes) if (node.parents.some((p) => reached.has(p))) reached.add(node.id);
    return new Set([...reached].filter((id) => ancestors.has(id)));
  }

  // ----- folded groups: one card per neuron or layer of a graph built with nn ----------------------
  adoptFold(snap) {
    this.foldBar.classList.toggle("vg-shown", Boolean(snap.fold));
    if (!snap.fold) return;
    this.fold = snap.fold.level;
    this.opened = [...snap.fold.open];
    this.foldBox.value = snap.fold.level;
    for (const option of this.foldBox.options) option.disabled = option.value !== "none" && !snap.fold.levels.includes(option.value);
    this.openList.replaceChildren(...snap.fold.open.map((key) => el("button", {type: "button", class: "vg-chip",
      name: "fold-back", title: `fold ${key} back into one card`, "data-key": key, text: `${key} ×`,
      onclick: () => this.closeGroup(key)})));
    if (snap.fold.open.length) this.openList.prepend(el("span", {class: "vg-hint", text: "opened:"}));
  }

  setFold(level, opened) {
    this.fold = level;
    this.opened = opened;
    this.recompute();
  }

  openGroup(key) {
    this.selectedGroup = null;
    this.setFold(this.fold || "none", [...new Set([...this.opened, key])]);
  }

  closeGroup(key) {
    this.selected = null;
    this.selectedGroup = key;  // the card it folds back into is chosen, so the learner sees where it went
    this.setFold(this.fold || "none", this.opened.filter((k) => k !== key && !k.startsWith(key + ".")));
  }

  selectGroup(key) {
    this.selectedGroup = this.selectedGroup === key ? null : key;
    this.selected = null;
    this.paint();
  }

  groupByKey(key) {
    const fold = this.snap && this.snap.fold;
    return fold && fold.level !== "none" ? fold.groups.find((g) => g.key === key) : undefined;
  }

  drawnKey(id) { return this.hiddenIn.get(id) || String(id); }

  // The innermost opened group around a node (the one a "fold" button folds back), or null.
  openedAround(node) {
    if (!this.snap.fold || !node.group) return null;
    const around = this.snap.fold.open.filter((k) => node.group === k || node.group.startsWith(k + "."));
    return around.length ? around.sort((a, b) => b.length - a.length)[0] : null;
  }

  groupParts(g) {
    const key = g.dataset.name;
    g.addEventListener("click", (e) => { e.stopPropagation(); this.selectGroup(key); });
    g.addEventListener("dblclick", (e) => { e.stopPropagation(); this.openGroup(key); });
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.selectGroup(key); }
      else if (e.key === "+" || e.key === "o") { e.preventDefault(); this.openGroup(key); }
    });
    g.addEventListener("pointerenter", (e) => this.showGroupTip(key, e));
    g.addEventListener("pointermove", (e) => this.moveTip(e));
    g.addEventListener("pointerleave", () => this.hideTip());
    return {g, data: g.querySelector(".vg-data"), grad: g.querySelector(".vg-grad"), pgrad: g.querySelector(".vg-pgrad")};
  }

  // A folded card's numbers: the engine's, or what the step being shown knows of them ("?" until then).
  groupNumbers(group, state) {
    const single = group.outputs.length === 1 ? group.outputs[0] : null;
    let {data, grad, param_grad: pgrad} = group;
    if (state.values) data = single !== null ? state.values.get(single) : (group.outputs.every((o) => state.values.has(o)) ? data : undefined);
    if (state.grads) {
      grad = single !== null ? state.grads.get(single) : undefined;
      if (this.step < this.stepCount() || this.mode === "forward") pgrad = undefined;
    }
    return {data, grad, pgrad};
  }

  paintGroups(state, path) {
    const fold = this.snap.fold;
    if (!fold || fold.level === "none") return;
    for (const group of fold.groups) {
      const parts = this.groupEls.get(group.id);
      if (!parts) continue;
      const {data, grad, pgrad} = this.groupNumbers(group, state);
      const show = (x) => (x === undefined ? "?" : fmt(x));
      if (parts.data) parts.data.textContent = show(data);
      if (parts.grad) parts.grad.textContent = show(grad);
      if (parts.pgrad) parts.pgrad.textContent = show(pgrad);
      const has = (set) => Boolean(set) && group.members.some((id) => set.has(id));
      const c = parts.g.classList;
      c.toggle("vg-selected", group.key === this.selectedGroup);
      c.toggle("vg-is-target", group.members.includes(this.snap.target));
      c.toggle("vg-on-path", has(path));
      c.toggle("vg-active", group.members.includes(state.active));
      c.toggle("vg-fresh", has(state.fresh));
      const heat = group.outputs.length === 1 ? this.snap.nodes[group.outputs[0]].heat : null;  // its output's |grad| bin
      for (let i = 0; i < 5; i++) c.toggle("vg-h" + i, this.heat && this.mode === "live" && heat === i);
    }
  }

  selectedPath() {
    const target = this.snap.target;
    if (this.selected !== null) return this.pathSet(this.selected, target);
    const group = this.selectedGroup !== null ? this.groupByKey(this.selectedGroup) : undefined;
    if (!group) return null;
    const path = new Set();
    for (const id of group.outputs) for (const on of this.pathSet(id, target)) path.add(on);
    return path;
  }

  paintGroupPanel(group) {
    const snap = this.snap;
    const t = snap.nodes[snap.target].name;
    const names = group.members.map((id) => snap.nodes[id].name);
    const rows = [
      el("h2", {}, el("span", {class: "vg-panel-name", text: group.key}), el("span", {class: "vg-role", text: "folded " + group.kind})),
      el("p", {class: "vg-detail-line", text: group.detail}),
      el("p", {class: "vg-folds", text: `folds ${names.length} nodes: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`}),
    ];
    const table = (ids, head) => {
      const tab = el("table", {class: "vg-sends"}, el("tr", {}, ...[head, "data", `∂${t}/∂·`].map((h) => el("th", {text: h}))));
      for (const id of ids.slice(0, 24)) {
        const n = snap.nodes[id];
        tab.append(el("tr", {}, el("td", {text: n.name}), el("td", {text: fmt(n.data)}), el("td", {class: "vg-sent", text: fmt(n.grad)})));
      }
      if (ids.length > 24) tab.append(el("tr", {}, el("td", {colspan: "3", class: "vg-hint", text: `… ${ids.length - 24} more`})));
      return tab;
    };
    if (group.outputs.length === 1) {
      const out = snap.nodes[group.outputs[0]];
      rows.push(el("h3", {text: "Output"}), el("p", {class: "vg-formula", text: `${out.name} = ${out.formula || fmt(out.data)} = ${fmt(out.data)}`}),
        el("h3", {text: `Gradient ∂${t}/∂${out.name}`}), this.gradLine(out));
    } else {
      rows.push(el("h3", {text: `Outputs (${group.outputs.length})${group.kind === "terms" ? ", Σ data = " + fmt(group.data) : ""}`}),
        table(group.outputs, "output"));
    }
    if (group.params.length) {
      rows.push(el("h3", {text: `Parameters (${group.params.length}): ‖∇params‖ = ${fmt(group.param_grad)}`}),
        el("p", {class: "vg-hint", text: "‖∇params‖ = √(Σ grad²): how hard the gradient pulls on this group's parameters."}),
        table(group.params, "parameter"));
    }
    const actions = el("div", {class: "vg-actions"},
      el("button", {type: "button", name: "open-group", text: `open ${group.key}`, onclick: () => this.openGroup(group.key)}),
      ...(group.params.length && !this.inputFilter.hidden ? [el("button", {type: "button", name: "group-sliders",
        text: "its sliders", title: `show only ${group.key}'s parameters among the inputs`,
        onclick: () => { this.inputFilter.value = group.key + "."; this.filterInputs(); }})] : []),
      el("button", {type: "button", name: "close", text: "close", onclick: () => { this.selectedGroup = null; this.paint(); }}));
    rows.push(actions);
    this.panel.replaceChildren(...rows);
    this.panel.classList.add("vg-open");
  }

  showGroupTip(key, event) {
    const group = this.groupByKey(key);
    if (!group) return;
    const {data, grad, pgrad} = this.groupNumbers(group, this.stepState());
    const show = (x) => (x === undefined ? "?" : fmt(x));
    const lines = [el("b", {text: key}), el("div", {text: group.detail})];
    if (group.outputs.length === 1) lines.push(el("div", {text: "value " + show(data)}), el("div", {text: "grad " + show(grad)}));
    else lines.push(el("div", {text: `${group.outputs.length} outputs`}));
    if (group.params.length) lines.push(el("div", {text: "‖∇params‖ " + show(pgrad)}));
    lines.push(el("div", {class: "vg-tip-hint", text: "click: details · double-click: open"}));
    this.tip.replaceChildren(...lines);
    this.tip.classList.add("vg-shown");
    this.moveTip(event);
  }

  // ----- hover tooltip ---------------------------------------------------------------------------
  showTip(id, event) {
    const node = this.snap.nodes[id];
    const state = this.stepState();
    const value = state.values ? state.values.get(id) : node.data;
    const grad = state.grads ? state.grads.get(id) : node.grad;
    this.tip.replaceChildren(el("b", {text: node.name}), el("div", {text: "value " + (value === undefined ? "?" : fmt(value))}),
      el("div", {text: "grad " + (grad === undefined ? "?" : fmt(grad))}));
    this.tip.classList.add("vg-shown");
    this.moveTip(event);
  }

  moveTip(event) {
    const box = this.root.getBoundingClientRect();
    this.tip.style.left = (event.clientX - box.left + 14) + "px";
    this.tip.style.top = (event.clientY - box.top + 14) + "px";
  }

  hideTip() { this.tip.classList.remove("vg-shown"); }

  // ----- pan, zoom, search ------------------------------------------------------------------------
  enablePanZoom() {
    let drag = null;
    this.canvas.addEventListener("pointerdown", (e) => {
      if (e.target.closest(".vg-node, .vg-zoom")) return;
      drag = {x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y};
      this.canvas.classList.add("vg-panning");
    });
    window.addEventListener("pointermove", (e) => {
      if (!drag) return;
      this.view.x = drag.vx + e.clientX - drag.x;
      this.view.y = drag.vy + e.clientY - drag.y;
      this.applyView();
    });
    window.addEventListener("pointerup", () => { drag = null; this.canvas.classList.remove("vg-panning"); });
    this.canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const box = this.canvas.getBoundingClientRect();
      this.zoomBy(e.deltaY < 0 ? 1.12 : 1 / 1.12, e.clientX - box.left, e.clientY - box.top);
    }, {passive: false});
  }

  zoomBy(factor, cx, cy) {
    const box = this.canvas.getBoundingClientRect();
    if (cx === undefined) { cx = box.width / 2; cy = box.height / 2; }
    const k = Math.max(0.05, Math.min(8, this.view.k * factor));
    const ratio = k / this.view.k;
    this.view = {k, x: cx - (cx - this.view.x) * ratio, y: cy - (cy - this.view.y) * ratio};
    this.applyView();
  }

  fit() {
    if (!this.size) return;
    const box = this.canvas.getBoundingClientRect();
    const k = Math.min(1.6, (box.width - 24) / this.size.w, (box.height - 24) / this.size.h);
    this.view = {k, x: (box.width - this.size.w * k) / 2, y: (box.height - this.size.h * k) / 2};
    this.applyView();
  }

  applyView() {
    this.stage.style.transform = `translate(${this.view.x}px, ${this.view.y}px) scale(${this.view.k})`;
  }

  find(center = true) {
    const text = this.search.value.trim();
    let first = null;
    if (!this.nodeEls) return;
    for (const [id, parts] of this.nodeEls) {
      const hit = text !== "" && this.snap.nodes[id].name.includes(text);
      parts.g.classList.toggle("vg-found", hit);
      if (hit && first === null) first = parts.g;
    }
    // A folded card is found by its own name or by a node it folds (L1.N3.w1 finds L1.N3's card).
    const inside = new Set();
    if (text !== "") for (const [id, key] of this.hiddenIn) if (this.snap.nodes[id].name.includes(text)) inside.add(key);
    for (const [key, parts] of this.groupEls || new Map()) {
      const hit = text !== "" && (parts.g.dataset.name.includes(text) || inside.has(key));
      parts.g.classList.toggle("vg-found", hit);
      if (hit && first === null) first = parts.g;
    }
    if (center && first) {
      const box = first.getBBox();
      const frame = this.canvas.getBoundingClientRect();
      const k = Math.max(this.view.k, 1);
      this.view = {k, x: frame.width / 2 - (box.x + box.width / 2) * k, y: frame.height / 2 - (box.y + box.height / 2) * k};
      this.applyView();
    }
  }

  // ----- shareable URL --------------------------------------------------------------------------
  // A shared URL's hash (expr, NAME=value, target) over the first snapshot; true when it asks for more.
  readHash(first, text) {
    const hash = new URLSearchParams(text.slice(1));
    let changed = false;
    if (hash.has("expr") && first.editable && hash.get("expr") !== first.expression) {
      this.exprBox.value = hash.get("expr");
      changed = true;
    }
    for (const [key, value] of hash) {
      if (["expr", "target", "fold", "open"].includes(key) || value.trim() === "" || !Number.isFinite(Number(value))) continue;
      if (this.values[key] !== Number(value)) changed = true;
      this.values[key] = Number(value);
    }
    if (hash.has("target") && Number.isInteger(Number(hash.get("target")))) {
      this.target = Number(hash.get("target"));
      changed = true;
    }
    if (first.fold && ["none", ...first.fold.levels].includes(hash.get("fold"))) {  // a level this graph has
      // Only groups this graph has: a hand-edited hash naming another would make every request fail.
      const groups = new Set(first.fold.groups.map((g) => g.key));
      const known = (k) => groups.has(k) || first.nodes.some((n) => n.group === k || n.group.startsWith(k + "."));
      const opened = (hash.get("open") || "").split(",").filter((k) => k && known(k));
      if (hash.get("fold") !== first.fold.level || opened.join(",") !== first.fold.open.join(",")) changed = true;
      [this.fold, this.opened] = [hash.get("fold"), opened];
    }
    return changed;
  }

  // Written once the learner pauses: replacing the URL costs a style pass over the whole page (tens of ms on a
  // big graph), too much for every slider move.
  writeHash() {
    if (!this.hashState) return;
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHashNow(), 200);
  }

  writeHashNow() {
    const hash = new URLSearchParams();
    if (this.snap.editable) hash.set("expr", this.snap.expression);
    // A graph built in Python keeps its values in the server: the hash holds only what this page changed (a
    // model's hundreds of parameters would make every slider move rewrite a long URL).
    if (!this.startValues) this.startValues = new Map(this.snap.inputs.map((i) => [i.name, i.value]));
    for (const input of this.snap.inputs) {
      if (this.snap.editable || this.startValues.get(input.name) !== input.value) hash.set(input.name, String(input.value));
    }
    if (this.snap.target !== this.snap.output) hash.set("target", String(this.snap.target));
    if (this.snap.fold) {
      hash.set("fold", this.snap.fold.level);
      if (this.snap.fold.open.length) hash.set("open", this.snap.fold.open.join(","));
    }
    history.replaceState(null, "", "#" + hash.toString());
  }

  state() {
    return {values: {...this.values}, target: this.snap ? this.snap.target : null, mode: this.mode, step: this.step,
            selected: this.selected, selectedGroup: this.selectedGroup, structure: this.structure,
            fold: this.snap && this.snap.fold ? this.snap.fold.level : null, opened: [...this.opened],
            shown: this.shown, sent: this.seq};
  }
}

export function mount(element, options) {
  return new ExplorerView(element, options || {});
}

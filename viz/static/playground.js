// valuegrad playground page. No math here: every number drawn comes from the Python engine through
// the JSON API (/api/state, /api/reset, /api/step, /api/play, /api/pause, /api/neuron). This script lays
// out controls, paints the numbers it is sent, and asks for new states.

const PG = (() => {
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const NEG = [245, 147, 34], MID = [232, 234, 237], POS = [8, 119, 189];  // class 0 / neutral / class 1
  const DATASETS = [["xor", "XOR"], ["circles", "circles"], ["moons", "moons"], ["spirals", "spirals"],
                    ["blobs", "gaussian blobs"]];
  const FEATURES = [["x1", "x\u2081"], ["x2", "x\u2082"], ["x1^2", "x\u2081\u00b2"], ["x2^2", "x\u2082\u00b2"],
                    ["x1*x2", "x\u2081x\u2082"], ["sin(x1)", "sin x\u2081"], ["sin(x2)", "sin x\u2082"]];
  const RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const L2S = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
  const MAX_LAYERS = 6, MAX_NEURONS = 8, FRAME_MS = 66;   // ≈ 15 frames a second while playing

  let state = JSON.parse($("pg-first").textContent);
  let config = {...state.config};
  let playing = false, busy = false, frames = 0;
  let graphView = null, graphNeuron = null, graphTimer = null, graphStructure = null;

  // ----- talking to the server -------------------------------------------------------------------
  async function api(method, path, body, query = {}) {
    const q = new URLSearchParams({...query, token});
    const init = {method, cache: "no-store"};
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers = {"Content-Type": "application/json"}; }
    const response = await fetch(path + "?" + q.toString(), init);
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || ("HTTP " + response.status));
    return answer;
  }

  function showError(message) {
    $("pg-error").hidden = !message;
    $("pg-error").textContent = message || "";
  }

  async function act(method, path, body) {
    try {
      const answer = await api(method, path, body);
      showError(answer.error);
      show(answer);
      return answer;
    } catch (error) { showError(error.message); return null; }
  }

  async function reset() {
    const answer = await act("POST", "api/reset", config);
    if (answer) { setPlaying(false); config = {...answer.config}; syncControls(); }
  }

  function setPlaying(on) {
    playing = on;
    const button = $("pg-play");
    button.innerHTML = on ? "&#x275A;&#x275A;" : "&#x25B6;";
    button.classList.toggle("pg-playing", on);
    button.setAttribute("aria-label", on ? "Pause" : "Play");
    if (on) loop(); else refreshSnippet(state);
  }

  async function togglePlay() {
    const answer = await act("POST", playing ? "api/pause" : "api/play");
    if (answer) setPlaying(answer.playing);
  }

  async function loop() {   // one frame after another while playing, at most one request in flight
    while (playing) {
      const started = performance.now();
      if (!busy) {
        busy = true;
        try {
          const answer = await api("GET", "api/state");
          if (playing) show(answer);
          if (!answer.playing) { setPlaying(false); showError(answer.error); }
        } catch (error) { showError(error.message); setPlaying(false); }
        busy = false;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, FRAME_MS - (performance.now() - started))));
    }
  }

  // ----- controls ----------------------------------------------------------------------------------
  function fillSelect(name, values) {
    const select = document.querySelector(`select[name="${name}"]`);
    for (const v of values) select.append(new Option(String(v), String(v)));
  }

  function syncControls() {
    for (const el of document.querySelectorAll("[name]")) {
      if (!(el.name in config)) continue;
      const value = config[el.name];
      if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === String(value))) el.append(new Option(String(value), String(value)));
      el.value = String(value);
    }
    $("pg-test-out").textContent = Math.round(config.test_fraction * 100) + "%";
    $("pg-noise-out").textContent = config.noise.toFixed(2);
    $("pg-batch-out").textContent = config.batch_size;
    $("pg-points-out").textContent = config.points;
    for (const b of document.querySelectorAll("[data-dataset]")) b.classList.toggle("pg-on", b.dataset.dataset === config.dataset);
    const n = config.hidden.length;
    $("pg-layer-count").textContent = n + (n === 1 ? " hidden layer" : " hidden layers");
  }

  function bindControls() {
    fillSelect("lr", RATES);
    fillSelect("l2", L2S);
    for (const [key, title] of DATASETS) {
      const b = document.createElement("button");
      b.className = "pg-dataset"; b.dataset.dataset = key; b.textContent = title;
      b.addEventListener("click", () => { config.dataset = key; reset(); });
      $("pg-datasets").append(b);
    }
    for (const el of document.querySelectorAll("select[name], input[name]")) {
      const numeric = el.type === "range" || el.type === "number" || ["lr", "l2"].includes(el.name);
      const read = () => { config[el.name] = numeric ? Number(el.value) : el.value; };
      el.addEventListener("input", () => { read(); syncControls(); });
      el.addEventListener("change", () => { read(); reset(); });
    }
    $("pg-play").addEventListener("click", togglePlay);
    $("pg-stepbtn").addEventListener("click", () => { if (!playing) act("POST", "api/step", {n: 1}); });
    $("pg-reset").addEventListener("click", reset);
    $("pg-regen").addEventListener("click", () => { config.seed = (config.seed + 1) % 100000; reset(); });
    $("pg-add-layer").addEventListener("click", () => {
      if (config.hidden.length < MAX_LAYERS) { config.hidden = [...config.hidden, 2]; reset(); }
    });
    $("pg-remove-layer").addEventListener("click", () => {
      if (config.hidden.length > 0) { config.hidden = config.hidden.slice(0, -1); reset(); }
    });
    $("pg-show-test").addEventListener("change", () => drawPlane(state));
    $("pg-discrete").addEventListener("change", () => drawPlane(state));
    $("pg-graph-close").addEventListener("click", closeGraph);
    $("pg-sample").addEventListener("change", () => graphNeuron && openGraph(graphNeuron));
    $("pg-copy").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("pg-snippet").textContent));
    $("pg-save").href = "api/model?token=" + encodeURIComponent(token);
  }

  // ----- colours and small pictures ------------------------------------------------------------------
  function mix(a, b, t) { return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t)); }
  function diverging(v) {   // v in [-1, 1] → orange … grey … blue
    const t = Math.max(-1, Math.min(1, v));
    return t < 0 ? mix(MID, NEG, -t) : mix(MID, POS, t);
  }
  function rgb(c, alpha = 1) { return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`; }

  function paint(canvas, grid, toUnit, pale = 0) {   // a square grid of numbers → pixels, smoothed when scaled up
    const n = grid.length;
    const small = document.createElement("canvas");
    small.width = small.height = n;
    const ctx = small.getContext("2d");
    const image = ctx.createImageData(n, n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const col = mix(diverging(toUnit(grid[r][c])), [255, 255, 255], pale);
        const at = 4 * (r * n + c);
        image.data[at] = col[0]; image.data[at + 1] = col[1]; image.data[at + 2] = col[2]; image.data[at + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    const out = canvas.getContext("2d");
    out.imageSmoothingEnabled = true;
    out.imageSmoothingQuality = "high";
    out.drawImage(small, 0, 0, canvas.width, canvas.height);
  }

  function neuronScale(scale) {   // a small map holds whole numbers q, value = q·scale/100
    if (state.config.activation === "tanh") return (q) => q * scale / 100;          // tanh lives in [-1, 1]
    if (state.config.activation === "sigmoid") return (q) => q * scale / 50 - 1;    // sigmoid in [0, 1]
    return (q) => q / 100;                                                          // the rest: by their largest
  }

  // ----- the decision boundary ------------------------------------------------------------------------
  function drawPlane(s) {
    if (!s.heatmap) return;
    const canvas = $("pg-heatmap");
    const discrete = $("pg-discrete").checked;
    paint(canvas, s.heatmap, (p) => discrete ? (p > 0.5 ? 1 : -1) : 2 * p - 1, 0.45);   // pale, so points stand out
    const ctx = canvas.getContext("2d");
    const size = canvas.width, e = s.extent;
    const px = (x) => (x + e) / (2 * e) * size, py = (y) => (e - y) / (2 * e) * size;
    ctx.strokeStyle = "rgba(255,255,255,0.6)"; ctx.lineWidth = 1;
    for (let t = -e + 1; t < e; t++) {   // a light grid every unit
      ctx.beginPath(); ctx.moveTo(px(t), 0); ctx.lineTo(px(t), size); ctx.moveTo(0, py(t)); ctx.lineTo(size, py(t)); ctx.stroke();
    }
    const drawPoints = (points, test) => {
      for (const [x, y, label] of points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), test ? 6.5 : 6, 0, 2 * Math.PI);
        ctx.fillStyle = rgb(label ? POS : NEG);
        ctx.fill();
        ctx.lineWidth = test ? 2.5 : 2;
        ctx.strokeStyle = test ? "#1b2631" : "#fff";
        ctx.stroke();
      }
    };
    drawPoints(s.points.train, false);
    if ($("pg-show-test").checked) drawPoints(s.points.test, true);
    ctx.fillStyle = "rgba(20,24,31,0.7)"; ctx.font = "22px system-ui, sans-serif";
    ctx.fillText(`\u2212${e}`, 6, size - 8); ctx.fillText(`${e}`, size - 22, size - 8);
    canvas.dataset.frames = String(++frames);
  }

  // ----- loss curves ------------------------------------------------------------------------------------
  function drawCurves(s) {
    const canvas = $("pg-curves"), ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height, pad = 6;
    ctx.clearRect(0, 0, w, h);
    const steps = s.curves.step, series = [["train_loss", "#475569", []], ["test_loss", "#d9468f", [10, 6]]];
    let top = 1e-9;
    for (const [key] of series) for (const v of s.curves[key]) if (v !== null) top = Math.max(top, v);
    const last = Math.max(1, steps[steps.length - 1]);
    ctx.strokeStyle = "#e5e7eb"; ctx.lineWidth = 1;
    for (let k = 1; k < 4; k++) { ctx.beginPath(); ctx.moveTo(0, h * k / 4); ctx.lineTo(w, h * k / 4); ctx.stroke(); }
    let drawn = 0;
    for (const [key, colour, dash] of series) {
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = 3;
      s.curves[key].forEach((v, i) => {
        if (v === null) return;
        const x = pad + (w - 2 * pad) * steps[i] / last, y = h - pad - (h - 2 * pad) * v / top;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        drawn++;
      });
      ctx.stroke();
    }
    ctx.setLineDash([]);
    canvas.dataset.points = String(drawn);
  }

  // ----- the network diagram ---------------------------------------------------------------------------
  function networkLayout(s) {
    const box = 38, gapY = 18, top = 40;
    const room = ($("pg-network").clientWidth || 600) - 150;   // spread the columns over the panel
    const colW = Math.max(104, Math.min(190, room / Math.max(1, s.network.length)));
    const columns = [FEATURES.map(([key, label]) => ({key, label, feature: true, on: s.config.features.includes(key)}))];
    s.network.forEach((layer, l) => columns.push(layer.map((n, i) => ({key: n.name, label: n.name, layer: l + 1, index: i + 1, neuron: n}))));
    const height = Math.max(...columns.map((c) => c.length)) * (box + gapY) + top + 10;
    columns.forEach((col, c) => col.forEach((item, r) => { item.x = 70 + c * colW; item.y = top + r * (box + gapY); }));
    return {columns, box, height, width: 70 + (columns.length - 1) * colW + box + 30};
  }

  function drawNetwork(s) {
    const {columns, box, height, width} = networkLayout(s);
    const holder = $("pg-network");
    const structure = JSON.stringify([s.sizes, s.config.features, width]);
    if (holder.dataset.structure !== structure) buildNetwork(holder, columns, box, width, height, s);
    holder.dataset.structure = structure;
    let biggest = 1e-9;
    for (const layer of s.network) for (const n of layer) for (const w of n.weights) biggest = Math.max(biggest, Math.abs(w));
    for (const path of holder.querySelectorAll("path.pg-edge")) {
      const n = s.network[path.dataset.layer - 1][path.dataset.index - 1];
      const w = n.weights[path.dataset.input - 1];
      path.setAttribute("stroke", rgb(w < 0 ? NEG : POS));
      path.setAttribute("stroke-width", (0.6 + 7 * Math.sqrt(Math.abs(w) / biggest)).toFixed(2));
      path.setAttribute("stroke-opacity", (0.35 + 0.6 * Math.min(1, Math.abs(w) / biggest)).toFixed(2));
    }
    columns.forEach((col, c) => col.forEach((item, r) => {
      const canvas = holder.querySelector(`canvas[data-key="${CSS.escape(item.key)}"]`);
      if (!canvas || (item.feature && !item.on)) return;
      const map = item.feature ? s.feature_maps[s.config.features.indexOf(item.key)] : s.neuron_maps && s.neuron_maps[item.layer - 1][item.index - 1];
      if (map) paint(canvas, map.grid, item.feature || item.layer === s.network.length ? (q) => q / 100 : neuronScale(map.scale));
    }));
  }

  function buildNetwork(holder, columns, box, width, height, s) {
    holder.innerHTML = "";
    holder.style.height = height + "px";
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", width); svg.setAttribute("height", height); svg.classList.add("pg-edges");
    holder.append(svg);
    for (let c = 1; c < columns.length; c++) {
      const inputs = c === 1 ? columns[0].filter((f) => f.on) : columns[c - 1];
      for (const item of columns[c]) {
        inputs.forEach((src, j) => {
          const x1 = src.x + box, y1 = src.y + box / 2, x2 = item.x, y2 = item.y + box / 2, mid = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
          for (const cls of ["pg-edge", "pg-edge-hit"]) {
            const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
            path.setAttribute("d", d); path.setAttribute("class", cls);
            Object.assign(path.dataset, {layer: item.layer, index: item.index, input: j + 1, weight: `${item.key}.w${j + 1}`});
            if (cls === "pg-edge-hit") hoverTip(path, () => weightTip(path));
            svg.append(path);
          }
        });
      }
    }
    columns.forEach((col, c) => col.forEach((item) => {
      const node = document.createElement("div");
      node.className = "pg-node" + (item.feature ? " pg-feature" + (item.on ? " pg-on" : "") : "");
      node.style.left = item.x + "px"; node.style.top = item.y + "px";
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 40; canvas.dataset.key = item.key;
      node.append(canvas);
      const label = document.createElement("span");
      const output = !item.feature && item.layer === s.network.length;
      label.textContent = item.feature ? item.label : output ? "output" : item.key.replace(/^L(\d+)\.N(\d+)$/, "L$1\u00b7N$2");
      label.className = item.feature ? "pg-feature-label" : "pg-neuron-label";
      node.append(label);
      if (item.feature) {
        node.title = item.on ? "Click to stop feeding this feature" : "Click to feed this feature to the network";
        node.addEventListener("click", () => toggleFeature(item.key));
      } else {
        Object.assign(node.dataset, {neuron: item.key, layer: item.layer, index: item.index});
        node.addEventListener("click", () => openGraph(item));
        hoverTip(node, () => neuronTip(item));
      }
      holder.append(node);
    }));
    for (let l = 0; l < config.hidden.length; l++) {   // + / − neurons above each hidden layer
      const x = columns[l + 1][0].x, bar = document.createElement("div");
      bar.className = "pg-neuron-buttons"; bar.style.left = (x - 6) + "px";
      bar.innerHTML = `<button class="pg-mini" title="Add a neuron">+</button><button class="pg-mini" title="Remove a neuron">&minus;</button>`;
      const [plus, minus] = bar.querySelectorAll("button");
      plus.addEventListener("click", () => resize(l, +1));
      minus.addEventListener("click", () => resize(l, -1));
      holder.append(bar);
    }
  }

  function resize(layer, delta) {
    const width = config.hidden[layer] + delta;
    if (width < 1 || width > MAX_NEURONS) return;
    config.hidden = config.hidden.map((w, i) => (i === layer ? width : w));
    reset();
  }

  function toggleFeature(key) {
    const on = new Set(config.features);
    if (on.has(key)) { if (on.size === 1) return; on.delete(key); } else on.add(key);
    config.features = FEATURES.map(([k]) => k).filter((k) => on.has(k));
    reset();
  }

  // ----- tooltips ------------------------------------------------------------------------------------
  function fmt(x) { return x === null || x === undefined ? "\u2013" : (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-4) ? x.toExponential(3) : x.toFixed(4)); }

  function hoverTip(el, text) {
    const tip = $("pg-tip");
    el.addEventListener("pointerenter", () => { tip.innerHTML = text(); tip.hidden = false; el.classList.add("pg-hover"); });
    el.addEventListener("pointermove", (e) => { tip.style.left = (e.clientX + 14) + "px"; tip.style.top = (e.clientY + 14) + "px"; });
    el.addEventListener("pointerleave", () => { tip.hidden = true; el.classList.remove("pg-hover"); });
  }

  function weightTip(path) {
    const n = state.network[path.dataset.layer - 1][path.dataset.index - 1], j = path.dataset.input - 1;
    const source = path.dataset.layer === "1" ? FEATURES.find(([k]) => k === state.config.features[j])[1] : `L${path.dataset.layer - 1}\u00b7N${j + 1}`;
    return `<b>${path.dataset.weight}</b> <span class="pg-tip-from">from ${source}</span><br>` +
      `weight <code data-tip="value">${fmt(n.weights[j])}</code><br>gradient <code data-tip="grad">${fmt(n.grads[j])}</code>`;
  }

  function neuronTip(item) {
    const n = state.network[item.layer - 1][item.index - 1];
    return `<b>${item.key}</b><br>bias <code>${fmt(n.bias)}</code><br>bias gradient <code>${fmt(n.bias_grad)}</code>` +
      `<br><span class="pg-tip-from">click: its scalar graph</span>`;
  }

  // ----- a neuron's scalar graph (the explorer's view) -----------------------------------------------------
  async function fetchGraph(extra = {}) {
    const sample = Math.max(0, Math.min(state.points.train.length - 1, Number($("pg-sample").value) || 0));
    const query = {layer: graphNeuron.layer, index: graphNeuron.index, sample, ...extra};
    if (graphStructure) query.have = graphStructure;
    const snap = await api("GET", "api/neuron", undefined, query);
    if (snap.structure) graphStructure = snap.structure;
    const [x, y, label] = state.points.train[sample];
    $("pg-sample-info").textContent = `(x\u2081 = ${x.toFixed(3)}, x\u2082 = ${y.toFixed(3)}, class ${label})`;
    return snap;
  }

  async function openGraph(item) {
    graphNeuron = item; graphStructure = null;
    for (const el of document.querySelectorAll(".pg-node.pg-selected")) el.classList.remove("pg-selected");
    const node = document.querySelector(`[data-neuron="${item.key}"]`);
    if (node) node.classList.add("pg-selected");
    $("pg-graph-card").hidden = false;
    $("pg-graph-title").textContent = `Neuron ${item.key}: its scalar graph`;
    let snap;
    try { snap = await fetchGraph(); } catch (error) { showError(error.message); return; }
    const holder = $("pg-graph");
    holder.innerHTML = "";
    if (typeof mount === "function") {   // the explorer's view module, inlined above this script
      graphView = mount(holder, {snapshot: snap, request: (params) => fetchGraph(params)});
    } else {
      graphView = null;
      holder.append(graphTable(snap));
    }
    holder.dataset.neuron = item.key;
    $("pg-graph-card").scrollIntoView({behavior: "smooth", block: "nearest"});
    clearInterval(graphTimer);
    graphTimer = setInterval(() => playing && refreshGraph(), 400);   // live values and gradients while training
  }

  async function refreshGraph() {
    if (!graphNeuron) return;
    try {
      const moved = graphView && graphView.state ? graphView.state().values : {};   // keep the view's x1, x2
      const at = {};
      for (const name of ["x1", "x2"]) if (moved[name] !== undefined) at[name] = moved[name];
      const snap = await fetchGraph(at);
      if (graphView && graphView.update) graphView.update(snap);
      else { $("pg-graph").innerHTML = ""; $("pg-graph").append(graphTable(snap)); }
    } catch (error) { /* the next frame will tell */ }
  }

  function graphTable(snap) {   // a plain listing when the explorer view is not available
    const table = document.createElement("table");
    table.className = "pg-graph-table";
    table.innerHTML = "<tr><th>node</th><th>op</th><th>value</th><th>gradient</th></tr>";
    for (const n of snap.nodes) {
      const row = table.insertRow();
      row.dataset.name = n.name;
      for (const text of [n.name, n.op || n.role || "", fmt(n.data), fmt(n.grad)]) row.insertCell().textContent = text;
    }
    return table;
  }

  function closeGraph() {
    clearInterval(graphTimer);
    graphNeuron = null; graphView = null;
    $("pg-graph-card").hidden = true;
    for (const el of document.querySelectorAll(".pg-node.pg-selected")) el.classList.remove("pg-selected");
  }

  // ----- one frame -------------------------------------------------------------------------------------
  let snippetStep = -1;
  async function refreshSnippet(s) {
    if (s.step === snippetStep || (playing && s.step - snippetStep < 200)) return;
    snippetStep = s.step;
    try { $("pg-snippet").textContent = (await api("GET", "api/snippet")).snippet; } catch (error) { /* shown elsewhere */ }
  }

  function show(s) {
    state = s;
    $("pg-step").textContent = String(s.step).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    $("pg-epoch").textContent = "epoch " + s.epoch.toFixed(2);
    $("pg-test-loss").textContent = fmt(s.test_loss);
    $("pg-train-loss").textContent = fmt(s.train_loss);
    $("pg-test-acc").textContent = `accuracy ${(100 * s.test_accuracy).toFixed(1)}%`;
    $("pg-train-acc").textContent = `accuracy ${(100 * s.train_accuracy).toFixed(1)}%`;
    if ($("pg-sample").max !== String(s.points.train.length - 1)) $("pg-sample").max = String(s.points.train.length - 1);
    drawCurves(s);
    drawPlane(s);
    drawNetwork(s);
    refreshSnippet(s);
    if (graphNeuron && !playing) refreshGraph();
  }

  function start() {
    bindControls();
    syncControls();
    show(state);
    showError(state.error);
    setPlaying(Boolean(state.playing));
  }

  return {start, state: () => state, frames: () => frames, openGraph};
})();

PG.start();
window.vgPlayground = PG;

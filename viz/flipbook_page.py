"""The flip-book page's HTML, CSS and script (no math in it: the steps' texts and numbers come from Python)."""

CSS = """
:root {{ --accent: {accent}; --fresh: {fresh}; --unknown: {unknown}; --ink: {ink}; --muted: {muted}; --data: {data}; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; background: #f5f7fa; color: var(--ink); font: 15px/1.45 Helvetica, Arial, sans-serif; }}
main {{ max-width: 1200px; margin: 0 auto; padding: 20px 24px 32px; }}
h1 {{ font-size: 20px; font-weight: 600; margin: 0 0 2px; }}
.hint {{ color: var(--muted); font-size: 13px; margin: 0 0 14px; }}
kbd {{ border: 1px solid #d3dae3; border-bottom-width: 2px; border-radius: 4px; padding: 0 5px;
  background: #fff; font: 12px Helvetica, Arial, sans-serif; }}
.controls {{ display: flex; align-items: center; gap: 10px; background: #fff; border: 1px solid #d3dae3;
  border-radius: 10px; padding: 10px 14px; margin-bottom: 14px; }}
button {{ font: inherit; font-size: 14px; color: var(--ink); background: #fff; border: 1px solid #c3c8cf;
  border-radius: 7px; padding: 5px 14px; cursor: pointer; min-width: 84px; }}
button:hover {{ border-color: var(--accent); color: var(--accent); }}
button:disabled {{ color: #c3c8cf; border-color: #e4e7eb; cursor: default; }}
button.play {{ background: var(--accent); border-color: var(--accent); color: #fff; }}
button.play:hover {{ filter: brightness(1.1); color: #fff; }}
button:focus-visible, input:focus-visible {{ outline: 2px solid var(--accent); outline-offset: 2px; }}
input[type=range] {{ flex: 1; accent-color: var(--accent); }}
.counter {{ min-width: 92px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }}
.counter b {{ color: var(--accent); }}
.step {{ background: #fff; border: 1px solid #d3dae3; border-radius: 10px; overflow: hidden; }}
.caption {{ padding: 12px 16px; border-bottom: 1px solid #e4e7eb; background: #fafbfc; min-height: 4.6em; }}
.caption p {{ margin: 0; }}
.caption p b {{ color: var(--accent); margin-right: 6px; }}
.caption ul {{ margin: 4px 0 0; padding-left: 22px; color: var(--data); font-size: 14px; }}
.picture {{ padding: 10px; text-align: center; overflow-x: auto; }}
.picture svg {{ max-width: 100%; height: auto; }}
.grad {{ fill: var(--ink); font-weight: normal; }}
/* the cell's box touches the card's rounded border: inset it so the colour stays inside the card */
.gradbg {{ transform-box: fill-box; transform-origin: center; transform: scale(0.9, 0.78); }}
.unknown .gradbg {{ fill: var(--unknown); }}
.unknown .grad {{ fill: var(--muted); }}
.fresh .gradbg {{ fill: var(--fresh); }}
.fresh .grad {{ fill: var(--accent); font-weight: bold; }}
.card.active path[fill="none"] {{ stroke: var(--accent); stroke-width: 3px; }}
.op.active path, .op.active polygon {{ stroke: var(--accent); stroke-width: 2.4px; }}
.edge.hot path {{ stroke: var(--accent); stroke-width: 2.4px; }}
.edge.hot polygon {{ stroke: var(--accent); fill: var(--accent); }}
.node[data-tip] {{ cursor: help; }}
#tip {{ position: fixed; pointer-events: none; background: #1f2933; color: #fff; font-size: 12px;
  line-height: 1.4; padding: 6px 9px; border-radius: 6px; white-space: pre-line; max-width: 420px;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); z-index: 10; }}
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="hint">Gradients flow from the output back to the inputs. Step with <kbd>&larr;</kbd> <kbd>&rarr;</kbd>,
play with <kbd>space</kbd>, hover a node for its value, gradient and local derivative.</p>
<div class="controls">
<button id="prev" type="button">&larr; Previous</button>
<button id="play" class="play" type="button">Play</button>
<button id="next" type="button">Next &rarr;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter" class="counter">step <b>0</b> of {last}</span>
</div>
<section class="step">
<div class="caption" id="caption"><p><b id="step-number">step 0</b> <span id="head"></span></p><ul id="lines"></ul></div>
<div class="picture" id="picture">{svg}</div>
</section>
<div id="tip" hidden></div>
</main>
<script type="application/json" id="steps-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""

JS = r"""
"use strict";
const steps = JSON.parse(document.getElementById("steps-data").textContent).steps;
const $ = (id) => document.getElementById(id);
const slider = $("slider"), prev = $("prev"), next = $("next"), play = $("play"), tip = $("tip");
const svg = document.querySelector("#picture svg");
const nodes = {}, edgesInto = {}, shown = {};  // shown: card id -> [text, exact] or absent (not known yet)
svg.querySelectorAll("g.node").forEach((g) => { nodes[g.id] = g; });
svg.querySelectorAll("g.edge").forEach((e) => { (edgesInto[e.dataset.to] ||= []).push(e); });
const cards = Object.values(nodes).filter((g) => g.querySelector(".grad"));
let current = 0, timer = null;

function paint(k) {  // every gradient as it stands after step k: replayed from the seed
  for (const key in shown) delete shown[key];
  for (let i = 0; i <= k; i++) for (const [id, text, exact] of steps[i].set) shown[id] = [text, exact];
  const fresh = new Set(steps[k].set.map((s) => s[0]));
  for (const g of cards) {
    const known = shown[g.id];
    g.querySelector(".grad").textContent = known ? known[0] : "?";
    g.classList.toggle("unknown", !known);
    g.classList.toggle("fresh", fresh.has(g.id));
  }
  svg.querySelectorAll(".active, .hot").forEach((el) => el.classList.remove("active", "hot"));
  const { node, op, flow } = steps[k];
  for (const id of [node, op]) if (id && nodes[id]) nodes[id].classList.add("active");
  for (const e of edgesInto[node] || []) if (e.dataset.from === op) e.classList.add("hot");
  if (flow) for (const e of edgesInto[op] || []) e.classList.add("hot");
}

function show(k) {
  current = Math.max(0, Math.min(steps.length - 1, k));
  paint(current);
  $("step-number").textContent = "step " + current;
  $("head").textContent = steps[current].head;
  $("lines").replaceChildren(...steps[current].lines.map((line) => {
    const li = document.createElement("li"); li.textContent = line; return li;
  }));
  slider.value = current;
  $("counter").innerHTML = "step <b>" + current + "</b> of " + (steps.length - 1);
  prev.disabled = current === 0;
  next.disabled = current === steps.length - 1;
  history.replaceState(null, "", "#step-" + current);  // a link or reload keeps the step
  if (timer && current === steps.length - 1) toggle();
}

function toggle() {
  if (timer) { clearInterval(timer); timer = null; }
  else {
    if (current === steps.length - 1) show(0);  // playing from the end starts over
    timer = setInterval(() => show(current + 1), 1000);
  }
  play.textContent = timer ? "Pause" : "Play";
}

function tipText(g) {  // the drawing's tooltip, its grad line as of the step shown
  const known = shown[g.id];
  const grad = "grad = " + (known ? known[1] : "? (not known yet)");
  return g.dataset.tip.split("\n").map((line) => line.startsWith("grad = ") ? grad : line).join("\n");
}

prev.onclick = () => show(current - 1);
next.onclick = () => show(current + 1);
play.onclick = toggle;
slider.oninput = () => show(Number(slider.value));
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
  else if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
  else if (e.key === " " && e.target.tagName !== "BUTTON") { toggle(); e.preventDefault(); }
});
svg.addEventListener("mousemove", (e) => {
  const g = e.target.closest("g.node[data-tip]");
  tip.hidden = !g;
  if (!g) return;
  tip.textContent = tipText(g);
  tip.style.left = Math.min(e.clientX + 14, innerWidth - tip.offsetWidth - 8) + "px";
  tip.style.top = (e.clientY + 16) + "px";
});
svg.addEventListener("mouseleave", () => { tip.hidden = true; });
show(Number(location.hash.replace("#step-", "")) || 0);
"""

// The tinygrad_lite graph explorer. Reads the trace embedded by
// tinygrad_lite.viz.explore() and steps through it; the SVG was laid out once
// at export time, so stepping only changes texts and outlines, never positions.
// No network: everything the page needs is in the page.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("tl-data").textContent);
  const nodes = data.nodes;
  const steps = data.steps;
  const forwardCount = steps.filter((s) => s.phase === "forward").length;
  const special = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  const toNumber = (x) => (typeof x === "string" ? special[x] : x);

  // What is known after `position` steps.
  let position = 0;
  const known = { data: [], grad: [], gradText: [] };
  let selected = null;
  let timer = null;

  // The step after which each node's gradient is final (its last contribution).
  const gradFinal = nodes.map(() => null);
  steps.forEach((step, k) => {
    (step.grad || []).forEach(([id]) => {
      gradFinal[id] = k + 1;
    });
  });

  // The SVG pieces of each node: its group, its op ellipse, its data and grad texts.
  const svgOf = nodes.map((node) => {
    const group = document.getElementById(node.svg);
    if (!group) return null;
    const texts = Array.from(group.querySelectorAll("text"));
    const find = (prefix) => texts.find((t) => t.textContent.startsWith(prefix)) || null;
    const parts = { group, op: document.getElementById(node.svg + "-op"), data: find("data "), grad: find("grad ") };
    [parts.data, parts.grad].forEach((t) => t && t.classList.add("tl-number"));
    return parts;
  });

  function clear() {
    position = 0;
    nodes.forEach((node, i) => {
      const leaf = node.op === "";
      known.data[i] = leaf ? toNumber(node.data) : null;
      known.grad[i] = null;
      known.gradText[i] = null;
    });
  }

  function apply(step) {
    (step.data || []).forEach((i) => {
      known.data[i] = toNumber(nodes[i].data);
    });
    (step.grad || []).forEach(([i, value, text]) => {
      known.grad[i] = toNumber(value);
      known.gradText[i] = text;
    });
  }

  function goTo(target) {
    target = Math.max(0, Math.min(steps.length, target));
    if (target < position) clear();
    while (position < target) apply(steps[position++]);
    draw();
  }

  function phase() {
    if (position < forwardCount) return "forward";
    return position < steps.length ? "backward" : "done";
  }

  function setClass(element, name, on) {
    if (element) element.classList.toggle(name, on);
  }

  function draw() {
    const current = position > 0 ? steps[position - 1] : null;
    nodes.forEach((node, i) => {
      const parts = svgOf[i];
      if (!parts) return;
      const hasData = known.data[i] !== null;
      const hasGrad = known.gradText[i] !== null;
      if (parts.data) parts.data.textContent = "data " + (hasData ? node.dataText : "?");
      if (parts.grad) parts.grad.textContent = "grad " + (hasGrad ? known.gradText[i] : "?");
      setClass(parts.data, "tl-unknown", !hasData);
      setClass(parts.grad, "tl-unknown", !hasGrad);
      const isCurrent = current !== null && current.node === i;
      setClass(parts.group, "tl-current", isCurrent);
      setClass(parts.op, "tl-current", isCurrent && current.phase === "forward");
    });
    const where = phase();
    const count = where === "forward" ? `forward ${position} / ${forwardCount}`
      : where === "backward" ? `backward ${position - forwardCount} / ${steps.length - forwardCount}`
        : "done";
    const caption = current ? ": " + current.caption : ": the inputs are given; press → to compute";
    document.getElementById("tl-status").textContent = count + caption;
    drawProgram(current);
    drawLedger();
    document.getElementById("tl-back").disabled = position === 0;
    document.getElementById("tl-reset").disabled = position === 0;
    document.getElementById("tl-next").disabled = position === steps.length;
    document.getElementById("tl-end").disabled = position === steps.length;
  }

  // The program panel: one <span> per line, the current step's lines highlighted.
  const code = { forward: document.getElementById("tl-forward-code"), backward: document.getElementById("tl-backward-code") };
  const lineElements = { forward: [], backward: [] };
  ["forward", "backward"].forEach((section) => {
    data.program[section].forEach((line) => {
      const span = document.createElement("span");
      span.textContent = line.text;
      code[section].appendChild(span);
      lineElements[section].push(span);
    });
  });
  if (data.programCut) {
    const note = document.getElementById("tl-program-cut");
    note.hidden = false;
    note.textContent = `(the first ${data.programCut} lines of each pass are shown)`;
  }

  function drawProgram(current) {
    ["forward", "backward"].forEach((section) => {
      lineElements[section].forEach((span) => span.classList.remove("tl-current"));
    });
    if (!current) return;
    const spans = lineElements[current.phase];
    current.lines.forEach((k) => spans[k] && spans[k].classList.add("tl-current"));
    const first = spans[current.lines[0]];
    if (first) {
      const pre = code[current.phase];
      pre.scrollTop = Math.max(0, first.offsetTop - pre.offsetTop - pre.clientHeight / 2);
    }
  }

  function drawLedger() {
    nodes.forEach((node, i) => {
      const parts = svgOf[i];
      if (!parts) return;
      setClass(parts.group, "tl-selected", selected === i);
      setClass(parts.group, "tl-input", selected !== null && nodes[selected].inputs.includes(i));
      setClass(parts.group, "tl-consumer", selected !== null && nodes[selected].consumers.includes(i));
    });
    const body = document.getElementById("tl-ledger-body");
    if (selected === null) {
      body.hidden = true;
      return;
    }
    const node = nodes[selected];
    body.hidden = false;
    document.getElementById("tl-ledger-hint").hidden = true;
    const kind = node.op ? `${node.role}, op ${node.op}` : node.role;
    document.getElementById("tl-ledger-name").textContent = `${node.name} (${kind})`;
    document.getElementById("tl-ledger-forward").textContent =
      known.data[selected] !== null ? node.forward : "not computed yet: step the forward pass";
    let gradient;
    if (gradFinal[selected] !== null && position >= gradFinal[selected]) gradient = node.gradient;
    else if (known.gradText[selected] !== null) gradient = `so far ${known.gradText[selected]}; more terms to come`;
    else gradient = "not reached yet: the backward pass comes after the forward pass";
    document.getElementById("tl-ledger-gradient").textContent = gradient;
  }

  function select(id) {
    selected = id === null || id === undefined ? null : Number(id);
    drawLedger();
  }

  function play(on) {
    const wanted = on === undefined ? timer === null : on;
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    if (wanted) {
      if (position === steps.length) goTo(0);
      timer = setInterval(() => {
        if (position >= steps.length) play(false);
        else goTo(position + 1);
      }, 600);
    }
    document.getElementById("tl-play").textContent = timer === null ? "▶ play" : "⏸ pause";
  }

  document.getElementById("tl-reset").addEventListener("click", () => goTo(0));
  document.getElementById("tl-back").addEventListener("click", () => goTo(position - 1));
  document.getElementById("tl-next").addEventListener("click", () => goTo(position + 1));
  document.getElementById("tl-end").addEventListener("click", () => goTo(steps.length));
  document.getElementById("tl-play").addEventListener("click", () => play());
  svgOf.forEach((parts, i) => {
    if (!parts) return;
    parts.group.addEventListener("click", () => select(i));
    if (parts.op) parts.op.addEventListener("click", () => select(i));
  });
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      ArrowRight: () => goTo(position + 1),
      ArrowLeft: () => goTo(position - 1),
      Home: () => goTo(0),
      End: () => goTo(steps.length),
      " ": () => play(),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  if (data.summary) {
    const note = document.getElementById("tl-summary");
    note.hidden = false;
    note.textContent = data.summary;
  }

  // The testing hook (documented in the README).
  window.tinygradLite = {
    step: (n = 1) => goTo(position + n),
    reset: () => goTo(0),
    toEnd: () => goTo(steps.length),
    phase,
    playing: () => timer !== null,
    select,
    state: () =>
      nodes.map((node, i) => ({ id: node.id, label: node.label, op: node.op, data: known.data[i], grad: known.grad[i] })),
  };

  clear();
  draw();
})();

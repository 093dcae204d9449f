// The tinygrad_lite graph explorer. Starts from (svgs, payload): the SVG of each
// view (laid out once, by pygraphviz at export or by Graphviz in a browser) and the
// trace that tinygrad_lite.viz.explorer.page_data() builds. Stepping only changes
// texts and outlines, never positions; zoom and pan change the SVG's viewBox.
// No network: everything the page needs is in the page.
// Entry point: window.tinygradLite.load(svgs, payload), documented in explorer.py.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const special = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  const toNumber = (x) => (typeof x === "string" ? special[x] : x);
  const ZOOM_STEP = 1.25;
  const MAX_ZOOM = 40; // times the fitted scale

  let data = null;
  let nodes = [];
  let steps = [];
  let forwardCount = 0;
  let position = 0;
  const known = { data: [], grad: [], gradText: [] };
  let gradFinal = [];
  let selected = null;
  let timer = null;
  let views = []; // {path, prefix, box, svg, base: [x, y, w, h], box: [...], parts: [...]}
  let current = null; // the view shown

  function setClass(element, name, on) {
    if (element) element.classList.toggle(name, on);
  }

  // ---- views: one SVG each, only one shown -------------------------------------
  function makeView(spec, svgText) {
    const holder = document.createElement("div");
    holder.innerHTML = svgText;
    const svg = holder.querySelector("svg");
    const base = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    svg.dataset.view = spec.path;
    const view = { path: spec.path, prefix: spec.prefix, box: spec.box, svg, base, viewBox: base.slice() };
    view.parts = nodes.map((node) => {
      const group = svg.querySelector(`[id="${spec.prefix + node.svg}"]`);
      if (!group) return null;
      const texts = Array.from(group.querySelectorAll("text"));
      const find = (prefix) => texts.find((t) => t.textContent.startsWith(prefix)) || null;
      const op = svg.querySelector(`[id="${spec.prefix + node.svg}-op"]`);
      return { group, op, data: find("data "), grad: find("grad ") };
    });
    view.boxes = {};
    svg.querySelectorAll('[id^="tl-box-"]').forEach((element) => {
      view.boxes[element.id] = element;
    });
    return view;
  }

  function show(view) {
    const graph = $("tl-graph");
    views.forEach((v) => {
      if (v.svg.parentNode) v.svg.parentNode.removeChild(v.svg);
    });
    graph.appendChild(view.svg);
    current = view;
    $("tl-up").hidden = view.path === "";
    $("tl-title").textContent = view.path === "" ? data.title : `${data.title}: inside ${view.path}`;
    fit();
    draw();
  }

  function openView(path) {
    const view = views.find((v) => v.path === (path || ""));
    if (!view) throw new Error(`no view ${JSON.stringify(path)}; views: ${views.map((v) => v.path)}`);
    show(view);
  }

  // ---- zoom and pan: the viewBox of the shown SVG ----------------------------------
  function setViewBox(box) {
    current.viewBox = box;
    current.svg.setAttribute("viewBox", box.map((x) => x.toFixed(2)).join(" "));
  }

  function fit() {
    if (current) setViewBox(current.base.slice());
  }

  function scale() {
    const matrix = current.svg.getScreenCTM();
    return matrix ? matrix.a : 1;
  }

  // Zoom by `factor` keeping the SVG point under (clientX, clientY) in place.
  function zoom(factor, clientX, clientY) {
    const rect = current.svg.getBoundingClientRect();
    const [x, y, w, h] = current.viewBox;
    const fitted = Math.min(rect.width / current.base[2], rect.height / current.base[3]);
    const now = Math.min(rect.width / w, rect.height / h);
    const target = Math.max(fitted * 0.5, Math.min(fitted * MAX_ZOOM, now * factor));
    const k = now / target;
    const px = clientX === undefined ? rect.left + rect.width / 2 : clientX;
    const py = clientY === undefined ? rect.top + rect.height / 2 : clientY;
    // The SVG point under the pointer, with preserveAspectRatio xMidYMid meet.
    const ox = x + (px - rect.left - (rect.width - w * now) / 2) / now;
    const oy = y + (py - rect.top - (rect.height - h * now) / 2) / now;
    setViewBox([ox - (ox - x) * k, oy - (oy - y) * k, w * k, h * k]);
  }

  function pan(dx, dy) {
    const rect = current.svg.getBoundingClientRect();
    const [x, y, w, h] = current.viewBox;
    const now = Math.min(rect.width / w, rect.height / h);
    setViewBox([x - dx / now, y - dy / now, w, h]);
  }

  // ---- stepping ----------------------------------------------------------------------
  function clear() {
    position = 0;
    nodes.forEach((node, i) => {
      known.data[i] = node.op === "" ? toNumber(node.data) : null;
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

  function draw() {
    if (!current) return;
    const step = position > 0 ? steps[position - 1] : null;
    views.forEach((view) => {
      nodes.forEach((node, i) => {
        const parts = view.parts[i];
        if (!parts) return;
        const hasData = known.data[i] !== null;
        const hasGrad = known.gradText[i] !== null;
        if (parts.data) parts.data.textContent = "data " + (hasData ? node.dataText : "?");
        if (parts.grad) parts.grad.textContent = "grad " + (hasGrad ? known.gradText[i] : "?");
        setClass(parts.data, "tl-unknown", !hasData);
        setClass(parts.grad, "tl-unknown", !hasGrad);
        const isCurrent = step !== null && step.node === i;
        setClass(parts.group, "tl-current", isCurrent);
        setClass(parts.op, "tl-current", isCurrent && step.phase === "forward");
      });
      const box = step ? nodes[step.node].box : "";
      Object.entries(view.boxes).forEach(([id, element]) => setClass(element, "tl-box-current", id === box));
    });
    const where = phase();
    const count = where === "forward" ? `forward ${position} / ${forwardCount}`
      : where === "backward" ? `backward ${position - forwardCount} / ${steps.length - forwardCount}`
        : "done";
    const caption = step ? ": " + step.caption : ": the inputs are given; press → to compute";
    $("tl-status").textContent = count + caption;
    drawProgram(step);
    drawLedger();
    $("tl-back").disabled = position === 0;
    $("tl-reset").disabled = position === 0;
    $("tl-next").disabled = position === steps.length;
    $("tl-end").disabled = position === steps.length;
  }

  // The program panel: one <span> per line, the current step's lines highlighted.
  const code = { forward: $("tl-forward-code"), backward: $("tl-backward-code") };
  const lineElements = { forward: [], backward: [] };

  function buildProgram() {
    ["forward", "backward"].forEach((section) => {
      code[section].textContent = "";
      lineElements[section] = data.program[section].map((line) => {
        const span = document.createElement("span");
        span.textContent = line.text;
        code[section].appendChild(span);
        return span;
      });
    });
    const note = $("tl-program-cut");
    note.hidden = !data.programCut;
    note.textContent = data.programCut ? `(the first ${data.programCut} lines of each pass are shown)` : "";
  }

  function drawProgram(step) {
    ["forward", "backward"].forEach((section) => {
      lineElements[section].forEach((span) => span.classList.remove("tl-current"));
    });
    if (!step) return;
    const spans = lineElements[step.phase];
    step.lines.forEach((k) => spans[k] && spans[k].classList.add("tl-current"));
    const first = spans[step.lines[0]];
    if (first) {
      const pre = code[step.phase];
      pre.scrollTop = Math.max(0, first.offsetTop - pre.offsetTop - pre.clientHeight / 2);
    }
  }

  function drawLedger() {
    views.forEach((view) => {
      nodes.forEach((node, i) => {
        const parts = view.parts[i];
        if (!parts) return;
        setClass(parts.group, "tl-selected", selected === i);
        setClass(parts.group, "tl-input", selected !== null && nodes[selected].inputs.includes(i));
        setClass(parts.group, "tl-consumer", selected !== null && nodes[selected].consumers.includes(i));
      });
    });
    const body = $("tl-ledger-body");
    if (selected === null) {
      body.hidden = true;
      return;
    }
    const node = nodes[selected];
    body.hidden = false;
    $("tl-ledger-hint").hidden = true;
    const kind = node.op ? `${node.role}, op ${node.op}` : node.role;
    $("tl-ledger-name").textContent = `${node.name} (${kind})`;
    $("tl-ledger-forward").textContent =
      known.data[selected] !== null ? node.forward : "not computed yet: step the forward pass";
    let gradient;
    if (gradFinal[selected] !== null && position >= gradFinal[selected]) gradient = node.gradient;
    else if (known.gradText[selected] !== null) gradient = `so far ${known.gradText[selected]}; more terms to come`;
    else gradient = "not reached yet: the backward pass comes after the forward pass";
    $("tl-ledger-gradient").textContent = gradient;
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
    $("tl-play").textContent = timer === null ? "▶ play" : "⏸ pause";
  }

  function present(on) {
    const wanted = on === undefined ? !document.body.classList.contains("tl-present") : Boolean(on);
    document.body.classList.toggle("tl-present", wanted);
    setClass($("tl-present"), "tl-on", wanted);
    fit();
    return wanted;
  }

  function panels(on) {
    const wanted = on === undefined ? document.body.classList.contains("tl-no-panels") : Boolean(on);
    document.body.classList.toggle("tl-no-panels", !wanted);
    setClass($("tl-panels"), "tl-on", wanted);
    fit();
    return wanted;
  }

  // ---- input: clicks, drag, wheel, keys (wired once) ------------------------------
  let drag = null;
  let dragged = false;
  const graph = $("tl-graph");
  graph.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, moved: false };
    dragged = false;
  });
  window.addEventListener("pointermove", (event) => {
    if (!drag || !current) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return; // a click, not a drag
    drag.moved = true;
    graph.classList.add("tl-dragging");
    pan(dx, dy);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  window.addEventListener("pointerup", () => {
    if (drag) dragged = drag.moved;
    drag = null;
    graph.classList.remove("tl-dragging");
  });
  graph.addEventListener("wheel", (event) => {
    if (!current) return;
    event.preventDefault();
    zoom(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, event.clientX, event.clientY);
  }, { passive: false });
  graph.addEventListener("click", (event) => {
    if (dragged || !current) {
      dragged = false;
      return;
    }
    const boxElement = event.target.closest('[id^="tl-box-"]');
    if (boxElement && current.path === "") {
      const inside = views.find((v) => v.box === boxElement.id && v.path !== "");
      if (inside) {
        openView(inside.path);
        return;
      }
    }
    const element = event.target.closest("g.node");
    if (!element) return;
    const id = element.id.replace(/-op$/, "");
    const i = current.parts.findIndex((parts) => parts && parts.group.id === id);
    if (i >= 0) select(i);
  });

  $("tl-reset").addEventListener("click", () => goTo(0));
  $("tl-back").addEventListener("click", () => goTo(position - 1));
  $("tl-next").addEventListener("click", () => goTo(position + 1));
  $("tl-end").addEventListener("click", () => goTo(steps.length));
  $("tl-play").addEventListener("click", () => play());
  $("tl-zoom-in").addEventListener("click", () => zoom(ZOOM_STEP));
  $("tl-zoom-out").addEventListener("click", () => zoom(1 / ZOOM_STEP));
  $("tl-fit").addEventListener("click", () => fit());
  $("tl-panels").addEventListener("click", () => panels());
  $("tl-present").addEventListener("click", () => present());
  $("tl-up").addEventListener("click", () => openView(""));
  window.addEventListener("resize", () => fit());
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || !current) return;
    const actions = {
      ArrowRight: () => goTo(position + 1),
      ArrowLeft: () => goTo(position - 1),
      Home: () => goTo(0),
      End: () => goTo(steps.length),
      " ": () => play(),
      "+": () => zoom(ZOOM_STEP),
      "=": () => zoom(ZOOM_STEP),
      "-": () => zoom(1 / ZOOM_STEP),
      0: () => fit(),
      f: () => present(),
      p: () => panels(),
      Backspace: () => current.path !== "" && openView(""),
      Escape: () => (current.path !== "" ? openView("") : present(false)),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // ---- the entry point -----------------------------------------------------------
  function load(svgs, payload) {
    play(false);
    data = payload;
    nodes = data.nodes;
    steps = data.steps;
    forwardCount = steps.filter((s) => s.phase === "forward").length;
    gradFinal = nodes.map(() => null);
    steps.forEach((step, k) => {
      (step.grad || []).forEach(([id]) => {
        gradFinal[id] = k + 1;
      });
    });
    const texts = typeof svgs === "string" ? { "": svgs } : svgs;
    const specs = data.views || [{ path: "", prefix: "tl-", box: "" }];
    views = specs.filter((spec) => spec.path in texts).map((spec) => makeView(spec, texts[spec.path]));
    document.title = `tinygrad_lite explorer: ${data.title}`;
    const note = $("tl-summary");
    note.hidden = !data.summary;
    note.textContent = data.summary || "";
    selected = null;
    buildProgram();
    clear();
    show(views[0]);
  }

  window.tinygradLite = {
    load,
    step: (n = 1) => goTo(position + n),
    reset: () => goTo(0),
    toEnd: () => goTo(steps.length),
    phase,
    playing: () => timer !== null,
    select,
    zoom: (factor) => zoom(factor),
    fit,
    scale: () => scale(),
    present,
    panels,
    open: openView,
    view: () => (current ? current.path : null),
    state: () =>
      nodes.map((node, i) => ({ id: node.id, label: node.label, op: node.op, data: known.data[i], grad: known.grad[i] })),
  };

  const embedded = $("tl-data");
  if (embedded && embedded.textContent.trim() && !embedded.textContent.includes("{{DATA}}")) {
    load(JSON.parse($("tl-svgs").textContent), JSON.parse(embedded.textContent));
  }
})();

// The playground page: an editor, a Run button, Python in a worker (worker.js),
// its print output and errors, the explorer for the shown Value and the
// training panel. The code lives in the address (#code=...), so a link
// reproduces the page. window.tinygradLite drives it from tests and scripts.
import { createEditor } from "./vendor/editor.js";
import { explorerHook, mountExplorer } from "./explorer_adapter.js";
import { drawTraining } from "./training.js";

const $ = (id) => document.getElementById(id);
const frame = $("pg-explorer");

const state = {
  worker: null,
  ready: false,
  run: 0, // the id of the latest run
  running: null, // {id, resolve} while a run is going
  finished: 0,
  error: null,
  graphs: 0,
  mounting: Promise.resolve(),
  latestGraph: 0,
  training: { epochs: 0, losses: [], times: [] },
  bootMs: null,
  bootPhases: {},
  firstGraphMs: null,
  version: "",
};

// -- the address ----------------------------------------------------------

function codeFromAddress() {
  const match = location.hash.match(/^#code=(.*)$/s);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // a damaged link: fall back to the first example
  }
}

let addressTimer = null;
function writeAddress(code) {
  clearTimeout(addressTimer);
  addressTimer = null;
  const hash = "#code=" + encodeURIComponent(code);
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

// -- output ---------------------------------------------------------------

function say(text, kind) {
  const output = $("pg-output");
  const line = document.createElement("span");
  if (kind) line.className = kind;
  line.textContent = text + "\n";
  output.appendChild(line);
  output.scrollTop = output.scrollHeight;
}

function status(text, failed = false) {
  const element = $("pg-status");
  element.textContent = text;
  element.classList.toggle("pg-failed", failed);
}

function showError(error) {
  state.error = error ? { kind: error.kind, message: error.message, line: error.line } : null;
  const element = $("pg-error");
  element.hidden = !error;
  element.textContent = error ? (error.line ? `line ${error.line}: ${error.message}` : error.message) : "";
  editor.markError(error && error.line ? error.line : null);
  if (error && error.traceback) say(error.traceback.trimEnd(), "pg-stderr");
}

// -- Python ---------------------------------------------------------------

function startPython() {
  state.ready = false;
  $("pg-run").disabled = true;
  const worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
  state.worker = worker;
  worker.onmessage = ({ data: message }) => {
    if (worker !== state.worker) return; // a stopped worker's late message
    handlers[message.type](message);
  };
  worker.onerror = (event) => status(`Python could not start: ${event.message}`, true);
}

const handlers = {
  ready(message) {
    state.ready = true;
    state.bootMs = message.bootMs;
    state.bootPhases = { loadMs: message.loadMs, importMs: message.importMs };
    state.version = message.version;
    $("pg-run").disabled = false;
    status(`ready (${message.version}; started in ${(message.bootMs / 1000).toFixed(1)} s)`);
    if (state.run === 0) run();
  },
  fatal(message) {
    status("Python could not start (see the output)", true);
    say(message.message, "pg-stderr");
  },
  stdout: (message) => say(message.text),
  stderr: (message) => say(message.text, "pg-stderr"),
  graph(message) {
    const number = ++state.latestGraph;
    state.mounting = state.mounting
      .then(async () => {
        if (number !== state.latestGraph) return; // a newer graph is on its way: skip this one
        $("pg-nograph").hidden = true;
        frame.hidden = false;
        await mountExplorer(frame, message.svgs, message.data);
        state.graphs += 1;
        if (state.firstGraphMs === null) state.firstGraphMs = performance.now();
      })
      .catch((error) => say(`the explorer could not open the graph: ${error}`, "pg-stderr"));
  },
  training(message) {
    const times = [...state.training.times, message.time]; // the worker's clock, in ms
    state.training = { epochs: state.training.epochs + 1, losses: message.data.losses, times };
    drawTraining($("pg-training"), message.data);
  },
  async done(message) {
    if (!state.running || state.running.id !== message.run) return;
    await state.mounting;
    const summary = { error: message.error, result: message.result, shown: message.shown, ms: message.ms };
    if (message.result !== null) say(message.result, "pg-result");
    if (message.shown === 0) {
      // Nothing to step through: the previous run's graph would mislead.
      frame.hidden = true;
      frame.srcdoc = "";
      $("pg-nograph").hidden = false;
      $("pg-nograph").textContent = message.error
        ? "No graph: the run stopped at an error before showing a Value."
        : "This run showed no Value: end the code with an expression that gives one, or call show(v).";
    }
    showError(message.error);
    const seconds = (message.ms / 1000).toFixed(2);
    status(message.error ? `failed after ${seconds} s` : `done in ${seconds} s`, Boolean(message.error));
    finishRun(summary);
  },
};

function finishRun(summary) {
  const { resolve } = state.running;
  state.running = null;
  state.finished += 1;
  $("pg-run").disabled = !state.ready;
  $("pg-stop").disabled = true;
  resolve(summary);
}

/** Runs the editor's code; resolves with {error, result, shown, ms} once drawn. */
function run() {
  if (!state.ready) return Promise.reject(new Error("Python is still loading"));
  if (state.running) return state.running.promise;
  const code = editor.getCode();
  writeAddress(code);
  $("pg-output").textContent = "";
  showError(null);
  $("pg-training").hidden = true;
  state.training = { epochs: 0, losses: [], times: [] };
  const id = ++state.run;
  let resolve;
  const promise = new Promise((done) => (resolve = done));
  state.running = { id, resolve, promise };
  $("pg-run").disabled = true;
  $("pg-stop").disabled = false;
  status("running…");
  state.worker.postMessage({ type: "run", code, run: id });
  return promise;
}

function stop() {
  if (!state.running) return;
  state.worker.terminate();
  const error = { kind: "Stopped", message: "Stopped: Python was ended and starts afresh", line: null };
  showError(error);
  status("stopped; starting Python afresh…", true);
  finishRun({ error, result: null, shown: 0, ms: 0 });
  startPython();
}

// -- the page -------------------------------------------------------------

const examples = await fetch(new URL("examples.json", import.meta.url)).then((response) => response.json());
const menu = $("pg-examples");
menu.append(new Option("(your code)", ""));
menu.options[0].disabled = true;
for (const example of examples) menu.append(new Option(example.title, example.name));

function selectMatching(code) {
  const example = examples.find((candidate) => candidate.code === code);
  menu.value = example ? example.name : "";
}

const initial = codeFromAddress() ?? examples[0].code;
const editor = createEditor({
  parent: $("pg-editor"),
  doc: initial,
  onRun: () => run(),
  onChange(code) {
    selectMatching(code);
    clearTimeout(addressTimer);
    addressTimer = setTimeout(() => writeAddress(code), 300);
  },
});
selectMatching(initial);

function setCode(code) {
  editor.setCode(code);
  writeAddress(code);
}

function loadExample(name) {
  const example = examples.find((candidate) => candidate.name === name);
  if (!example) throw new Error(`no example named ${name}: ${examples.map((e) => e.name).join(", ")}`);
  setCode(example.code);
  menu.value = name;
  return state.ready ? run() : Promise.resolve(null);
}

menu.addEventListener("change", () => menu.value && loadExample(menu.value));
$("pg-run").addEventListener("click", () => run());
$("pg-stop").addEventListener("click", () => stop());
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !event.defaultPrevented) {
    event.preventDefault();
    run();
  }
});
addEventListener("hashchange", () => {
  const code = codeFromAddress();
  if (code !== null && code !== editor.getCode()) {
    editor.setCode(code);
    selectMatching(code);
    if (state.ready) run();
  }
});

function explorerCall(name) {
  return (...args) => {
    const hook = explorerHook(frame);
    if (!hook) throw new Error("no graph is shown yet");
    return hook[name](...args);
  };
}

window.tinygradLite = {
  ready: () => state.ready,
  run: (code) => {
    if (code !== undefined) setCode(code);
    return run();
  },
  stop,
  code: () => editor.getCode(),
  setCode,
  examples: () => examples.map((example) => example.name),
  loadExample,
  runs: () => state.finished,
  error: () => state.error,
  markedLine: () => editor.markedLine(),
  output: () => $("pg-output").textContent,
  graphs: () => state.graphs,
  training: () => state.training,
  timings: () => ({ bootMs: state.bootMs, ...state.bootPhases, firstGraphMs: state.firstGraphMs }),
  // The explorer's own hook, on the graph shown now.
  step: explorerCall("step"),
  reset: explorerCall("reset"),
  toEnd: explorerCall("toEnd"),
  phase: explorerCall("phase"),
  state: explorerCall("state"),
  select: explorerCall("select"),
};

startPython();

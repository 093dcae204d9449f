// The playground's Python: Pyodide with tinygrad_lite, in a module Web Worker so
// the page stays responsive while code runs (and Stop can end it). Python's
// drawings arrive through emit(kind, json); graphs are laid out here, by
// Graphviz compiled to WebAssembly (viz-js), so the page receives SVG.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
import { instance } from "./vendor/viz-standalone.mjs";

const site = new URL("./", import.meta.url);
const packages = "/lib/tinygrad_lite_site";
const started = performance.now();

const post = (message) => postMessage({ ...message, time: performance.now() });

async function boot() {
  const [pyodide, viz, archive] = await Promise.all([
    loadPyodide({
      indexURL: new URL("vendor/pyodide/", site).href,
      stdout: (text) => post({ type: "stdout", text }),
      stderr: (text) => post({ type: "stderr", text }),
    }),
    instance(),
    fetch(new URL("tinygrad_lite.zip", site)).then((response) => {
      if (!response.ok) throw new Error(`tinygrad_lite.zip: HTTP ${response.status}`);
      return response.arrayBuffer();
    }),
  ]);
  const loaded = performance.now();
  pyodide.unpackArchive(archive, "zip", { extractDir: packages });
  pyodide.runPython(`import sys; sys.path.insert(0, "${packages}")`);
  const runtime = pyodide.pyimport("tinygrad_lite.playground.runtime");
  const version = pyodide.runPython("import sys, tinygrad_lite; f'Python {sys.version.split()[0]}, tinygrad_lite {tinygrad_lite.__version__}'");
  // How the start-up splits: Pyodide, the layout engine and the zip (together), then the imports.
  const phases = { loadMs: loaded - started, importMs: performance.now() - loaded };
  return { pyodide, viz, runtime, version, phases };
}

function emit(viz, kind, text) {
  const data = JSON.parse(text);
  if (kind === "graph") {
    // One SVG per view (the graph, and in a summary each neuron's inside). A
    // network's DOT carries pinned positions and says layout="nop": lay it
    // out with that engine, so the positions the model gave are kept.
    const svgs = {};
    for (const [path, dot] of Object.entries(data.views)) {
      const engine = /\blayout\s*=\s*"?nop"?/.test(dot) ? "nop" : "dot";
      svgs[path] = viz.renderString(dot, { format: "svg", engine });
    }
    post({ type: "graph", svgs, data: data.data });
  } else {
    post({ type: kind, data });
  }
}

const ready = boot();
ready.then(
  ({ version, phases }) => post({ type: "ready", bootMs: performance.now() - started, version, ...phases }),
  (error) => post({ type: "fatal", message: String(error && error.stack ? error.stack : error) }),
);

onmessage = async ({ data: message }) => {
  if (message.type !== "run") return;
  const { runtime, viz } = await ready;
  const begun = performance.now();
  let answer;
  try {
    answer = JSON.parse(runtime.run_json(message.code, (kind, text) => emit(viz, kind, text)));
  } catch (error) {
    // Not the learner's error (those come back in the answer): the runtime's or the layout's.
    answer = { error: { kind: "PlaygroundError", message: String(error), line: null, traceback: String(error && error.stack) }, result: null, shown: 0 };
  }
  post({ type: "done", run: message.run, ms: performance.now() - begun, ...answer });
};

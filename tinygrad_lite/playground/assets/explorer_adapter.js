// The one place the playground knows how the explorer's page is put together.
// The playground hands over what tinygrad_lite.viz.explorer.page_data built
// (the payload) and the SVG of each view laid out from its DOT text; this
// file fills the explorer's own template (explorer/explorer.html, .css, .js,
// copied from tinygrad_lite/viz/assets at build time) the way render_page()
// does in Python, and shows the page in a frame, whose script then starts
// with window.tinygradLite.load(svgs, payload).

const parts = ["explorer.html", "explorer.css", "explorer.js"];
let assets = null;

async function loadAssets() {
  if (assets === null) {
    assets = Promise.all(
      parts.map(async (name) => {
        const response = await fetch(new URL(`explorer/${name}`, import.meta.url));
        if (!response.ok) throw new Error(`explorer/${name}: HTTP ${response.status}`);
        return response.text();
      }),
    );
  }
  const [html, css, js] = await assets;
  return { html, css, js };
}

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// The SVG without its XML prolog, doctype, comments and tooltips, ready to inline.
function inlineSvg(svg) {
  return svg
    .slice(svg.indexOf("<svg"))
    .replace(/<!--[\s\S]*?-->\n?/g, "")
    .replace(/<title>[^<]*<\/title>\n?/g, "");
}

// JSON inside a <script> block: no "</script>" in it can end the block early.
const scriptJson = (value) => JSON.stringify(value).replace(/</g, "\\u003c");

/** Shows the explorer for ({view: svg}, data) in `frame`; resolves once its page has loaded. */
export async function mountExplorer(frame, svgs, data) {
  const { html, css, js } = await loadAssets();
  const inlined = Object.fromEntries(Object.entries(svgs).map(([path, svg]) => [path, inlineSvg(svg)]));
  const filled = {
    TITLE: escapeHtml(data.title),
    STYLE: css,
    SVGS: scriptJson(inlined),
    DATA: scriptJson(data),
    SCRIPT: js,
  };
  // One pass, so no text of the learner's that reads {{DATA}} is ever replaced.
  const page = html.replace(/\{\{([A-Z]+)\}\}/g, (match, key) => (key in filled ? filled[key] : match));
  await new Promise((resolve) => {
    frame.addEventListener("load", resolve, { once: true });
    frame.srcdoc = page;
  });
}

/** The explorer's own hook (step, reset, toEnd, phase, state, select), or null before a graph. */
export function explorerHook(frame) {
  const view = frame.contentWindow;
  return view && view.tinygradLite ? view.tinygradLite : null;
}

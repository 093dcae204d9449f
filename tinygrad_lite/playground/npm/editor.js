// The playground's code editor: CodeMirror 6 with Python highlighting, bundled
// by esbuild into the site's vendor/editor.js at build time (the only file of
// the site that is generated from JavaScript sources).
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, defaultHighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

// The line of the last error, as a line decoration that follows edits.
const setErrorLine = StateEffect.define();
const errorLine = Decoration.line({ class: "tl-error-line" });
const errorField = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    marks = marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(setErrorLine)) {
        const line = effect.value;
        const ok = line !== null && line >= 1 && line <= transaction.state.doc.lines;
        marks = ok ? Decoration.set([errorLine.range(transaction.state.doc.line(line).from)]) : Decoration.none;
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * An editor in `parent` holding `doc`.
 * onRun() is called for Ctrl+Enter (Cmd+Enter), onChange(text) after every edit.
 */
export function createEditor({ parent, doc, onRun, onChange }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        python(),
        syntaxHighlighting(defaultHighlightStyle),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
        errorField,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    getCode: () => view.state.doc.toString(),
    setCode(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, effects: setErrorLine.of(null) });
    },
    // Marks one line (1-based) as the error's; null clears the mark.
    markError(line) {
      view.dispatch({ effects: setErrorLine.of(line) });
      if (line !== null && line >= 1 && line <= view.state.doc.lines) {
        view.dispatch({ effects: EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "center" }) });
      }
    },
    // The line the error mark is on, or null.
    markedLine() {
      let found = null;
      view.state.field(errorField).between(0, view.state.doc.length, (from) => {
        found = view.state.doc.lineAt(from).number;
      });
      return found;
    },
    focus: () => view.focus(),
  };
}

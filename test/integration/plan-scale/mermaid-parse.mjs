// Parses Mermaid diagrams with the real parser of the `mermaid` package: reads a JSON list of diagram texts on
// stdin, prints a JSON list of `{ type }` (the diagram type mermaid detected) or `{ error }` (its parse error).
// mermaid is ESM only and its sanitizer (DOMPurify) needs a DOM, so this runs in its own Node process over jsdom.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ type: parsed.diagramType });
  } catch (e) {
    results.push({ error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(results));

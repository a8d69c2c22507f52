import type * as Yaml from 'yaml';

/**
 * The `yaml` package (about 70 modules), loaded on first use only: the CLI's `status` and `promote`
 * never need it, and a synth of plain JSON data needs it only for scalars that are not surely plain.
 */
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  // a require, not an import: loaded on the first call only
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return yamlModule ?? (yamlModule = require('yaml') as typeof Yaml);
}

/** Parse one YAML document (the `yaml` package's `parse`, loaded on first use). */
export function parseYaml(text: string): any {
  return yaml().parse(text);
}

/**
 * The one YAML serializer of the project: block style, no line folding (long strings stay on one line so
 * diffs stay one line), keys in insertion order (the constructs build objects in a fixed order, so the
 * same input gives the same bytes).
 *
 * Kubernetes, kubectl, Argo CD and Flux decode manifests with a YAML 1.1 reader (sigs.k8s.io/yaml on
 * go-yaml v2), kustomize with go-yaml v3. A string such as `on`, `no`, `1_000`, `0o17` or `2024-01-01`
 * written plain would be read back as a boolean, a number or a timestamp, so every string that any of
 * these readers (or a YAML 1.2 reader) would not read back as the same string is double-quoted:
 * - the yaml package's YAML 1.1 schema (as cdk8s's `Yaml.stringify`): booleans y/n/yes/no/on/off/true/false,
 *   null and `~`, ints with `_` separators, `0`-prefixed octals, `0b`/`0x` ints, sexagesimal numbers such
 *   as `1:20`, floats, `.inf`/`.nan`, timestamps;
 * - what go-yaml v2 reads as non-strings beyond that schema (`resolve.go`: every `_` dropped, then Go's
 *   `strconv.ParseInt(s, 0, 64)`, so also `0o17`, `0O17`, `0B101`, `0x_1F`), the merge key `<<`, and the
 *   bool and null words in any case (`oN`, `yEs`), which YAML 1.2 readers disagree on.
 *
 * Plain JSON data (plain objects, arrays, strings, finite numbers, booleans, null) is written by a direct
 * emitter: the block structure here, every scalar that is not surely plain rendered once by
 * `referenceYaml` in the same context (a map value, a top-level or nested map key, a sequence item, a
 * block scalar) and memoized, so the bytes are the ones `referenceYaml` writes. Anything else (another
 * type, a scalar whose rendering spans lines other than a block scalar) goes to `referenceYaml` whole.
 * test/render/yaml-emitter.test.ts checks the two agree on random values and on every file of dist/.
 */
export function toYaml(doc: unknown): string {
  return emitYaml(doc) ?? referenceYaml(doc);
}

/** Several documents separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map(toYaml).join('---\n');
}

/**
 * The reference serializer (and the fallback of `toYaml`): a `yaml` Document with the YAML 1.1 schema,
 * without the merge-key tag, and every string scalar `readsAsNonString` flags double-quoted.
 */
export function referenceYaml(doc: unknown): string {
  const { Document, visit } = yaml();
  const document = new Document(doc, {
    version: '1.1',
    // no merge-key tag: its stringifier writes `<<` plain whatever the quoting asks
    customTags: tags => tags.filter(t => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge'),
    aliasDuplicateObjects: false,
  });
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsNonString(node.value)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return document.toString({ lineWidth: 0, minContentWidth: 0 });
}

const WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '<<', '.nan', '.inf', '+.inf', '-.inf']);
/** Go integer syntax as `strconv.ParseInt(s, 0, 64)` takes it, after go-yaml v2 drops every `_`. */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
/** go-yaml v2's `yamlStyleFloat`, also tried after dropping `_`. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** YAML 1.1 sexagesimal ints and floats (`1:20`, `190:20:30.15`). */
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;
/** A YAML 1.1 timestamp starts with a four-digit year and `-`; go-yaml v2 tries any such value. */
const TIMESTAMP = /^[0-9]{4}-[0-9]/;

/**
 * Whether a plain scalar `s` would be read back by a YAML 1.1 reader (go-yaml v2, the yaml package with
 * `version: '1.1'`) as something other than the string `s`. The yaml package's own 1.1 schema quotes
 * most of these already; this adds what go-yaml v2 resolves beyond it.
 */
export function readsAsNonString(s: string): boolean {
  if (WORDS.has(s.toLowerCase())) {
    return true;
  }
  const plain = s.replace(/_/g, '');
  if (/^[-+0-9]/.test(s) && (GO_INT.test(plain) || YAML_FLOAT.test(plain) || SEXAGESIMAL.test(s) || TIMESTAMP.test(s))) {
    return true;
  }
  // go-yaml v2 hands a value starting with '.' to strconv.ParseFloat
  return /^\.[0-9]/.test(s);
}

// ---- the direct emitter ----

/** Thrown inside the emitter when the document needs `referenceYaml` whole. */
const FALLBACK = new Error('fallback to referenceYaml');

/**
 * A string written plain in every block context, known without `yaml`: it starts with a letter (so it is
 * no number, timestamp, `.inf`, `~` or indicator), holds only letters, digits and `._/-:@=+,` (no space,
 * so no `: ` and no ` #`), does not end with `:`, is shorter than an implicit key may be, is none of the
 * words a YAML 1.1 reader takes for a boolean or null (`readsAsNonString` flags no other string that
 * starts with a letter), and is not `e3`, `E12`, `e-1` or `e+3` (the yaml package's YAML 1.1 float
 * allows an exponent without digits before it). Images (`registry/app:1.0`) and label keys
 * (`app.kubernetes.io/name`) are such strings.
 */
const SURELY_PLAIN = /^[A-Za-z][A-Za-z0-9._/:@=+,-]{0,511}$/;
const PLAIN_WORDS = /^(?:true|false|null|yes|no|on|off|y|n|[eE][-+]?[0-9]+)$|:$/i;
export function surelyPlain(s: string): boolean {
  return SURELY_PLAIN.test(s) && !PLAIN_WORDS.test(s);
}

/** Memos of scalars rendered by `referenceYaml`, per context; each is cleared when it grows past the limit. */
const MEMO_LIMIT = 50_000;
const valueMemo = new Map<string | number, string>();
const itemMemo = new Map<string | number, string>();
const topKeyMemo = new Map<string, string>();
const keyMemo = new Map<string, string>();
const valueBlockMemo = new Map<string, string[]>();
const itemBlockMemo = new Map<string, string[]>();

function remember<V>(memo: Map<any, V>, k: unknown, v: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(k, v);
  return v;
}

/** The one line of a reference rendering between `prefix` and the final newline, or FALLBACK. */
function oneLine(text: string, prefix: string, suffix: string): string {
  if (!text.startsWith(prefix) || !text.endsWith(suffix) || text.indexOf('\n') !== text.length - 1) throw FALLBACK;
  return text.slice(prefix.length, text.length - suffix.length);
}

/** A single-line scalar (string, finite number, boolean, null) after `key: ` or after `- `. */
function scalar(v: unknown, item: boolean): string {
  if (typeof v === 'string') {
    if (surelyPlain(v)) return v;
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
    if (!Number.isFinite(v) || Object.is(v, -0)) throw FALLBACK;
  } else if (v === null) {
    return 'null';
  } else if (v === true) {
    return 'true';
  } else if (v === false) {
    return 'false';
  } else {
    throw FALLBACK;
  }
  const memo = item ? itemMemo : valueMemo;
  const hit = memo.get(v);
  if (hit !== undefined) return hit;
  const text = item ? oneLine(referenceYaml([v]), '- ', '\n') : oneLine(referenceYaml({ k: v }), 'k: ', '\n');
  return remember(memo, v, text);
}

/** A map key at the top level (where `---`, `...` and `%` start a directive or a document marker) or nested. */
function key(k: string, top: boolean): string {
  if (surelyPlain(k)) return k;
  const memo = top ? topKeyMemo : keyMemo;
  const hit = memo.get(k);
  if (hit !== undefined) return hit;
  const text = top ? oneLine(referenceYaml({ [k]: 1 }), '', ': 1\n') : oneLine(referenceYaml({ a: { [k]: 1 } }), 'a:\n  ', ': 1\n');
  if (text.startsWith('? ')) throw FALLBACK;
  return remember(memo, k, text);
}

/**
 * A string with a line break, as a block scalar after `key: ` or `- `: the reference's header line and
 * content lines at indent 2 (a map value at the top, an item of a top-level sequence), re-indented by
 * `indent` (the column of the key or of the `- `). Empty lines stay empty, as the reference writes them.
 */
function blockScalar(out: string[], s: string, indent: string, item: boolean): void {
  const memo = item ? itemBlockMemo : valueBlockMemo;
  let lines = memo.get(s);
  if (lines === undefined) {
    const text = item ? referenceYaml([s]) : referenceYaml({ k: s });
    const head = item ? '- ' : 'k: ';
    const all = text.split('\n');
    // a literal or folded header without an indentation indicator, then lines at indent 2
    if (!all[0].startsWith(head) || !/^[|>][-+]?$/.test(all[0].slice(head.length)) || all[all.length - 1] !== '') throw FALLBACK;
    lines = all.slice(0, -1);
    lines[0] = lines[0].slice(head.length);
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] !== '' && !lines[i].startsWith('  ')) throw FALLBACK;
    }
    remember(memo, s, lines);
  }
  out.push(lines[0], '\n');
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') out.push('\n');
    else out.push(indent, lines[i], '\n');
  }
}

function isPlainObject(v: unknown): v is { [key: string]: unknown } {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function hasEntries(obj: { [key: string]: unknown }): boolean {
  for (const k in obj) if (obj[k] !== undefined) return true;
  return false;
}

const PADS: string[] = [];
function pad(n: number): string {
  return PADS[n] ?? (PADS[n] = ' '.repeat(n));
}

const MAX_DEPTH = 200;

/** A block map whose keys are at column `indent`; its first line starts with `first` instead of the indentation. */
function emitMap(out: string[], obj: { [key: string]: unknown }, indent: number, first: string, depth: number): void {
  if (depth > MAX_DEPTH) throw FALLBACK;
  let prefix = first;
  const here = pad(indent);
  const top = indent === 0;
  for (const name of Object.keys(obj)) {
    const v = obj[name];
    if (v === undefined) continue;
    out.push(prefix, key(name, top));
    if (Array.isArray(v)) {
      if (v.length === 0) {out.push(': []\n');} else {
        out.push(':\n');
        emitSeq(out, v, indent + 2, pad(indent + 2), depth + 1);
      }
    } else if (isPlainObject(v)) {
      if (!hasEntries(v)) {out.push(': {}\n');} else {
        out.push(':\n');
        emitMap(out, v, indent + 2, pad(indent + 2), depth + 1);
      }
    } else if (typeof v === 'string' && v.includes('\n')) {
      out.push(': ');
      blockScalar(out, v, here, false);
    } else {
      out.push(': ', scalar(v, false), '\n');
    }
    prefix = here;
  }
}

/** A block sequence with its `- ` at column `indent`; its first line starts with `first`. */
function emitSeq(out: string[], arr: unknown[], indent: number, first: string, depth: number): void {
  if (depth > MAX_DEPTH) throw FALLBACK;
  let prefix = first;
  const here = pad(indent);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(prefix, '- []\n');
      else emitSeq(out, v, indent + 2, `${prefix}- `, depth + 1);
    } else if (isPlainObject(v)) {
      if (!hasEntries(v)) out.push(prefix, '- {}\n');
      else emitMap(out, v, indent + 2, `${prefix}- `, depth + 1);
    } else if (typeof v === 'string' && v.includes('\n')) {
      out.push(prefix, '- ');
      blockScalar(out, v, here, true);
    } else {
      out.push(prefix, '- ', scalar(v, true), '\n');
    }
    prefix = here;
  }
}

/**
 * The document as `referenceYaml` writes it, or undefined when it is not a non-empty plain object or array
 * of plain JSON data. The parts are joined once, so the result is one flat string (not a rope of pieces).
 */
export function emitYaml(doc: unknown): string | undefined {
  const out: string[] = [];
  try {
    if (Array.isArray(doc)) {
      if (doc.length === 0) return undefined;
      emitSeq(out, doc, 0, '', 0);
    } else if (isPlainObject(doc)) {
      if (!hasEntries(doc)) return undefined;
      emitMap(out, doc, 0, '', 0);
    } else {
      return undefined;
    }
  } catch (e) {
    if (e === FALLBACK) return undefined;
    throw e;
  }
  return out.join('');
}

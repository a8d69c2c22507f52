import { Document, visit } from 'yaml';

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
 */
export function toYaml(doc: unknown): string {
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

/** Several documents separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map(toYaml).join('---\n');
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

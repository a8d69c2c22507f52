import { stringify } from 'yaml';

/**
 * The one YAML serializer of the project: block style, no line folding (long strings stay on one line so
 * diffs stay one line), keys in insertion order (the constructs build objects in a fixed order, so the
 * same input gives the same bytes).
 */
export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** Several documents separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map(toYaml).join('---\n');
}

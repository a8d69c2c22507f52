import { RevisionSummary } from './state';

/**
 * The pieces of PLAN.md that every kind uses: stage labels, revisions, the flowchart. Pure text.
 */

/** `01-canary` for `stages/01-canary`. */
export function stageLabel(s: { readonly directory: string }): string {
  return s.directory.slice(s.directory.lastIndexOf('/') + 1);
}

/** A revision for a reader: `` `abc` (`web` = `nginx:1.27`) ``, or unknown at the first synth. */
export function revisionText(r: RevisionSummary | null): string {
  if (r === null) return 'unknown (first synth)';
  return `\`${r.revision}\` (${Object.entries(r.images).map(([c, i]) => `\`${c}\` = \`${i}\``).join(', ')})`;
}

/** The first cell of a table row: the stage, marked when active. */
export function stageCell(s: { readonly name: string; readonly directory: string }, activeStage: string): string {
  return s.name === activeStage ? `**▶ ${stageLabel(s)}** (active)` : stageLabel(s);
}

/** A Markdown table from a header and rows. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.join(' | ')} |`)];
}

/**
 * The stages as a Mermaid flowchart that GitHub renders, the active one highlighted, and a blank line.
 * @param nodes the text of each stage's box, in stage order
 */
export function mermaidFlowchart(nodes: string[], activeIndex: number): string[] {
  const lines = ['```mermaid', 'flowchart LR'];
  nodes.forEach((text, i) => lines.push(`  s${i}["${text}"]`));
  if (nodes.length > 1) {
    lines.push(`  ${nodes.map((_, i) => `s${i}`).join(' --> ')}`);
  }
  lines.push('  classDef active fill:#d1f0d8,stroke:#1a7f37,stroke-width:3px');
  lines.push(`  class s${activeIndex} active`);
  lines.push('```');
  lines.push('');
  return lines;
}

/** What promoting does next, or that the rollout is complete: a line of PLAN.md. */
export function nextStageLine(next: { readonly directory: string } | undefined): string {
  return next
    ? `Next: \`${stageLabel(next)}\`: \`cdk8s-staged promote\` changes \`resources\` in \`kustomization.yaml\` to \`${next.directory}\`.`
    : 'The rollout is complete.';
}

/** `namespace \`x\``, or what applies without one. */
export function namespaceText(namespace: string | null): string {
  return namespace === null ? 'no namespace: the GitOps agent\'s destination namespace applies' : `namespace \`${namespace}\``;
}

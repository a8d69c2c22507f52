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

/** Up to this many stages, the flowchart shows every stage; above, the stages near the active one. */
export const FLOWCHART_STAGES_MAX = 8;
/** How many stages on each side of the active one a long flowchart shows. */
const FLOWCHART_NEIGHBOURS = 2;

/**
 * The stages as a Mermaid flowchart that GitHub renders, the active one highlighted, and a blank line.
 * Up to `FLOWCHART_STAGES_MAX` stages every stage is a box; above, the first and last stages and those
 * within two of the active one are boxes, and each run of the others one dashed box that counts them
 * (`… 12 stages<br/>04-percent-20 to 15-percent-75`), so the picture stays legible at any number of stages.
 * @param nodes the text of each stage's box, in stage order
 * @param labels the label of each stage (`01-canary`), used by the boxes that stand for several stages
 */
export function mermaidFlowchart(nodes: string[], activeIndex: number, labels: string[]): string[] {
  const lines = ['```mermaid', 'flowchart LR'];
  const ids: string[] = [];
  let summarised = false;
  for (const part of flowchartParts(nodes.length, activeIndex)) {
    if (part.first === part.last) {
      lines.push(`  s${part.first}["${nodes[part.first]}"]`);
      ids.push(`s${part.first}`);
    } else {
      lines.push(`  g${part.first}["… ${part.last - part.first + 1} stages<br/>${labels[part.first]} to ${labels[part.last]}"]`);
      ids.push(`g${part.first}`);
      summarised = true;
    }
  }
  if (ids.length > 1) {
    lines.push(`  ${ids.join(' --> ')}`);
  }
  lines.push('  classDef active fill:#d1f0d8,stroke:#1a7f37,stroke-width:3px');
  if (summarised) {
    lines.push('  classDef elided fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3');
    lines.push(`  class ${ids.filter(id => id.startsWith('g')).join(',')} elided`);
  }
  lines.push(`  class s${activeIndex} active`);
  lines.push('```');
  lines.push('');
  return lines;
}

/** The boxes of the flowchart: single stages, or runs of stages that one box stands for. */
function flowchartParts(count: number, activeIndex: number): Array<{ first: number; last: number }> {
  const parts: Array<{ first: number; last: number }> = [];
  const shown = (i: number) => count <= FLOWCHART_STAGES_MAX || i === 0 || i === count - 1 || Math.abs(i - activeIndex) <= FLOWCHART_NEIGHBOURS;
  for (let i = 0; i < count; i++) {
    if (shown(i)) {
      parts.push({ first: i, last: i });
      continue;
    }
    let last = i;
    while (last + 1 < count && !shown(last + 1)) last++;
    // a box that stood for one stage would tell no more than the stage itself: parts of one are stages
    parts.push({ first: i, last });
    i = last;
  }
  return parts;
}

/** What promoting does next, or that the rollout is complete: a line of PLAN.md. */
export function nextStageLine(next: { readonly directory: string } | undefined, wave?: string): string {
  if (wave !== undefined) {
    return next
      ? `Next: \`${stageLabel(next)}\` for wave \`${wave}\`: \`cdk8s-staged promote --wave ${wave}\` changes \`resources\` in \`clusters/${wave}/kustomization.yaml\` to \`../../${next.directory}\`.`
      : 'The rollout is complete in every wave.';
  }
  return next
    ? `Next: \`${stageLabel(next)}\`: \`cdk8s-staged promote\` changes \`resources\` in \`kustomization.yaml\` to \`${next.directory}\`.`
    : 'The rollout is complete.';
}

/** `namespace \`x\``, or what applies without one. */
export function namespaceText(namespace: string | null): string {
  return namespace === null ? 'no namespace: the GitOps agent\'s destination namespace applies' : `namespace \`${namespace}\``;
}

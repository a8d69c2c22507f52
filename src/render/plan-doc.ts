import { StagedSource } from '../constructs/shared/staged-source';
import { podNames } from '../core/partition';
import { ResolvedStage } from '../core/plan';
import { RolloutState } from '../core/state-machine';

/** A revision as plan.json shows it. */
export interface PlanRevision {
  readonly revision: string;
  readonly images: { [container: string]: string };
}

/** One stage in plan.json. */
export type PlanStage = ResolvedStage & { readonly updatedPods: string[] };

/** The machine-readable plan, `plan.json`. Everything PLAN.md shows comes from here. */
export interface PlanDocument {
  readonly schemaVersion: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly app: string;
  readonly namespace: string | null;
  readonly serviceName: string;
  readonly replicas: number;
  readonly ordinalsStart: number;
  /** The pod ordinals, lowest first (with Kruise's reserveOrdinals, not contiguous). */
  readonly podOrdinals: number[];
  /** How the preview was worked out (the Kruise update order); empty for apps/v1. */
  readonly previewNotes: string[];
  /** The template every pod ran before this rollout; null when unknown (first synth). */
  readonly stable: PlanRevision | null;
  /** The template in base/. */
  readonly candidate: PlanRevision;
  readonly activeStage: string;
  /** True when the stage is pinned in code (`rollout.activeStage`). */
  readonly pinned: boolean;
  /** The rollout state file, relative to this directory. */
  readonly stateFile: string;
  /** What the last synth, promotion or abort changed, for a reviewer. */
  readonly notes: string[];
  readonly stages: PlanStage[];
}

/** Build `plan.json` from a staged source and its state. */
export function planDocument(source: StagedSource, state: Omit<RolloutState, 'treeDigest' | 'files'>, stateFile: string): PlanDocument {
  return {
    schemaVersion: 1,
    apiVersion: source.target.group === '' ? source.target.version : `${source.target.group}/${source.target.version}`,
    kind: source.target.kind,
    app: source.app,
    namespace: source.namespace ?? null,
    serviceName: source.serviceName,
    replicas: source.replicas,
    ordinalsStart: source.ordinalsStart,
    podOrdinals: source.podOrdinals,
    previewNotes: source.previewNotes,
    stable: state.stable && { revision: state.stable.revision, images: state.stable.images },
    candidate: { revision: state.candidate.revision, images: state.candidate.images },
    activeStage: state.activeStage,
    pinned: state.pinned,
    stateFile,
    notes: state.notes,
    stages: source.stages.map(s => ({
      index: s.index,
      name: s.name,
      directory: s.directory,
      size: s.size,
      partition: s.partition,
      updatedOrdinals: s.updatedOrdinals,
      updatedPods: podNames(source.app, s.updatedOrdinals),
    })),
  };
}

/** `plan.json` as written: two-space JSON and a final newline. */
export function planJson(plan: object): string {
  return JSON.stringify(plan, undefined, 2) + '\n';
}

/** `01-canary` for `stages/01-canary`. */
export function stageLabel(s: { directory: string }): string {
  return s.directory.slice(s.directory.lastIndexOf('/') + 1);
}

function partitionText(partition: number, hold: boolean): string {
  return hold ? `${partition} (hold)` : String(partition);
}

export function revisionText(r: PlanRevision | null): string {
  if (r === null) return 'unknown (first synth)';
  return `\`${r.revision}\` (${Object.entries(r.images).map(([c, i]) => `\`${c}\` = \`${i}\``).join(', ')})`;
}

/** The stages x pods table, in Markdown. */
export function planTable(plan: PlanDocument): string[] {
  const pods = plan.podOrdinals;
  const header = ['stage', 'partition', ...pods.map(o => `${plan.app}-${o}`)];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const s of plan.stages) {
    const mark = s.name === plan.activeStage ? `**▶ ${stageLabel(s)}** (active)` : stageLabel(s);
    const cells = pods.map(o => (s.updatedOrdinals.includes(o) ? '**new**' : 'old'));
    lines.push(`| ${[mark, partitionText(s.partition, s.index === 0), ...cells].join(' | ')} |`);
  }
  return lines;
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
export function nextStageLine(next: { directory: string } | undefined): string {
  return next
    ? `Next: \`${stageLabel(next)}\`: \`cdk8s-staged promote\` changes \`resources\` in \`kustomization.yaml\` to \`${next.directory}\`.`
    : 'The rollout is complete.';
}

/**
 * `PLAN.md`: for a reviewer of a pull request. The revisions, the notes of the last change, a table (one
 * row a stage, one column a pod, cells old or new, the active stage marked) and a Mermaid flowchart that
 * GitHub renders.
 */
export function planMarkdown(plan: PlanDocument): string {
  const pods = plan.podOrdinals;
  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  const next = plan.stages[active.index + 1];
  const lines: string[] = [];
  lines.push(`# Rollout plan: ${plan.app}`);
  lines.push('');
  lines.push('Generated by cdk8s-staged-rollout; do not edit by hand.');
  lines.push('');
  const ns = plan.namespace === null ? 'no namespace: the GitOps agent\'s destination namespace applies' : `namespace \`${plan.namespace}\``;
  const range = plan.replicas === 0 ? 'no pods' : `pods \`${plan.app}-${pods[0]}\` to \`${plan.app}-${pods[pods.length - 1]}\``;
  lines.push(`${plan.kind} (\`${plan.apiVersion}\`) \`${plan.app}\` (${ns}), ${plan.replicas} replicas, ${range}, headless Service \`${plan.serviceName}\`.`);
  lines.push('');
  lines.push(`- old = stable revision: ${revisionText(plan.stable)}`);
  lines.push(`- new = candidate revision: ${revisionText(plan.candidate)}`);
  lines.push('');
  if (plan.previewNotes.length === 0) {
    lines.push('A pod runs the new revision when its ordinal >= ordinals.start + partition.');
  } else {
    lines.push(...plan.previewNotes);
  }
  lines.push('');
  for (const note of plan.notes) {
    lines.push(`> ${note}`);
    lines.push('');
  }
  lines.push(`**Active stage: \`${stageLabel(active)}\`** (partition ${partitionText(active.partition, active.index === 0)}, ` +
    `${active.updatedOrdinals.length} of ${plan.replicas} pods on the new revision)${plan.pinned ? ', pinned in code by `rollout.activeStage`' : ''}.`);
  lines.push(nextStageLine(next));
  lines.push('');
  lines.push(...planTable(plan));
  lines.push('');
  lines.push(...mermaidFlowchart(plan.stages.map(s => `${stageLabel(s)}<br/>partition ${s.partition}<br/>${s.updatedOrdinals.length} of ${plan.replicas} new`), active.index));
  return lines.join('\n');
}

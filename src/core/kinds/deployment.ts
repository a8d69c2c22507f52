import { converged, GateVerdict, KindId, malformed, PlanDocumentBase, PlanSection, RolloutKind, waiting } from './kind';
import { KindProse } from '../messages';
import { StagePods } from '../pods';
import { BadField, checkActiveStage, checkCandidate, checkStateFileField, checkStrings, isStageDirectory } from './plan-checks';
import { Fenceposts } from '../fenceposts';
import { HOLD_PARTITION } from '../partition';
import { ResolvedStage } from '../plan';
import { markdownTable, revisionText, stageCell, stageLabel } from '../plan-text';
import { templateImages } from '../revision';
import { StagePatch, pointerSegment } from '../stage-patch';
import { Color, ImmutableFields, RevisionSummary } from '../state';
import { own, show } from '../validation';

/**
 * What the two Deployment kinds share. Deployments have no partition (seed 002): a canary is a stable
 * and a canary Deployment behind one Service (`deployment-canary.ts`), blue/green two Deployments and a
 * Service whose selector switches colour (`deployment-blue-green.ts`). Each stage sets replicas,
 * selectors and, where a Deployment rolls, its template.
 */

/** `canary` or `blueGreen`. */
export type RolloutStyle = 'canary' | 'blueGreen';

/** How a Deployment rollout is laid out. Written to plan.json, so the CLI can re-render a stage. */
export interface DeploymentLayout {
  readonly style: RolloutStyle;
  readonly replicas: number;
  /** The label that tells the two Deployments' pods apart: `track` (canary) or `color` (blue/green). */
  readonly label: string;
  /** Canary: [stable, canary]; blue/green: [blue, green]. */
  readonly deployments: string[];
  /** The label value of each Deployment: [stable, canary] or [blue, green]. */
  readonly labelValues: string[];
  /** The Service that takes the traffic. */
  readonly service: string;
  /** Blue/green: the Service on the idle colour (the candidate before the switch, the stable one after). */
  readonly previewService: string | null;
  /** The Deployments' rolling-update bounds at `replicas`; null with the Recreate strategy. */
  readonly fenceposts: Fenceposts | null;
}

/** What a DeploymentApp's rollout decided, independent of the state. */
export interface DeploymentRolloutLayout {
  readonly app: string;
  readonly namespace?: string;
  readonly layout: DeploymentLayout;
  /** Canary: the plan resolved against replicas (the canary size of each stage). */
  readonly canaryPlan?: ResolvedStage[];
}

/** One Deployment at one stage. */
export interface DeploymentAtStage {
  readonly name: string;
  readonly replicas: number;
  /** The template it runs: `stable` or `candidate`. */
  readonly runs: 'stable' | 'candidate';
  /** True when its template changes from the stage before: a rolling update within the fenceposts. */
  readonly rolls: boolean;
}

/** One Service at one stage. */
export interface ServiceAtStage {
  readonly name: string;
  /** The Deployments whose pods it selects. */
  readonly selects: string[];
  /** Blue/green: the colour its selector names; null when it selects both Deployments. */
  readonly color: Color | null;
}

/** A stage of a Deployment rollout. */
export interface DeploymentStage {
  readonly index: number;
  readonly name: string;
  /** `stages/<NN>-<name>`. */
  readonly directory: string;
  /** What the user asked for: `hold`, `1 pods`, `50%`, `complete`, or the blue/green step. */
  readonly size: string;
  readonly deployments: DeploymentAtStage[];
  readonly services: ServiceAtStage[];
  /** Pods on the candidate once the stage has converged. */
  readonly candidatePods: number;
  /** Pods on the stable revision once the stage has converged. */
  readonly stablePods: number;
  /** The percentage of the main Service's ready endpoints that run the candidate (pods share evenly). */
  readonly candidateTraffic: number;
}

/** `plan.json` of a Deployment rollout (canary or blue/green). Everything PLAN.md shows comes from here. */
export interface DeploymentPlanDocument extends PlanDocumentBase {
  readonly kind: 'Deployment';
  readonly style: RolloutStyle;
  readonly layout: DeploymentLayout;
  /** Blue/green: the colour that runs the candidate; null for a canary. */
  readonly candidateColor: Color | null;
  readonly stages: DeploymentStage[];
}

/** What the canary and blue/green kinds each supply. */
export interface DeploymentStyle {
  readonly id: KindId;
  readonly style: RolloutStyle;
  /** Blue/green keeps a candidate colour. */
  readonly tracksColor: boolean;
  /** The stages of the layout when `candidateColor` runs the candidate (blue/green). */
  stages(r: DeploymentRolloutLayout, candidateColor: Color): DeploymentStage[];
  /** The canary plan of a committed plan.json (canary), to re-render from it. */
  planOf(doc: DeploymentPlanDocument): ResolvedStage[] | undefined;
  /** How an abort takes the candidate pods back. */
  rollback(layout: DeploymentLayout, candidateColor: Color, pods: string[]): string;
  /** What the layout is, for the top of PLAN.md. */
  describe(plan: DeploymentPlanDocument): string[];
}

/** A Deployment kind of the given style. */
export function deploymentKind(style: DeploymentStyle): RolloutKind<DeploymentRolloutLayout, DeploymentPlanDocument> {
  const layoutOf = (doc: DeploymentPlanDocument): DeploymentRolloutLayout =>
    ({ app: doc.app, namespace: doc.namespace ?? undefined, layout: doc.layout, canaryPlan: style.planOf(doc) });
  return {
    id: style.id,
    accepts: raw => raw.kind === 'Deployment' && raw.style === style.style,
    checkPlan: (raw, bad, invalid) => checkDeploymentPlan(raw, bad, invalid),
    layoutOf,
    document: (r, state, stateFile) => ({
      schemaVersion: 1,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      style: r.layout.style,
      app: r.app,
      namespace: r.namespace ?? null,
      serviceName: r.layout.service,
      replicas: r.layout.replicas,
      layout: r.layout,
      stable: state.stable && { revision: state.stable.revision, images: state.stable.images },
      candidate: { revision: state.candidate.revision, images: state.candidate.images },
      candidateColor: state.candidateColor ?? null,
      activeStage: state.activeStage,
      pinned: state.pinned,
      stateFile,
      notes: state.notes,
      stages: style.stages(r, state.candidateColor ?? 'blue'),
    }),

    templateOf: (r, objects) => {
      const first = objects.find(o => o.kind === 'Deployment' && o.metadata?.name === r.layout.deployments[0]);
      return first && unlabelledTemplate(first.spec?.template, r.layout.label);
    },
    immutableFields: (r, objects): ImmutableFields => {
      const immutable: { [field: string]: any } = {};
      for (const name of r.layout.deployments) {
        immutable[`${name}.spec.selector`] = objects.find(o => o.kind === 'Deployment' && o.metadata?.name === name)?.spec?.selector;
      }
      return immutable;
    },

    stagePods: (r, color): StagePods[] => style.stages(r, color).map(s => ({ name: s.name, candidate: podsOf(s, 'candidate'), stable: podsOf(s, 'stable') })),
    firstStage: 'last',
    tracksColor: style.tracksColor,
    partitioned: false,
    replicasOf: r => r.layout.replicas,
    stranded: () => ({ names: [] }),

    baseObjects: (doc, objects, stable, candidate) => baseObjects(doc.layout, objects, doc.stages, stable, candidate),
    stagePatches: (doc, stage, stable, candidate) => stagePatches(doc.layout, doc.stages[stage], stable, candidate, doc.namespace ?? undefined),

    stageView: (doc, stage) => {
      const s = doc.stages[stage];
      return { index: s.index, name: s.name, directory: s.directory, candidate: podsOf(s, 'candidate'), candidatePods: s.candidatePods, candidateTraffic: s.candidateTraffic };
    },
    promotion: (doc, from, to) => ({ type: 'replicas', changes: stageChanges(doc.stages[from], doc.stages[to]) }),
    aborted: (doc, candidate: RevisionSummary, note) => {
      // blue/green: the stable colour runs the (restored) candidate again
      const flipped: Color | null = doc.candidateColor === null ? null : doc.candidateColor === 'blue' ? 'green' : 'blue';
      const stages = flipped === null ? doc.stages : style.stages(layoutOf(doc), flipped);
      return { ...doc, activeStage: doc.stages[doc.stages.length - 1].name, candidate, candidateColor: flipped, notes: [note], stages };
    },
    gate: (doc, liveText) => deploymentGate(doc, liveText),

    prose: (r, color): KindProse => {
      const names = r.layout.deployments;
      const last = style.stages(r, color)[style.stages(r, color).length - 1];
      return {
        workload: 'Deployment',
        rejection: 'the API server rejects the update ("spec.selector: Invalid value: ...: field is immutable")',
        recreate: `delete the Deployments ${names.join(', ')} before the sync (\`kubectl delete deployment ${names.join(' ')}\`: their pods stop and the new Deployments start fresh ones), or sync with Argo CD's \`Replace=true\` sync option or Flux \`force: true\``,
        recreateNote: `run \`kubectl delete deployment ${names.join(' ')}\`, or sync with Argo CD's \`Replace=true\` sync option or Flux \`force: true\``,
        rollback: pods => style.rollback(r.layout, color, pods),
        firstNote: `First synth: no stable revision is known, so there is nothing to stage: the last stage (${last.name}) runs the candidate on every pod. The next template change starts a staged rollout at hold.`,
        backwards: '',
      };
    },
    planSection: (doc): PlanSection => {
      const active = doc.stages.find(s => s.name === doc.activeStage)!;
      return {
        description: [
          ...style.describe(doc),
          '',
          `- old = stable revision: ${revisionText(doc.stable)}`,
          `- new = candidate revision: ${revisionText(doc.candidate)}`,
        ],
        explanation: [],
        activeSummary: `(${active.candidatePods} of ${doc.replicas} pods on the new revision, ${active.candidateTraffic}% of the traffic)`,
        table: deploymentTable(doc),
        flowchart: doc.stages.map(s => `${stageLabel(s)}<br/>${s.candidatePods} of ${doc.replicas} new<br/>${s.candidateTraffic}% of traffic`),
      };
    },
  };
}

/** The Deployment of a colour (blue/green). */
export function deploymentOf(layout: DeploymentLayout, color: Color): string {
  return layout.deployments[layout.labelValues.indexOf(color)];
}

/** The percentage `part` of `whole`, to one decimal. */
export function percentOf(part: number, whole: number): number {
  return Math.round((part * 1000) / whole) / 10;
}

/** A pod template with one more label (the track or the colour). */
export function labelledTemplate(template: any, label: string, value: string): any {
  return { ...template, metadata: { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [label]: value } } };
}

/** A pod template without the track or colour label: the template the code wrote. */
function unlabelledTemplate(template: any, label: string): any {
  if (template === undefined) return undefined;
  const { [label]: _, ...labels } = template.metadata?.labels ?? {};
  return { ...template, metadata: { ...template.metadata, labels } };
}

/** The template a Deployment runs: `stable` falls back to the candidate while no stable revision is known. */
function templateFor(runs: 'stable' | 'candidate', stable: any | null, candidate: any): any {
  return runs === 'stable' && stable !== null ? stable : candidate;
}

/**
 * The objects of `base/`: the Deployments and Services of the rollout as the first stage (hold) has them,
 * each Deployment with its template (the stable or the candidate one, with its track or colour label)
 * and its replicas, each Service with its selector. Other objects pass unchanged. Returns new objects.
 */
function baseObjects(layout: DeploymentLayout, objects: any[], stages: DeploymentStage[], stable: any | null, candidate: any): any[] {
  const hold = stages[0];
  return objects.map(obj => {
    const name = obj.metadata?.name;
    if (obj.kind === 'Deployment' && layout.deployments.includes(name)) {
      const at = hold.deployments.find(d => d.name === name)!;
      const value = layout.labelValues[layout.deployments.indexOf(name)];
      return { ...obj, spec: { ...obj.spec, replicas: at.replicas, template: labelledTemplate(templateFor(at.runs, stable, candidate), layout.label, value) } };
    }
    const svc = obj.kind === 'Service' ? hold.services.find(s => s.name === name) : undefined;
    if (svc && svc.color !== null) {
      return { ...obj, spec: { ...obj.spec, selector: { ...obj.spec.selector, [layout.label]: svc.color } } };
    }
    return obj;
  });
}

/**
 * The patches of a stage over `base/`: the replicas of both Deployments; the selector of each Service
 * (blue/green); the stable Deployment's template where it rolls to the candidate (canary, last stage).
 */
function stagePatches(layout: DeploymentLayout, stage: DeploymentStage, stable: any | null, candidate: any, namespace?: string): StagePatch[] {
  const ns = namespace !== undefined ? { namespace } : {};
  const patches: StagePatch[] = stage.deployments.map(d => {
    const ops: StagePatch['ops'] = [{ op: 'replace', path: '/spec/replicas', value: d.replicas }];
    if (d.rolls) {
      const value = layout.labelValues[layout.deployments.indexOf(d.name)];
      ops.push({ op: 'replace', path: '/spec/template', value: labelledTemplate(templateFor(d.runs, stable, candidate), layout.label, value) });
    }
    return { target: { group: 'apps', version: 'v1', kind: 'Deployment', name: d.name, ...ns }, ops };
  });
  for (const s of stage.services) {
    if (s.color !== null) {
      patches.push({ target: { version: 'v1', kind: 'Service', name: s.name, ...ns }, ops: [{ op: 'replace', path: `/spec/selector/${pointerSegment(layout.label)}`, value: s.color }] });
    }
  }
  return patches;
}

/** What changes from one stage to the next: replica counts, template rolls and Service switches. */
function stageChanges(from: DeploymentStage, to: DeploymentStage): string[] {
  const out: string[] = [];
  for (const d of to.deployments) {
    const before = from.deployments.find(x => x.name === d.name)!;
    if (d.rolls || before.runs !== d.runs) {
      out.push(`${d.name} rolls to the candidate`);
    }
    if (before.replicas !== d.replicas) {
      out.push(`${d.name} ${before.replicas} -> ${d.replicas} ${d.replicas === 1 ? 'replica' : 'replicas'}`);
    }
  }
  for (const s of to.services) {
    const before = from.services.find(x => x.name === s.name)!;
    if (before.selects.join() !== s.selects.join()) {
      out.push(`Service ${s.name} -> ${s.selects.join(', ')}`);
    }
  }
  return out;
}

/** The pods of a stage on one revision, by Deployment. */
function podsOf(stage: DeploymentStage, runs: 'stable' | 'candidate') {
  return { replicas: stage.deployments.filter(d => d.runs === runs).map(d => ({ deployment: d.name, count: d.replicas })) };
}

/** The canary plan of a committed canary plan.json: the partition each stage stands for. */
export function canaryPlanOf(doc: DeploymentPlanDocument): ResolvedStage[] {
  const last = doc.stages.length - 1;
  return doc.stages.map((s, i) => ({
    index: s.index,
    name: s.name,
    directory: s.directory,
    size: s.size,
    partition: i === 0 ? HOLD_PARTITION : i === last ? 0 : doc.replicas - s.deployments[1].replicas,
    updatedOrdinals: [],
  }));
}

function podsText(n: number, runs: string): string {
  return n === 0 ? '0' : `${n} × ${runs === 'candidate' ? '**new**' : 'old'}`;
}

/** The stages table: one row a stage, a column per Deployment (replicas × revision) and per Service. */
export function deploymentTable(plan: DeploymentPlanDocument): string[] {
  const first = plan.stages[0];
  return markdownTable(
    ['stage', ...first.deployments.map(d => `${d.name} pods`), ...first.services.map(s => `Service ${s.name} →`), 'new pods', 'traffic to new'],
    plan.stages.map(s => [
      stageCell(s, plan.activeStage),
      ...s.deployments.map(d => podsText(d.replicas, d.runs) + (d.rolls ? ' (rolls)' : '')),
      ...s.services.map(v => v.selects.join(' + ')),
      `${s.candidatePods} of ${plan.replicas}`,
      `${s.candidateTraffic}%`,
    ]),
  );
}

/** The rolling-update bounds, for PLAN.md. */
export function boundsText(plan: DeploymentPlanDocument): string {
  const f = plan.layout.fenceposts;
  if (f === null) {
    return 'strategy Recreate: every old pod stops before the new ones start';
  }
  return `at most ${f.maxPods} pods and at least ${f.minAvailable} available (maxSurge ${f.maxSurge}, rounded up; maxUnavailable ${f.maxUnavailable}, rounded down)`;
}

/** plan.json of a Deployment rollout: every field the CLI reads, with the shape the synth writes. */
function checkDeploymentPlan(plan: any, bad: BadField, invalid: (what: string) => Error): DeploymentPlanDocument {
  if (plan.apiVersion !== 'apps/v1') throw bad('apiVersion', '"apps/v1"');
  checkStrings(plan, ['app', 'activeStage', 'stateFile', 'serviceName'], bad);
  checkStateFileField(plan.stateFile, bad);
  if (!Number.isInteger(plan.replicas) || plan.replicas < 0) throw bad('replicas', 'an integer >= 0');
  if (plan.style !== 'canary' && plan.style !== 'blueGreen') throw bad('style', '"canary" or "blueGreen"');
  const l = plan.layout;
  const names = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(x));
  if (l === null || typeof l !== 'object' || l.style !== plan.style || l.replicas !== plan.replicas || typeof l.label !== 'string' ||
    !names(l.deployments) || !names(l.labelValues) || l.service !== plan.serviceName) {
    throw bad('layout', 'the layout the synth wrote (style, replicas, label, two deployments and their label values, the service)');
  }
  if (plan.style === 'blueGreen' && plan.candidateColor !== 'blue' && plan.candidateColor !== 'green') throw bad('candidateColor', '"blue" or "green"');
  if (plan.style === 'canary' && plan.candidateColor !== null) throw bad('candidateColor', 'null for a canary');
  checkCandidate(plan, bad);
  if (!Array.isArray(plan.notes)) throw bad('notes', 'a list of strings');
  if (!Array.isArray(plan.stages) || plan.stages.length < 2) throw bad('stages', 'a list of at least two stages');
  plan.stages.forEach((s: any, i: number) => {
    const deploymentsOk = Array.isArray(s?.deployments) && s.deployments.length === 2 && s.deployments.every((d: any, j: number) =>
      d && d.name === l.deployments[j] && Number.isInteger(d.replicas) && d.replicas >= 0 && (d.runs === 'stable' || d.runs === 'candidate') && typeof d.rolls === 'boolean');
    const ok = s && typeof s.name === 'string' && s.index === i && isStageDirectory(s.directory) &&
      deploymentsOk && Array.isArray(s.services) && s.services.every((v: any) => v && typeof v.name === 'string' && Array.isArray(v.selects)) &&
      Number.isInteger(s.candidatePods) && Number.isInteger(s.stablePods) && typeof s.candidateTraffic === 'number';
    if (!ok) throw invalid(`stages[${i}] (${JSON.stringify(s)}) must have index ${i}, a name, a directory "stages/<NN>-<name>" inside the tree, the replicas of ${l.deployments.join(' and ')} and the Services`);
  });
  checkActiveStage(plan, bad);
  return plan as DeploymentPlanDocument;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Decide whether the active stage of a Deployment rollout has converged, from
 * `kubectl get deployment A B [service S ...] -o json` (a List). First each Deployment must be the
 * committed stage (its replicas and its template's images), and each Service given its selector colour;
 * then each Deployment must pass the rule kubectl (`DeploymentStatusViewer`), Argo CD (gitops-engine
 * `health_deployment.go`) and Flux (kstatus) share: not paused, observedGeneration >= generation, no
 * `ProgressDeadlineExceeded`, updatedReplicas >= replicas, no old replicas left (status.replicas <=
 * updatedReplicas) and availableReplicas >= updatedReplicas.
 */
function deploymentGate(plan: DeploymentPlanDocument, liveText: string): GateVerdict {
  const names = plan.layout.deployments;
  const usage = `pass \`kubectl get deployment ${names.join(' ')} -o json\` (add the Services to check their selectors: \`kubectl get deployment/${names[0]} deployment/${names[1]} service/${plan.layout.service} -o json\`)`;
  let live: any;
  try {
    live = JSON.parse(liveText);
  } catch (e) {
    return malformed(`the live status is not JSON (${(e as Error).message}): ${usage}`);
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live) || !Array.isArray(live.items)) {
    return malformed(`the live status must be a List with items, the Deployments of this rollout: ${usage}`);
  }
  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  const candidateImages = plan.candidate.images;
  const stableImages = plan.stable?.images ?? plan.candidate.images;
  const found = (kind: string, name: string) => live.items.filter((o: any) => o?.kind === kind && o?.metadata?.name === name);
  // first the shape of every object (exit 2), then whether the stage is synced, then health
  const deployments: any[] = [];
  for (const want of active.deployments) {
    const matches = found('Deployment', want.name);
    if (matches.length !== 1) {
      return malformed(`the live List has ${matches.length} Deployments named ${JSON.stringify(want.name)}, it needs one: ${usage}`);
    }
    const d = matches[0];
    if (d.apiVersion !== undefined && d.apiVersion !== 'apps/v1') {
      return malformed(`the live Deployment ${want.name} apiVersion (${show(d.apiVersion)}) must be "apps/v1"`);
    }
    if (plan.namespace !== null && d.metadata.namespace !== undefined && d.metadata.namespace !== plan.namespace) {
      return malformed(`the live Deployment ${want.name} metadata.namespace (${show(d.metadata.namespace)}) must be ${JSON.stringify(plan.namespace)}`);
    }
    if (!isCount(d.spec?.replicas)) {
      return malformed(`the live Deployment ${want.name} spec.replicas (${show(d.spec?.replicas)}) must be an integer >= 0`);
    }
    if (!isCount(d.metadata?.generation)) {
      return malformed(`the live Deployment ${want.name} metadata.generation (${show(d.metadata?.generation)}) must be an integer >= 0`);
    }
    const status = d.status ?? {};
    for (const field of ['observedGeneration', 'replicas', 'updatedReplicas', 'availableReplicas', 'readyReplicas']) {
      if (status[field] !== undefined && !isCount(status[field])) {
        return malformed(`the live Deployment ${want.name} status.${field} (${show(status[field])}) must be an integer >= 0`);
      }
    }
    deployments.push(d);
  }
  const summaries: string[] = [];
  for (const [i, want] of active.deployments.entries()) {
    const d = deployments[i];
    if (d.spec.replicas !== want.replicas) {
      return waiting(`not synced yet: the live Deployment ${want.name} has ${d.spec.replicas} replicas, the active stage ${active.name} has ${want.replicas}`);
    }
    const images = want.runs === 'candidate' ? candidateImages : stableImages;
    const liveImages = templateImages(d.spec.template);
    const differing = Object.entries(images).filter(([c, image]) => own(liveImages, c) !== image);
    if (differing.length > 0) {
      return waiting(`not synced yet: the live Deployment ${want.name} runs ${differing.map(([c]) => `${c}=${own(liveImages, c) ?? '(none)'}`).join(', ')}, the active stage has ${differing.map(([c, i2]) => `${c}=${i2}`).join(', ')} (the ${want.runs} revision)`);
    }
    summaries.push(`${want.name} ${d.status?.availableReplicas ?? 0} of ${want.replicas} available`);
  }
  for (const svc of active.services) {
    const matches = found('Service', svc.name);
    if (matches.length === 0 || svc.color === null) {
      continue;
    }
    const selected = matches[0].spec?.selector?.[plan.layout.label];
    if (selected !== svc.color) {
      return waiting(`not synced yet: the live Service ${svc.name} selects ${plan.layout.label}=${show(selected ?? null)}, the active stage ${active.name} selects ${svc.color}`);
    }
  }
  for (const [i, want] of active.deployments.entries()) {
    const verdict = deploymentHealth(want.name, deployments[i]);
    if (verdict) return verdict;
  }
  return converged(`stage ${active.name} converged: ${summaries.join(', ')}`);
}

/** The Deployment rule kubectl, gitops-engine and kstatus share; undefined when it has rolled out. */
function deploymentHealth(name: string, d: any): GateVerdict | undefined {
  const status = d.status ?? {};
  if (d.spec.paused === true) {
    return waiting(`Deployment ${name} is paused (Argo CD shows it Suspended)`);
  }
  const observed: number = status.observedGeneration ?? 0;
  if (observed < d.metadata.generation) {
    return waiting(`Deployment ${name}: the controller has not observed the spec yet (observedGeneration ${observed} < generation ${d.metadata.generation})`);
  }
  const progressing = (Array.isArray(status.conditions) ? status.conditions : []).find((c: any) => c?.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return waiting(`Deployment ${name} exceeded its progress deadline (Argo CD shows it Degraded): ${progressing.message ?? 'no progress'}; abort, or fix the candidate and synth again`);
  }
  const replicas: number = d.spec.replicas;
  const updated: number = status.updatedReplicas ?? 0;
  if (updated < replicas) {
    return waiting(`Deployment ${name}: ${updated} out of ${replicas} new replicas have been updated`);
  }
  const total: number = status.replicas ?? 0;
  if (total > updated) {
    return waiting(`Deployment ${name}: ${total - updated} old replicas are pending termination`);
  }
  const available: number = status.availableReplicas ?? 0;
  if (available < updated) {
    return waiting(`Deployment ${name}: ${available} of ${updated} updated replicas are available`);
  }
  return undefined;
}

import { converged, KindId, malformed, PlanDocumentBase, PlanSection, RolloutKind, StageView, waiting } from './kind';
import { StagePods } from '../pods';
import { BadField, checkActiveStage, checkCandidate, checkCounts, checkStateFileField, checkStrings, isStageDirectory } from './plan-checks';
import { podNames } from '../partition';
import { ResolvedStage } from '../plan';
import { markdownTable, namespaceText, revisionText, stageCell, stageLabel } from '../plan-text';
import { templateImages, templateRevision } from '../revision';
import { ImmutableFields } from '../state';
import { own, show } from '../validation';

/**
 * The StatefulSet kinds: the partition moves pods from the highest ordinal down (apps/v1), or in the
 * order of Kruise's priority rules (the construct resolves which ordinals each stage updates). One stage,
 * one patch: the partition. This file holds what both StatefulSet kinds share; `NATIVE_STATEFULSET`
 * below is apps/v1, `kruise-statefulset.ts` the Advanced StatefulSet.
 */

/** What a StatefulApp's rollout decided, independent of the state. */
export interface StatefulSetLayout {
  readonly app: string;
  readonly namespace?: string;
  /** The headless Service (`spec.serviceName`). */
  readonly serviceName: string;
  readonly replicas: number;
  readonly ordinalsStart: number;
  /** The stages, with the ordinals each one updates. */
  readonly stages: ResolvedStage[];
  /** The pod ordinals, lowest first (with Kruise's reserveOrdinals, not contiguous). */
  readonly podOrdinals: number[];
  /** How the preview was worked out (the Kruise update order); empty for apps/v1. */
  readonly previewNotes: string[];
  /**
   * True when a HorizontalPodAutoscaler owns `spec.replicas` (the StatefulSet is written without it):
   * `replicas` is then the number the plan counts, and the gate judges the live replica count.
   */
  readonly replicasManagedByHpa?: boolean;
}

/** One stage in plan.json. */
export type StatefulSetPlanStage = ResolvedStage & { readonly updatedPods: string[] };

/** `plan.json` of a StatefulSet rollout. Everything PLAN.md shows comes from here. */
export interface StatefulSetPlanDocument extends PlanDocumentBase {
  readonly kind: 'StatefulSet';
  readonly ordinalsStart: number;
  /** The pod ordinals, lowest first (with Kruise's reserveOrdinals, not contiguous). */
  readonly podOrdinals: number[];
  /** How the preview was worked out (the Kruise update order); empty for apps/v1. */
  readonly previewNotes: string[];
  /** True when an HPA owns `spec.replicas`; absent otherwise (plan.json of other rollouts is unchanged). */
  readonly replicasManagedByHpa?: true;
  readonly stages: StatefulSetPlanStage[];
}

/** What tells the two StatefulSet kinds apart. */
export interface StatefulSetFlavor {
  readonly id: KindId;
  readonly group: string;
  readonly version: string;
  /** What the API server (or the webhook) answers to a change of an immutable field. */
  readonly rejection: string;
  /** True when the claim templates are immutable (apps/v1; Kruise's webhook lets them change). */
  readonly immutableClaims: boolean;
}

/** The JSON pointer of the partition. */
const PARTITION = '/spec/updateStrategy/rollingUpdate/partition';

/** A StatefulSet kind of the given flavor. */
export function statefulSetKind(flavor: StatefulSetFlavor): RolloutKind<StatefulSetLayout, StatefulSetPlanDocument> {
  const apiVersion = `${flavor.group}/${flavor.version}`;
  const workloadOf = (layout: StatefulSetLayout, objects: any[]) =>
    objects.find(o => o.kind === 'StatefulSet' && o.apiVersion === apiVersion && o.metadata?.name === layout.app);
  const stageOf = (layout: StatefulSetLayout, name: string) => layout.stages.find(s => s.name === name);

  return {
    id: flavor.id,
    accepts: raw => raw.kind === 'StatefulSet' && raw.apiVersion === apiVersion,
    checkPlan: (raw, bad, invalid) => checkStatefulSetPlan(raw, bad, invalid),
    layoutOf: doc => ({
      app: doc.app,
      namespace: doc.namespace ?? undefined,
      serviceName: doc.serviceName,
      replicas: doc.replicas,
      ordinalsStart: doc.ordinalsStart,
      stages: doc.stages.map(s => ({ index: s.index, name: s.name, directory: s.directory, partition: s.partition, updatedOrdinals: s.updatedOrdinals, size: s.size })),
      podOrdinals: doc.podOrdinals,
      previewNotes: doc.previewNotes,
      replicasManagedByHpa: doc.replicasManagedByHpa,
    }),
    document: (layout, state, stateFile) => ({
      schemaVersion: 1,
      apiVersion,
      kind: 'StatefulSet',
      app: layout.app,
      namespace: layout.namespace ?? null,
      serviceName: layout.serviceName,
      replicas: layout.replicas,
      ordinalsStart: layout.ordinalsStart,
      podOrdinals: layout.podOrdinals,
      previewNotes: layout.previewNotes,
      ...(layout.replicasManagedByHpa ? { replicasManagedByHpa: true as const } : {}),
      stable: state.stable && { revision: state.stable.revision, images: state.stable.images },
      candidate: { revision: state.candidate.revision, images: state.candidate.images },
      activeStage: state.activeStage,
      pinned: state.pinned,
      stateFile,
      notes: state.notes,
      stages: layout.stages.map(s => ({
        index: s.index,
        name: s.name,
        directory: s.directory,
        size: s.size,
        partition: s.partition,
        updatedOrdinals: s.updatedOrdinals,
        updatedPods: podNames(layout.app, s.updatedOrdinals),
      })),
    }),

    templateOf: (layout, objects) => workloadOf(layout, objects)?.spec?.template,
    immutableFields: (layout, objects): ImmutableFields => {
      const spec = workloadOf(layout, objects)?.spec;
      return {
        selector: spec?.selector ?? null,
        serviceName: spec?.serviceName ?? null,
        podManagementPolicy: spec?.podManagementPolicy ?? null,
        // apiVersion/kind of a claim template are not a change the API server refuses (it adds them itself)
        volumeClaimTemplates: flavor.immutableClaims ? untypedClaims(spec?.volumeClaimTemplates) : null,
      };
    },

    stagePods: (layout): StagePods[] => layout.stages.map(s => ({
      name: s.name,
      candidate: { names: podNames(layout.app, s.updatedOrdinals) },
      stable: { names: podNames(layout.app, without(layout.podOrdinals, s.updatedOrdinals)) },
      partition: s.partition,
    })),
    firstStage: 'first',
    tracksColor: false,
    partitioned: true,
    replicasOf: layout => layout.replicas,
    stranded: (layout, pinned, previous) => {
      const kept = stageOf(layout, pinned)?.updatedOrdinals ?? [];
      const moved = stageOf(layout, previous)?.updatedOrdinals ?? [];
      return { names: podNames(layout.app, without(moved, kept)) };
    },

    baseObjects: (doc, objects, _stable, candidate) => objects.map(o => {
      const isWorkload = o.kind === 'StatefulSet' && o.apiVersion === apiVersion && o.metadata?.name === doc.app;
      // the rendered template is the candidate's (same revision) at a synth; an abort brings back the stable one
      return isWorkload && o.spec?.template !== candidate && templateRevision(o.spec?.template) !== templateRevision(candidate)
        ? { ...o, spec: { ...o.spec, template: candidate } }
        : o;
    }),
    stagePatches: (doc, stage) => [{
      target: { group: flavor.group, version: flavor.version, kind: 'StatefulSet', name: doc.app, namespace: doc.namespace ?? undefined },
      ops: [{ op: 'replace', path: PARTITION, value: doc.stages[stage].partition }],
    }],

    stageView: (doc, stage): StageView => {
      const s = doc.stages[stage];
      return { index: s.index, name: s.name, directory: s.directory, candidate: { names: s.updatedPods }, candidatePods: s.updatedPods.length, partition: s.partition };
    },
    promotion: (doc, from, to) => ({
      type: 'partition',
      fromPartition: doc.stages[from].partition,
      toPartition: doc.stages[to].partition,
      moves: without(doc.stages[to].updatedPods, doc.stages[from].updatedPods),
    }),
    aborted: (doc, candidate, note) => ({ ...doc, activeStage: doc.stages[doc.stages.length - 1].name, candidate, notes: [note] }),
    gate: (doc, liveText) => statefulSetGate(doc, liveText),

    prose: layout => ({
      workload: 'StatefulSet',
      rejection: flavor.rejection,
      recreate: `delete it keeping its pods and claims with \`kubectl delete statefulset ${layout.app} --cascade=orphan\` before the sync (or let Flux recreate it with \`force: true\`)`,
      recreateNote: `run \`kubectl delete statefulset ${layout.app} --cascade=orphan\` (pods and claims stay), or sync with Flux \`force: true\``,
      rollback: pods => `partition 0 rolls ${pods.join(', ')} back to it`,
      firstNote: 'First synth: the stable revision is unknown. At hold, running pods keep their revision; a new StatefulSet creates every pod at the candidate.',
      backwards: ' (lowering the partition); raising it never rolls a pod back',
    }),
    planSection: doc => statefulSetSection(doc),
  };
}

/** apps/v1 StatefulSet. */
export const NATIVE_STATEFULSET = statefulSetKind({
  id: 'statefulset',
  group: 'apps',
  version: 'v1',
  rejection: 'the API server rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden")',
  immutableClaims: true,
});

/** Claim templates without `apiVersion` and `kind`, as earlier state files recorded them. */
function untypedClaims(claims: any[] | undefined): any[] | null {
  return claims === undefined ? null : claims.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
}

/** The items of `list` that are not in `remove`, in order: linear, for lists as long as the pods. */
function without<T>(list: T[], remove: T[]): T[] {
  const drop = new Set(remove);
  return list.filter(x => !drop.has(x));
}

function partitionText(partition: number, hold: boolean): string {
  return hold ? `${partition} (hold)` : String(partition);
}

/** Up to this many pods, the table has one column per pod; above, one column of ranges. */
export const POD_COLUMNS_MAX = 12;
/** At most this many ranges in a cell of the ranges column; the rest is counted. */
export const POD_RANGES_MAX = 24;

/**
 * The stages x pods table, in Markdown: one column per pod up to `POD_COLUMNS_MAX` pods, above that one
 * column of ranges (`db-0..db-44 old, db-45..db-49 **new**`), so the table stays narrow at any size.
 */
export function statefulSetTable(plan: StatefulSetPlanDocument): string[] {
  const pods = plan.podOrdinals;
  if (pods.length > POD_COLUMNS_MAX) {
    return markdownTable(
      ['stage', 'partition', 'new', 'pods'],
      plan.stages.map(s => [
        stageCell(s, plan.activeStage),
        partitionText(s.partition, s.index === 0),
        `${s.updatedOrdinals.length} of ${plan.replicas}`,
        podRangesText(plan.app, pods, new Set(s.updatedOrdinals)),
      ]),
    );
  }
  return markdownTable(
    ['stage', 'partition', ...pods.map(o => `${plan.app}-${o}`)],
    plan.stages.map(s => {
      const updated = new Set(s.updatedOrdinals);
      return [stageCell(s, plan.activeStage), partitionText(s.partition, s.index === 0), ...pods.map(o => (updated.has(o) ? '**new**' : 'old'))];
    }),
  );
}

/**
 * The pods of one stage as ranges of contiguous ordinals, lowest first, each run of one revision written
 * once: `db-0..db-9, db-11..db-44 old, db-45..db-49 **new**` (ordinal 10 reserved). Past `POD_RANGES_MAX`
 * ranges (Kruise's priority order can alternate), the rest is counted: `… 120 more pods (60 new)`.
 */
export function podRangesText(app: string, ordinals: number[], updated: ReadonlySet<number>): string {
  const ranges: Array<{ first: number; last: number; isNew: boolean }> = [];
  for (const o of ordinals) {
    const isNew = updated.has(o);
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.isNew === isNew && last.last + 1 === o) last.last = o;
    else ranges.push({ first: o, last: o, isNew });
  }
  const shown = ranges.slice(0, POD_RANGES_MAX);
  const groups: string[] = [];
  let names: string[] = [];
  shown.forEach((r, i) => {
    names.push(r.first === r.last ? `${app}-${r.first}` : `${app}-${r.first}..${app}-${r.last}`);
    if (i === shown.length - 1 || shown[i + 1].isNew !== r.isNew) {
      groups.push(`${names.join(', ')} ${r.isNew ? '**new**' : 'old'}`);
      names = [];
    }
  });
  const rest = ranges.slice(POD_RANGES_MAX);
  if (rest.length > 0) {
    const count = (rs: typeof rest) => rs.reduce((n, r) => n + r.last - r.first + 1, 0);
    groups.push(`… ${count(rest)} more pods (${count(rest.filter(r => r.isNew))} **new**)`);
  }
  return groups.join(', ');
}

function statefulSetSection(plan: StatefulSetPlanDocument): PlanSection {
  const pods = plan.podOrdinals;
  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  const range = plan.replicas === 0 ? 'no pods' : `pods \`${plan.app}-${pods[0]}\` to \`${plan.app}-${pods[pods.length - 1]}\``;
  return {
    description: [
      `${plan.kind} (\`${plan.apiVersion}\`) \`${plan.app}\` (${namespaceText(plan.namespace)}), ${plan.replicas} replicas, ${range}, headless Service \`${plan.serviceName}\`.`,
      '',
      `- old = stable revision: ${revisionText(plan.stable)}`,
      `- new = candidate revision: ${revisionText(plan.candidate)}`,
      ...(plan.replicasManagedByHpa ? [
        `- replicas: owned by a HorizontalPodAutoscaler (the StatefulSet is written without \`spec.replicas\`); the table counts ${plan.replicas}; at more replicas every stage but hold runs \`replicas - partition\` pods on the new revision, more than the table shows, and the gate judges the live count`,
      ] : []),
    ],
    explanation: plan.previewNotes.length === 0 ? ['A pod runs the new revision when its ordinal >= ordinals.start + partition.'] : plan.previewNotes,
    activeSummary: `(partition ${partitionText(active.partition, active.index === 0)}, ${active.updatedOrdinals.length} of ${plan.replicas} pods on the new revision)`,
    table: statefulSetTable(plan),
    flowchart: plan.stages.map(s => `${stageLabel(s)}<br/>partition ${s.partition}<br/>${s.updatedOrdinals.length} of ${plan.replicas} new`),
  };
}

function checkStatefulSetPlan(plan: any, bad: BadField, invalid: (what: string) => Error): StatefulSetPlanDocument {
  checkStrings(plan, ['app', 'kind', 'activeStage', 'stateFile', 'serviceName'], bad);
  checkStateFileField(plan.stateFile, bad);
  checkCounts(plan, ['replicas', 'ordinalsStart'], bad);
  if (!Array.isArray(plan.stages) || plan.stages.length < 2) throw bad('stages', 'a list of at least two stages (hold and complete)');
  if (!Array.isArray(plan.podOrdinals) || plan.podOrdinals.length !== plan.replicas || !plan.podOrdinals.every((o: unknown) => Number.isInteger(o))) {
    throw bad('podOrdinals', `a list of ${plan.replicas} ordinals (one per replica)`);
  }
  if (!Array.isArray(plan.previewNotes) || !Array.isArray(plan.notes)) throw bad('notes', 'a list of strings');
  if (plan.replicasManagedByHpa !== undefined && plan.replicasManagedByHpa !== true) throw bad('replicasManagedByHpa', 'true or absent');
  checkCandidate(plan, bad);
  plan.stages.forEach((s: any, i: number) => {
    const ok = s && typeof s.name === 'string' && isStageDirectory(s.directory) &&
      Number.isInteger(s.partition) && s.index === i && Array.isArray(s.updatedOrdinals) && Array.isArray(s.updatedPods);
    if (!ok) throw invalid(`stages[${i}] (${JSON.stringify(s)}) must have index ${i}, a name, a directory "stages/<NN>-<name>" inside the tree, a partition and the updated pods`);
    if (i > 0 && s.partition >= plan.stages[i - 1].partition) {
      throw invalid(`stages[${i}].partition (${s.partition}) must be lower than stages[${i - 1}].partition (${plan.stages[i - 1].partition})`);
    }
  });
  checkActiveStage(plan, bad);
  return plan as StatefulSetPlanDocument;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Decide whether the active stage has converged, from `kubectl get statefulset NAME -o json`, by the rule
 * kubectl (`StatefulSetStatusViewer`), Argo CD (gitops-engine `health_statefulset.go`) and Flux (kstatus)
 * share: the controller has observed the spec (`observedGeneration >= generation`), every pod is ready
 * (`readyReplicas >= spec.replicas`) and `updatedReplicas >= spec.replicas - partition`; at partition 0,
 * also `currentRevision == updateRevision`. First the live object must be the committed stage: same
 * name, the active stage's partition and the candidate's images (else the agent has not synced yet).
 * The live `spec.replicas` must be the plan's, unless an HPA owns replicas (`replicasManagedByHpa`): then
 * the rule is applied to the live count, and a stage meant to update pods waits while the HPA holds
 * replicas at or below its partition (no pod would run the candidate).
 */
function statefulSetGate(plan: StatefulSetPlanDocument, liveText: string) {
  let live: any;
  try {
    live = JSON.parse(liveText);
  } catch (e) {
    return malformed(`the live status is not JSON (${(e as Error).message}): pass the output of \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) {
    return malformed(`the live status (${show(live)}) must be one StatefulSet object, the output of \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live.kind === 'List') {
    return malformed(`the live status is a List: pass one object, \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live.apiVersion !== undefined && live.apiVersion !== plan.apiVersion) {
    return malformed(`the live object apiVersion (${show(live.apiVersion)}) must be ${JSON.stringify(plan.apiVersion)}`);
  }
  if (live.kind !== plan.kind) {
    return malformed(`the live object kind (${show(live.kind)}) must be ${JSON.stringify(plan.kind)}`);
  }
  if (live.metadata?.name !== plan.app) {
    return malformed(`the live object metadata.name (${show(live.metadata?.name)}) must be ${JSON.stringify(plan.app)}, the app of this plan`);
  }
  if (plan.namespace !== null && live.metadata?.namespace !== undefined && live.metadata.namespace !== plan.namespace) {
    return malformed(`the live object metadata.namespace (${show(live.metadata.namespace)}) must be ${JSON.stringify(plan.namespace)}`);
  }
  const spec = live.spec;
  if (spec === null || typeof spec !== 'object' || !isCount(spec.replicas)) {
    return malformed(`the live object spec.replicas (${show(spec?.replicas)}) must be an integer >= 0`);
  }
  const generation = live.metadata?.generation;
  if (!isCount(generation)) {
    return malformed(`the live object metadata.generation (${show(generation)}) must be an integer >= 0`);
  }
  const partition = spec.updateStrategy?.rollingUpdate?.partition;
  if (partition !== undefined && !isCount(partition)) {
    return malformed(`the live object spec.updateStrategy.rollingUpdate.partition (${show(partition)}) must be an integer >= 0`);
  }
  const status = live.status ?? {};
  if (typeof status !== 'object') {
    return malformed(`the live object status (${show(status)}) must be an object`);
  }
  for (const field of ['observedGeneration', 'readyReplicas', 'updatedReplicas', 'replicas']) {
    if (status[field] !== undefined && !isCount(status[field])) {
      return malformed(`the live object status.${field} (${show(status[field])}) must be an integer >= 0`);
    }
  }

  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  const hpa = plan.replicasManagedByHpa === true;
  if (!hpa && spec.replicas !== plan.replicas) {
    return waiting(`the live spec.replicas (${spec.replicas}) is not the plan's ${plan.replicas}: the StatefulSet was scaled outside Git, or the agent has not synced yet; a stage is judged only at the replicas it was planned for`);
  }
  const livePartition: number = partition ?? 0;
  if (livePartition !== active.partition) {
    return waiting(`not synced yet: the live partition is ${livePartition}, the active stage ${active.name} has partition ${active.partition}`);
  }
  const liveImages = templateImages(spec.template);
  const differing = Object.entries(plan.candidate.images).filter(([c, image]) => own(liveImages, c) !== image);
  if (differing.length > 0) {
    return waiting(`not synced yet: the live template runs ${differing.map(([c]) => `${c}=${own(liveImages, c) ?? '(none)'}`).join(', ')}, the candidate ${differing.map(([c, i]) => `${c}=${i}`).join(', ')}`);
  }

  // with an HPA the live count is the truth: the partition rule applies to whatever it scaled to
  const replicas: number = spec.replicas;
  if (hpa && active.updatedOrdinals.length > 0 && replicas <= livePartition) {
    return waiting(`the HPA holds ${replicas} ${replicas === 1 ? 'replica' : 'replicas'}, not above the partition ${livePartition} of stage ${active.name}: no pod runs the candidate, so the stage cannot be judged until replicas grow above ${livePartition}`);
  }
  const observed: number = status.observedGeneration ?? 0;
  if (observed === 0 || observed < generation) {
    return waiting(`the controller has not observed the spec yet (observedGeneration ${observed} < generation ${generation})`);
  }
  const ready: number = status.readyReplicas ?? 0;
  if (ready < replicas) {
    return waiting(`${ready} of ${replicas} pods ready`);
  }
  const wanted = Math.max(0, replicas - livePartition);
  const updated: number = status.updatedReplicas ?? 0;
  if (updated < wanted) {
    return waiting(`${updated} of ${wanted} pods updated`);
  }
  if (livePartition === 0 && status.currentRevision !== undefined && status.updateRevision !== undefined && status.currentRevision !== status.updateRevision) {
    return waiting(`rolling update finishing: currentRevision ${status.currentRevision} is not yet updateRevision ${status.updateRevision}`);
  }
  const what = livePartition >= replicas ? 'hold: no pod updates' : `${updated} of ${replicas} pods updated`;
  const scaled = hpa && replicas !== plan.replicas ? ` (${replicas} replicas set by the HPA, the plan counts ${plan.replicas})` : '';
  return converged(`stage ${active.name} converged: ${what}, ${ready} of ${replicas} ready${scaled}`);
}

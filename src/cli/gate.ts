import { PlanDocument } from '../output/plan-doc';
import { templateImages } from '../rollout/revision';

/** The verdict of the gate. */
export interface GateVerdict {
  /** True when the active stage has converged. */
  readonly converged: boolean;
  /** 0 converged, 1 not yet, 2 malformed input. */
  readonly exitCode: number;
  /** Why, in a sentence: "2 of 3 pods updated". */
  readonly reason: string;
}

const malformed = (reason: string): GateVerdict => ({ converged: false, exitCode: 2, reason });
const waiting = (reason: string): GateVerdict => ({ converged: false, exitCode: 1, reason });

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Decide whether the active stage has converged, from `kubectl get statefulset NAME -o json`, by the rule
 * kubectl (`StatefulSetStatusViewer`), Argo CD (gitops-engine `health_statefulset.go`) and Flux (kstatus)
 * share: the controller has observed the spec (`observedGeneration >= generation`), every pod is ready
 * (`readyReplicas >= spec.replicas`) and `updatedReplicas >= spec.replicas - partition`; at partition 0,
 * also `currentRevision == updateRevision`. First the live object must be the committed stage: same
 * name, the active stage's partition and the candidate's images (else the agent has not synced yet).
 */
export function gateVerdict(plan: PlanDocument, liveText: string): GateVerdict {
  let live: any;
  try {
    live = JSON.parse(liveText);
  } catch (e) {
    return malformed(`the live status is not JSON (${(e as Error).message}): pass the output of \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) {
    return malformed(`the live status (${JSON.stringify(live)}) must be one StatefulSet object, the output of \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live.kind === 'List') {
    return malformed(`the live status is a List: pass one object, \`kubectl get statefulset ${plan.app} -o json\``);
  }
  if (live.apiVersion !== undefined && live.apiVersion !== plan.apiVersion) {
    return malformed(`the live object apiVersion (${JSON.stringify(live.apiVersion)}) must be ${JSON.stringify(plan.apiVersion)}`);
  }
  if (live.kind !== plan.kind) {
    return malformed(`the live object kind (${JSON.stringify(live.kind)}) must be ${JSON.stringify(plan.kind)}`);
  }
  if (live.metadata?.name !== plan.app) {
    return malformed(`the live object metadata.name (${JSON.stringify(live.metadata?.name)}) must be ${JSON.stringify(plan.app)}, the app of this plan`);
  }
  if (plan.namespace !== null && live.metadata?.namespace !== undefined && live.metadata.namespace !== plan.namespace) {
    return malformed(`the live object metadata.namespace (${JSON.stringify(live.metadata.namespace)}) must be ${JSON.stringify(plan.namespace)}`);
  }
  const spec = live.spec;
  if (spec === null || typeof spec !== 'object' || !isInt(spec.replicas)) {
    return malformed(`the live object spec.replicas (${JSON.stringify(spec?.replicas)}) must be an integer`);
  }
  const generation = live.metadata?.generation;
  if (!isInt(generation)) {
    return malformed(`the live object metadata.generation (${JSON.stringify(generation)}) must be an integer`);
  }
  const status = live.status ?? {};
  if (typeof status !== 'object') {
    return malformed(`the live object status (${JSON.stringify(status)}) must be an object`);
  }
  for (const field of ['observedGeneration', 'readyReplicas', 'updatedReplicas', 'replicas']) {
    if (status[field] !== undefined && !isInt(status[field])) {
      return malformed(`the live object status.${field} (${JSON.stringify(status[field])}) must be an integer`);
    }
  }

  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  const livePartition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (livePartition !== active.partition) {
    return waiting(`not synced yet: the live partition is ${livePartition}, the active stage ${active.name} has partition ${active.partition}`);
  }
  const liveImages = templateImages(spec.template);
  const differing = Object.entries(plan.candidate.images).filter(([c, image]) => liveImages[c] !== image);
  if (differing.length > 0) {
    return waiting(`not synced yet: the live template runs ${differing.map(([c]) => `${c}=${liveImages[c] ?? '(none)'}`).join(', ')}, the candidate ${differing.map(([c, i]) => `${c}=${i}`).join(', ')}`);
  }

  const replicas: number = spec.replicas;
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
  return { converged: true, exitCode: 0, reason: `stage ${active.name} converged: ${what}, ${ready} of ${replicas} ready` };
}

import { DeploymentPlanDocument } from '../render/deployment-plan-doc';
import { PlanDocument } from '../render/plan-doc';
import { templateImages } from '../core/revision';

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

/**
 * Decide whether the active stage of a Deployment rollout has converged, from
 * `kubectl get deployment A B [service S ...] -o json` (a List). First each Deployment must be the
 * committed stage (its replicas and its template's images), and each Service given its selector colour;
 * then each Deployment must pass the rule kubectl (`DeploymentStatusViewer`), Argo CD (gitops-engine
 * `health_deployment.go`) and Flux (kstatus) share: not paused, observedGeneration >= generation, no
 * `ProgressDeadlineExceeded`, updatedReplicas >= replicas, no old replicas left (status.replicas <=
 * updatedReplicas) and availableReplicas >= updatedReplicas.
 */
export function deploymentGateVerdict(plan: DeploymentPlanDocument, liveText: string): GateVerdict {
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
      return malformed(`the live Deployment ${want.name} apiVersion (${JSON.stringify(d.apiVersion)}) must be "apps/v1"`);
    }
    if (plan.namespace !== null && d.metadata.namespace !== undefined && d.metadata.namespace !== plan.namespace) {
      return malformed(`the live Deployment ${want.name} metadata.namespace (${JSON.stringify(d.metadata.namespace)}) must be ${JSON.stringify(plan.namespace)}`);
    }
    if (!isInt(d.spec?.replicas)) {
      return malformed(`the live Deployment ${want.name} spec.replicas (${JSON.stringify(d.spec?.replicas)}) must be an integer`);
    }
    if (!isInt(d.metadata?.generation)) {
      return malformed(`the live Deployment ${want.name} metadata.generation (${JSON.stringify(d.metadata?.generation)}) must be an integer`);
    }
    const status = d.status ?? {};
    for (const field of ['observedGeneration', 'replicas', 'updatedReplicas', 'availableReplicas', 'readyReplicas']) {
      if (status[field] !== undefined && !isInt(status[field])) {
        return malformed(`the live Deployment ${want.name} status.${field} (${JSON.stringify(status[field])}) must be an integer`);
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
    const differing = Object.entries(images).filter(([c, image]) => liveImages[c] !== image);
    if (differing.length > 0) {
      return waiting(`not synced yet: the live Deployment ${want.name} runs ${differing.map(([c]) => `${c}=${liveImages[c] ?? '(none)'}`).join(', ')}, the active stage has ${differing.map(([c, i2]) => `${c}=${i2}`).join(', ')} (the ${want.runs} revision)`);
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
      return waiting(`not synced yet: the live Service ${svc.name} selects ${plan.layout.label}=${JSON.stringify(selected ?? null)}, the active stage ${active.name} selects ${svc.color}`);
    }
  }
  for (const [i, want] of active.deployments.entries()) {
    const verdict = deploymentHealth(want.name, deployments[i]);
    if (verdict) return verdict;
  }
  return { converged: true, exitCode: 0, reason: `stage ${active.name} converged: ${summaries.join(', ')}` };
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

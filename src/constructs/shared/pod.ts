import { k8s } from 'cdk8s-plus-27';
import { ContainerProps, renderContainer } from './container';
import { checkDnsLabel, checkInteger, checkLabels, hasOwn, show } from '../../core/validation';

/** The pod template and labels of a workload (StatefulApp, DeploymentApp). Only what is given is emitted. */
export interface WorkloadPodProps {
  /** The containers of the pod template (at least one). */
  readonly containers: ContainerProps[];
  /**
   * Init containers of the pod template.
   * @default - none
   */
  readonly initContainers?: ContainerProps[];
  /**
   * The selector labels (`spec.selector.matchLabels`), also put on the pod template and used as the
   * Service selector. The selector is immutable in a live cluster: choose it once.
   * @default { 'app.kubernetes.io/name': name }
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Labels of the workload and its Service.
   * @default - the selector labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the workload.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Extra labels of the pod template, beside the selector labels (they may not change a selector label).
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of the pod template.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Pod volumes (ConfigMaps, Secrets, emptyDir, ...).
   * @default - none
   */
  readonly volumes?: k8s.Volume[];
  /**
   * How many old revisions to keep (ControllerRevisions of a StatefulSet, ReplicaSets of a Deployment).
   * @default - not emitted (10)
   */
  readonly revisionHistoryLimit?: number;
  /**
   * The pods' service account.
   * @default - the namespace's default
   */
  readonly serviceAccountName?: string;
  /**
   * The pod security context.
   * @default - none
   */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /**
   * Seconds a pod is given to stop.
   * @default - not emitted (30)
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Node labels the pods must match.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the pods.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Affinity of the pods.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
}

/** The checked labels and the rendered containers of a workload. */
export interface PodParts {
  readonly selectorLabels: { [key: string]: string };
  readonly podLabels: { [key: string]: string };
  readonly labels: { [key: string]: string };
  readonly containers: k8s.Container[];
  readonly initContainers?: k8s.Container[];
}

/**
 * Check the pod props of a workload named `name` and render its containers. `extraVolumes` are the
 * volumes the workload adds beside `props.volumes` (a StatefulSet's claim templates).
 */
export function renderPodParts(name: string, props: WorkloadPodProps, extraVolumes: string[] = []): PodParts {
  if (props.revisionHistoryLimit !== undefined) checkInteger('revisionHistoryLimit', props.revisionHistoryLimit, 0);
  if (props.terminationGracePeriodSeconds !== undefined) checkInteger('terminationGracePeriodSeconds', props.terminationGracePeriodSeconds, 0);
  const selectorLabels = props.selectorLabels ?? { 'app.kubernetes.io/name': name };
  if (Object.keys(selectorLabels).length === 0) {
    throw new Error('selectorLabels ({}) must have at least one label: the selector may not be empty');
  }
  checkLabels('selectorLabels', selectorLabels);
  const podLabels = props.podLabels ?? {};
  checkLabels('podLabels', podLabels);
  for (const [key, value] of Object.entries(podLabels)) {
    if (hasOwn(selectorLabels, key) && selectorLabels[key] !== value) {
      throw new Error(`podLabels[${show(key)}] (${show(value)}) does not match the selector label ${key}=${show(selectorLabels[key])}: the selector must match the template labels`);
    }
  }
  const labels = props.labels ?? selectorLabels;
  checkLabels('labels', labels);

  if (!Array.isArray(props.containers) || props.containers.length === 0) {
    throw new Error(`containers (${show(props.containers)}) must list at least one container`);
  }
  const containers = props.containers.map((c, i) => renderContainer(`containers[${i}]`, c));
  const initContainers = props.initContainers?.map((c, i) => renderContainer(`initContainers[${i}]`, c));
  const seenContainers = new Set<string>();
  for (const c of [...containers, ...(initContainers ?? [])]) {
    if (seenContainers.has(c.name)) {
      throw new Error(`container name (${show(c.name)}) is used twice: container and init container names must be unique in a pod`);
    }
    seenContainers.add(c.name);
  }
  const volumeNames = new Set<string>();
  for (const [i, v] of [...(props.volumes ?? []).map(v => v.name), ...extraVolumes].entries()) {
    checkDnsLabel('volume name', v);
    if (volumeNames.has(v)) {
      throw new Error(`volume name (${show(v)}) is used twice (at ${i}): volumes and claim templates share one namespace in the pod`);
    }
    volumeNames.add(v);
  }
  const mountsOf = (list: ContainerProps[] | undefined, field: string) => (list ?? []).forEach((c, ci) =>
    (c.volumeMounts ?? []).forEach((m, mi) => {
      if (!volumeNames.has(m.name)) {
        const known = [...volumeNames].map(n => JSON.stringify(n)).join(', ') || 'none';
        throw new Error(`${field}[${ci}].volumeMounts[${mi}].name (${show(m.name)}) must name a volumeClaimTemplate or a volume; known: ${known}`);
      }
    }));
  mountsOf(props.containers, 'containers');
  mountsOf(props.initContainers, 'initContainers');
  if (props.annotations) checkStringValues('annotations', props.annotations);
  if (props.podAnnotations) checkStringValues('podAnnotations', props.podAnnotations);
  return { selectorLabels, podLabels, labels, containers, initContainers };
}

/** The pod template of a workload from its checked parts. */
export function podTemplate(props: WorkloadPodProps, parts: PodParts, readinessGates?: k8s.PodReadinessGate[]): k8s.PodTemplateSpec {
  return {
    metadata: { labels: { ...parts.selectorLabels, ...parts.podLabels }, annotations: props.podAnnotations },
    spec: {
      serviceAccountName: props.serviceAccountName,
      securityContext: props.podSecurityContext,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations,
      affinity: props.affinity,
      readinessGates,
      initContainers: parts.initContainers,
      containers: parts.containers,
      volumes: props.volumes,
    },
  };
}

function checkStringValues(field: string, map: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      throw new Error(`${field}[${show(key)}] (${show(value)}) must be a string`);
    }
  }
}

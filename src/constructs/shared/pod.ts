import { k8s } from 'cdk8s-plus-27';
import { ContainerProps, renderContainer } from './container';
import { DnsPolicy } from './types';
import {
  checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInteger, checkIp, checkKnownProps, checkLabels, checkOneOf, hasOwn, show,
} from '../../core/validation';

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
  /**
   * Secrets (of type `kubernetes.io/dockerconfigjson`) the kubelet uses to pull the images.
   * @default - none (the service account's)
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly imagePullSecrets?: k8s.LocalObjectReference[];
  /**
   * How the pods spread over zones, nodes or other topology domains.
   * @default - none (the scheduler's cluster defaults)
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /**
   * The PriorityClass of the pods (a DNS-1123 subdomain).
   * @default - the cluster's global default priority class, or priority 0
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
  /**
   * Mount the service account's API token into the pods.
   * @default - not emitted (the service account's setting, true unless it says otherwise)
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Entries added to the pods' `/etc/hosts`.
   * @default - none
   * @see https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
   */
  readonly hostAliases?: k8s.HostAlias[];
  /**
   * The scheduler that places the pods (a DNS-1123 subdomain).
   * @default - not emitted (default-scheduler)
   */
  readonly schedulerName?: string;
  /**
   * Inject the `<SERVICE>_SERVICE_HOST`/`_PORT` variables of the namespace's Services into the containers.
   * @default - not emitted (true)
   */
  readonly enableServiceLinks?: boolean;
  /**
   * How the pods resolve names.
   * @default - not emitted (DnsPolicy.CLUSTER_FIRST)
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
   */
  readonly dnsPolicy?: DnsPolicy;
  /**
   * Nameservers, search domains and resolver options added to the DNS policy's (at most 3 nameservers).
   * @default - none
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
   */
  readonly dnsConfig?: k8s.PodDnsConfig;
  /**
   * The RuntimeClass of the pods (a DNS-1123 subdomain), such as a sandboxed runtime.
   * @default - the cluster's default container runtime
   * @see https://kubernetes.io/docs/concepts/containers/runtime-class/
   */
  readonly runtimeClassName?: string;
  /**
   * Share one process namespace between the pod's containers.
   * @default - not emitted (false)
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/
   */
  readonly shareProcessNamespace?: boolean;
}

/**
 * The fields of `WorkloadPodProps`, in declaration order: a workload's props (StatefulAppProps,
 * DeploymentAppProps) allow these and their own.
 */
export const WORKLOAD_POD_PROPS = [
  'containers', 'initContainers', 'selectorLabels', 'labels', 'annotations', 'podLabels', 'podAnnotations',
  'volumes', 'revisionHistoryLimit', 'serviceAccountName', 'podSecurityContext', 'terminationGracePeriodSeconds',
  'nodeSelector', 'tolerations', 'affinity', 'imagePullSecrets', 'topologySpreadConstraints', 'priorityClassName',
  'automountServiceAccountToken', 'hostAliases', 'schedulerName', 'enableServiceLinks', 'dnsPolicy', 'dnsConfig',
  'runtimeClassName', 'shareProcessNamespace',
] as const;
/** The fields of `k8s.LocalObjectReference`. */
export const LOCAL_OBJECT_REFERENCE = ['name'] as const;
/** The fields of `k8s.TopologySpreadConstraint` (cdk8s-plus-27). */
export const TOPOLOGY_SPREAD_CONSTRAINT = [
  'labelSelector', 'matchLabelKeys', 'maxSkew', 'minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy', 'topologyKey', 'whenUnsatisfiable',
] as const;
/** The fields of `k8s.LabelSelector`. */
export const LABEL_SELECTOR = ['matchLabels', 'matchExpressions'] as const;
/** The fields of `k8s.LabelSelectorRequirement`. */
export const LABEL_SELECTOR_REQUIREMENT = ['key', 'operator', 'values'] as const;
/** The fields of `k8s.HostAlias`. */
export const HOST_ALIAS = ['ip', 'hostnames'] as const;
/** The fields of `k8s.PodDnsConfig` and its options. */
export const POD_DNS_CONFIG = ['nameservers', 'searches', 'options'] as const;
export const POD_DNS_CONFIG_OPTION = ['name', 'value'] as const;

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
  checkPodFields(props);
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
  for (const [i, v] of [...(props.volumes ?? []).map(vol => vol.name), ...extraVolumes].entries()) {
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
  (props.initContainers ?? []).forEach((c, i) => {
    for (const f of ['lifecycle', 'readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      if (c[f] !== undefined) {
        throw new Error(`initContainers[${i}].${f} (${show(c[f])}) is not allowed: the API server refuses ${f} on init containers, which run to completion before the pod starts`);
      }
    }
  });
  checkRootAgainstPod(props.podSecurityContext, [
    ...containers.map((c, i) => [`containers[${i}]`, c, props.containers[i]] as const),
    ...(initContainers ?? []).map((c, i) => [`initContainers[${i}]`, c, props.initContainers![i]] as const),
  ]);
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
      automountServiceAccountToken: props.automountServiceAccountToken,
      imagePullSecrets: props.imagePullSecrets,
      securityContext: props.podSecurityContext,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      priorityClassName: props.priorityClassName,
      schedulerName: props.schedulerName,
      runtimeClassName: props.runtimeClassName,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations,
      affinity: props.affinity,
      topologySpreadConstraints: props.topologySpreadConstraints,
      dnsPolicy: props.dnsPolicy,
      dnsConfig: props.dnsConfig,
      hostAliases: props.hostAliases,
      enableServiceLinks: props.enableServiceLinks,
      shareProcessNamespace: props.shareProcessNamespace,
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

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** The pod-level fields of issue 14, checked as the API server checks them (ValidatePodSpec). */
function checkPodFields(props: WorkloadPodProps): void {
  for (const f of ['automountServiceAccountToken', 'enableServiceLinks', 'shareProcessNamespace'] as const) {
    checkBoolean(f, props[f]);
  }
  for (const f of ['priorityClassName', 'schedulerName', 'runtimeClassName'] as const) {
    if (props[f] !== undefined) checkDnsSubdomain(f, props[f]!);
  }
  props.imagePullSecrets?.forEach((s, i) => {
    checkKnownProps(`imagePullSecrets[${i}]`, s, LOCAL_OBJECT_REFERENCE);
    checkDnsSubdomain(`imagePullSecrets[${i}].name`, s.name!);
  });
  const spreads = new Set<string>();
  props.topologySpreadConstraints?.forEach((t, i) => {
    const at = `topologySpreadConstraints[${i}]`;
    checkKnownProps(at, t, TOPOLOGY_SPREAD_CONSTRAINT);
    checkInteger(`${at}.maxSkew`, t.maxSkew, 1);
    if (typeof t.topologyKey !== 'string' || t.topologyKey === '') {
      throw new Error(`${at}.topologyKey (${show(t.topologyKey)}) must be a node label key such as "topology.kubernetes.io/zone"`);
    }
    checkOneOf(`${at}.whenUnsatisfiable`, t.whenUnsatisfiable, WHEN_UNSATISFIABLE);
    if (t.minDomains !== undefined) {
      checkInteger(`${at}.minDomains`, t.minDomains, 1);
      if (t.whenUnsatisfiable !== 'DoNotSchedule') {
        throw new Error(`${at}.minDomains (${t.minDomains}) needs whenUnsatisfiable DoNotSchedule, not ${show(t.whenUnsatisfiable)}`);
      }
    }
    if (t.nodeAffinityPolicy !== undefined) checkOneOf(`${at}.nodeAffinityPolicy`, t.nodeAffinityPolicy, NODE_INCLUSION_POLICIES);
    if (t.nodeTaintsPolicy !== undefined) checkOneOf(`${at}.nodeTaintsPolicy`, t.nodeTaintsPolicy, NODE_INCLUSION_POLICIES);
    if (t.labelSelector !== undefined) checkLabelSelector(`${at}.labelSelector`, t.labelSelector);
    const pair = `${t.topologyKey} ${t.whenUnsatisfiable}`;
    if (spreads.has(pair)) {
      throw new Error(`${at} (${show(t.topologyKey)}, ${show(t.whenUnsatisfiable)}) is given twice: the API server refuses two constraints with the same topologyKey and whenUnsatisfiable`);
    }
    spreads.add(pair);
  });
  props.hostAliases?.forEach((h, i) => {
    const at = `hostAliases[${i}]`;
    checkKnownProps(at, h, HOST_ALIAS);
    checkIp(`${at}.ip`, h.ip!);
    (h.hostnames ?? []).forEach((n, j) => checkDnsSubdomain(`${at}.hostnames[${j}]`, n));
  });
  if (props.dnsPolicy !== undefined) checkOneOf('dnsPolicy', props.dnsPolicy, Object.values(DnsPolicy));
  const dns = props.dnsConfig;
  if (dns !== undefined) {
    checkKnownProps('dnsConfig', dns, POD_DNS_CONFIG);
    if ((dns.nameservers ?? []).length > 3) {
      throw new Error(`dnsConfig.nameservers (${show(dns.nameservers)}) must list at most 3 nameservers`);
    }
    (dns.nameservers ?? []).forEach((n, i) => checkIp(`dnsConfig.nameservers[${i}]`, n));
    if ((dns.searches ?? []).length > 32) {
      throw new Error(`dnsConfig.searches (${(dns.searches ?? []).length} domains) must list at most 32 search domains`);
    }
    (dns.searches ?? []).forEach((d, i) => checkDnsSubdomain(`dnsConfig.searches[${i}]`, d.replace(/\.$/, '')));
    (dns.options ?? []).forEach((o, i) => {
      checkKnownProps(`dnsConfig.options[${i}]`, o, POD_DNS_CONFIG_OPTION);
      if (typeof o.name !== 'string' || o.name === '') {
        throw new Error(`dnsConfig.options[${i}].name (${show(o.name)}) must be a resolver option name such as "ndots"`);
      }
    });
  }
  if (props.dnsPolicy === DnsPolicy.NONE && (dns?.nameservers ?? []).length === 0) {
    throw new Error(`dnsConfig.nameservers (${show(dns?.nameservers)}) must list at least one nameserver with dnsPolicy None`);
  }
}

/** A label selector's fields, as the API server checks them. */
export function checkLabelSelector(field: string, selector: k8s.LabelSelector): void {
  checkKnownProps(field, selector, LABEL_SELECTOR);
  if (selector.matchLabels !== undefined) checkLabels(`${field}.matchLabels`, selector.matchLabels);
  selector.matchExpressions?.forEach((e, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    checkKnownProps(at, e, LABEL_SELECTOR_REQUIREMENT);
    checkLabels(`${at}.key`, { [e.key]: '' });
    checkOneOf(`${at}.operator`, e.operator, SELECTOR_OPERATORS);
    const values = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      throw new Error(`${at}.values (${show(e.values)}) must list at least one value with operator ${e.operator}`);
    }
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      throw new Error(`${at}.values (${show(e.values)}) must be empty with operator ${e.operator}`);
    }
  });
}

/**
 * The kubelet refuses a container whose effective runAsNonRoot is true and whose effective runAsUser is 0,
 * the container's settings taking precedence over the pod's `podSecurityContext`.
 */
function checkRootAgainstPod(podSecurityContext: k8s.PodSecurityContext | undefined, containers: ReadonlyArray<readonly [string, k8s.Container, ContainerProps]>): void {
  const pod = podSecurityContext ?? {};
  for (const [field, c, given] of containers) {
    const nonRoot = c.securityContext?.runAsNonRoot ?? pod.runAsNonRoot;
    const user = c.securityContext?.runAsUser ?? pod.runAsUser;
    if (nonRoot === true && user === 0) {
      const nonRootFrom = c.securityContext?.runAsNonRoot !== undefined ? `${field}.securityContext` : 'podSecurityContext';
      const userFrom = c.securityContext?.runAsUser !== undefined ? `${field}.securityContext` : 'podSecurityContext';
      throw new Error(`${userFrom}.runAsUser (0) contradicts ${nonRootFrom}.runAsNonRoot (true) for ${field} (${show(c.name)}): the kubelet refuses to start it; set runsAsRoot: true on the container for an image that must run as root`);
    }
    if (given.runsAsRoot === true && pod.runAsNonRoot === true && c.securityContext?.runAsNonRoot === undefined) {
      throw new Error(`podSecurityContext.runAsNonRoot (true) contradicts ${field}.runsAsRoot (true): the kubelet refuses to start an image that runs as root with runAsNonRoot; drop one of them`);
    }
  }
}

import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FastKubePodDisruptionBudget, FastKubeService, FastKubeServiceAccount } from './fast-json';
import { PercentOrAbsolute } from './percent-or-absolute';
import { renderServicePorts } from './service-ports';
import { ServicePort } from './types';
import { checkDns1035Label, checkDnsSubdomain, checkLabels, checkOneOf, show } from '../../core/validation';

/**
 * The objects nearly every stateful chart ships beside its workload: a PodDisruptionBudget, a client
 * (not headless) Service and a ServiceAccount. Each is a typed L1 object created inside the workload
 * construct's scope, so that with a rollout it goes into the rollout's `base/` with the workload.
 */

/** The type of a Service. */
export enum ServiceType {
  /** A virtual IP inside the cluster. */
  CLUSTER_IP = 'ClusterIP',
  /** ClusterIP plus a port on every node. */
  NODE_PORT = 'NodePort',
  /** NodePort plus an external load balancer from the cloud provider. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** When the pods that are not ready may be evicted (`spec.unhealthyPodEvictionPolicy`). */
export enum UnhealthyPodEvictionPolicy {
  /** Running pods that are not ready may be evicted only while the budget is met (the API default). */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
  /** Running pods that are not ready may always be evicted (a stuck pod cannot block a node drain). */
  ALWAYS_ALLOW = 'AlwaysAllow',
}

/** A PodDisruptionBudget over the app's pods (selector: the selector labels). Set exactly one of minAvailable and maxUnavailable. */
export interface PodDisruptionBudgetOptions {
  /**
   * The name (a DNS-1123 subdomain).
   * @default - the app name
   */
  readonly name?: string;
  /**
   * How many pods must stay available during a voluntary disruption (a drain).
   * @default - none: set maxUnavailable
   */
  readonly minAvailable?: PercentOrAbsolute;
  /**
   * How many pods may be unavailable during a voluntary disruption.
   * @default - none: set minAvailable
   */
  readonly maxUnavailable?: PercentOrAbsolute;
  /**
   * When running pods that are not ready may be evicted.
   * @default - not emitted (Kubernetes: IfHealthyBudget)
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
  /**
   * Labels of the PodDisruptionBudget.
   * @default - the app's `labels`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** A ServiceAccount created for the app; the pods run as it (`serviceAccountName`). */
export interface ServiceAccountOptions {
  /**
   * The name (a DNS-1123 subdomain). The pod template's `serviceAccountName` is set to it.
   * @default - the app name
   */
  readonly name?: string;
  /**
   * Whether pods that use it mount an API token (a pod's own `automountServiceAccountToken` wins).
   * @default - not emitted (Kubernetes: true)
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Labels of the ServiceAccount.
   * @default - the app's `labels`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations (a cloud identity such as `eks.amazonaws.com/role-arn`, for example).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** A client Service: a ClusterIP (or NodePort, LoadBalancer) Service over every pod, beside the headless one. */
export interface ClientServiceOptions {
  /**
   * The name (a DNS-1035 label); it must differ from the headless Service's.
   * @default - `<app name>-client`
   */
  readonly name?: string;
  /**
   * The Service type.
   * @default ServiceType.CLUSTER_IP (not emitted)
   */
  readonly type?: ServiceType;
  /**
   * The ports.
   * @default - one port for each named container port: same number, same name, targetPort the name
   */
  readonly ports?: ServicePort[];
  /**
   * Labels of the Service, replacing the app's labels.
   * @default - the app's `labels`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Service.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** What the companions need of the app. */
export interface CompanionApp {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly selectorLabels: { [key: string]: string };
  readonly containers: k8s.Container[];
}

/** The PodDisruptionBudget `PodDisruptionBudget` in `scope`. */
export function renderPodDisruptionBudget(scope: Construct, app: CompanionApp, options: PodDisruptionBudgetOptions): k8s.KubePodDisruptionBudget {
  const field = 'podDisruptionBudget';
  const name = options.name ?? app.name;
  checkDnsSubdomain(`${field}.name`, name);
  const { minAvailable, maxUnavailable } = options;
  if ((minAvailable === undefined) === (maxUnavailable === undefined)) {
    throw new Error(`${field} (minAvailable ${show(minAvailable?.toString())}, maxUnavailable ${show(maxUnavailable?.toString())}) must set exactly one of minAvailable and maxUnavailable`);
  }
  for (const [key, value] of [['minAvailable', minAvailable], ['maxUnavailable', maxUnavailable]] as const) {
    if (value === undefined) continue;
    if (!(value instanceof PercentOrAbsolute)) {
      throw new Error(`${field}.${key} (${show(value)}) must be a PercentOrAbsolute such as PercentOrAbsolute.absolute(1)`);
    }
    if (value.isPercent && value.value > 100) {
      throw new Error(`${field}.${key} (${value}) must not be greater than 100%`);
    }
  }
  if (options.unhealthyPodEvictionPolicy !== undefined) {
    checkOneOf(`${field}.unhealthyPodEvictionPolicy`, options.unhealthyPodEvictionPolicy, Object.values(UnhealthyPodEvictionPolicy));
  }
  const labels = options.labels ?? app.labels;
  checkLabels(`${field}.labels`, labels);
  return new FastKubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
    metadata: { name, labels, annotations: options.annotations },
    spec: {
      minAvailable: minAvailable && intOrString(minAvailable),
      maxUnavailable: maxUnavailable && intOrString(maxUnavailable),
      selector: { matchLabels: app.selectorLabels },
      unhealthyPodEvictionPolicy: options.unhealthyPodEvictionPolicy,
    },
  });
}

/** The name of the app's ServiceAccount, checked against `serviceAccountName`. */
export function serviceAccountNameOf(app: string, options: ServiceAccountOptions | undefined, serviceAccountName: string | undefined): string | undefined {
  if (options === undefined) return serviceAccountName;
  const name = options.name ?? app;
  checkDnsSubdomain('serviceAccount.name', name);
  if (serviceAccountName !== undefined && serviceAccountName !== name) {
    throw new Error(`serviceAccountName (${show(serviceAccountName)}) must be the created serviceAccount.name (${show(name)}) or unset: the pods run as the ServiceAccount the app creates`);
  }
  return name;
}

/** The ServiceAccount `ServiceAccount` in `scope`. */
export function renderServiceAccount(scope: Construct, app: CompanionApp, name: string, options: ServiceAccountOptions): k8s.KubeServiceAccount {
  const labels = options.labels ?? app.labels;
  checkLabels('serviceAccount.labels', labels);
  if (options.automountServiceAccountToken !== undefined && typeof options.automountServiceAccountToken !== 'boolean') {
    throw new Error(`serviceAccount.automountServiceAccountToken (${show(options.automountServiceAccountToken)}) must be true or false`);
  }
  return new FastKubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, labels, annotations: options.annotations },
    automountServiceAccountToken: options.automountServiceAccountToken,
  });
}

/** The client Service `ClientService` in `scope`. */
export function renderClientService(scope: Construct, app: CompanionApp, headlessName: string, options: ClientServiceOptions): k8s.KubeService {
  const name = options.name ?? `${app.name}-client`;
  checkDns1035Label('clientService.name', name);
  if (name === headlessName) {
    throw new Error(`clientService.name (${show(name)}) must differ from the headless Service's name (${show(headlessName)})`);
  }
  const type = options.type ?? ServiceType.CLUSTER_IP;
  checkOneOf('clientService.type', type, Object.values(ServiceType));
  let ports: k8s.ServicePort[];
  try {
    ports = renderServicePorts(options.ports, app.containers, { headless: false, nodePorts: type !== ServiceType.CLUSTER_IP });
  } catch (e) {
    // the port checks name the field of the headless Service
    throw new Error((e as Error).message.replace(/^service(\.| port)/, 'clientService$1'));
  }
  const labels = options.labels ?? app.labels;
  checkLabels('clientService.labels', labels);
  return new FastKubeService(scope, 'ClientService', {
    metadata: { name, labels, annotations: options.annotations },
    spec: { type: options.type, selector: app.selectorLabels, ports },
  });
}

function intOrString(value: PercentOrAbsolute): k8s.IntOrString {
  return value.isPercent ? k8s.IntOrString.fromString(value.toString()) : k8s.IntOrString.fromNumber(value.value);
}

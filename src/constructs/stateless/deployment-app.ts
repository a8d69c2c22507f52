import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DeploymentStrategy } from './deployment-strategy';
import { DeploymentLayout, DeploymentRolloutLayout, labelledTemplate } from '../../core/kinds/deployment';
import { BLUE_GREEN_STEPS } from '../../core/kinds/deployment-blue-green';
import { MAX_REPLICAS } from '../../core/limits';

export { ServiceType };
import { ResolvedStage, RolloutPlan } from '../../core/plan';
import {
  checkBoolean, checkDns1035Label, checkDnsLabel, checkInteger, checkKnownProps, checkLabelKey, checkLabels, checkOneOf, hasOwn, show,
} from '../../core/validation';
import {
  PodDisruptionBudgetOptions, renderPodDisruptionBudget, renderServiceAccount, ServiceAccountOptions, serviceAccountNameOf, ServiceType,
} from '../shared/companions';
import { FastKubeDeployment, FastKubeService } from '../shared/fast-json';
import { PodParts, podTemplate, renderPodParts, WORKLOAD_POD_PROPS, WorkloadPodProps } from '../shared/pod';
import { resolveRolloutOptions, ResolvedRolloutOptions, ROLLOUT_OPTIONS_BASE, RolloutOptionsBase } from '../shared/rollout-options';
import { renderServicePorts } from '../shared/service-ports';
import { StagedSource, TreeObjects } from '../shared/staged-source';
import { IStagedWorkload, WorkloadReference } from '../shared/staged-workload';
import { ServicePort } from '../shared/types';

/**
 * A port of the Service in front of a Deployment.
 * @deprecated use `ServicePort`, the one Service port type of both constructs
 */
export interface DeploymentServicePort extends ServicePort {}

/** The Service in front of the Deployment(s). */
export interface DeploymentServiceOptions {
  /**
   * The Service name (a DNS-1035 label).
   * @default - the app name
   */
  readonly name?: string;
  /**
   * The Service type.
   * @default ServiceType.CLUSTER_IP
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly type?: ServiceType;
  /**
   * The ports.
   * @default - one port for each named container port: same number, same name, targetPort the name
   */
  readonly ports?: ServicePort[];
  /**
   * Labels of the Service.
   * @default - the app's `labels`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Service (a load balancer's settings, for example).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** A canary: a stable and a canary Deployment behind one Service. */
export interface CanaryRolloutOptions {
  /**
   * The stages: each one sets how many pods the canary Deployment runs (the rest stay on the stable
   * Deployment); the last one gives the stable Deployment the new template and scales the canary to 0.
   * @default RolloutPlan.canary() - 1 pod, then 50%
   */
  readonly plan?: RolloutPlan;
  /**
   * The label that tells the two Deployments apart (values `stable` and `canary`). It joins the selector
   * of each Deployment, not the Service's, which selects both.
   * @default 'track'
   */
  readonly trackLabel?: string;
  /**
   * The name of the canary Deployment.
   * @default - `<name>-canary`
   */
  readonly canaryName?: string;
}

/** Blue/green: two Deployments, a Service that selects one colour and a preview Service on the other. */
export interface BlueGreenRolloutOptions {
  /**
   * The label that tells the colours apart (values `blue` and `green`). It joins the selector of each
   * Deployment and of both Services.
   * @default 'color'
   */
  readonly colorLabel?: string;
  /**
   * The name of the preview Service, which selects the idle colour: the candidate before the switch,
   * the stable colour after it.
   * @default - `<service name>-preview`
   */
  readonly previewServiceName?: string;
  /**
   * The type of the preview Service.
   * @default ServiceType.CLUSTER_IP
   */
  readonly previewServiceType?: ServiceType;
}

/** How a DeploymentApp rolls out: a canary or blue/green. */
export class DeploymentRolloutStrategy {
  /** A canary: stages set the replica split between a stable and a canary Deployment. */
  public static canary(options: CanaryRolloutOptions = {}): DeploymentRolloutStrategy {
    return new DeploymentRolloutStrategy(options, undefined);
  }

  /** Blue/green: stages hold, preview, switch, cleanup. */
  public static blueGreen(options: BlueGreenRolloutOptions = {}): DeploymentRolloutStrategy {
    return new DeploymentRolloutStrategy(undefined, options);
  }

  private constructor(
    /** The canary's options, for a canary. */
    public readonly canaryOptions: CanaryRolloutOptions | undefined,
    /** The blue/green options, for blue/green. */
    public readonly blueGreenOptions: BlueGreenRolloutOptions | undefined) {}
}

/** A staged rollout of a DeploymentApp. */
export interface DeploymentRolloutOptions extends RolloutOptionsBase {
  /**
   * A canary or blue/green.
   * @default - from the deprecated `canary` or `blueGreen`, one of which must then be set
   */
  readonly strategy?: DeploymentRolloutStrategy;
  /**
   * A canary.
   * @default - no canary
   * @deprecated use `strategy: DeploymentRolloutStrategy.canary({...})`
   */
  readonly canary?: CanaryRolloutOptions;
  /**
   * Blue/green.
   * @default - no blue/green
   * @deprecated use `strategy: DeploymentRolloutStrategy.blueGreen({...})`
   */
  readonly blueGreen?: BlueGreenRolloutOptions;
}

/** Props of `DeploymentApp`. Only what is given is emitted, except the defaults documented here. */
export interface DeploymentAppProps extends WorkloadPodProps {
  /**
   * The app name: the Deployment's (a canary's stable Deployment), the prefix of the blue/green ones.
   * A DNS-1123 label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The number of pods. Always emitted. With a rollout, the pods of both Deployments add up to it.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How the Deployment replaces pods when its template changes.
   * @default - not emitted (Kubernetes: RollingUpdate, maxSurge 25%, maxUnavailable 25%)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
   */
  readonly strategy?: DeploymentStrategy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default - not emitted (0)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#min-ready-seconds
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds without progress before the Deployment reports `ProgressDeadlineExceeded` (Argo CD then
   * shows it Degraded). Must be greater than minReadySeconds.
   * @default - not emitted (600)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * The Service in front of the pods.
   * @default - a ClusterIP Service named like the app, ports from the named container ports
   */
  readonly service?: DeploymentServiceOptions;
  /**
   * A PodDisruptionBudget over the pods of every Deployment of the app (selector: the selector labels).
   * @default - none
   */
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions;
  /**
   * A ServiceAccount created for the app; the pod template's `serviceAccountName` names it.
   * @default - none: the pods run as `serviceAccountName`, or the namespace's default
   */
  readonly serviceAccount?: ServiceAccountOptions;
  /**
   * A HorizontalPodAutoscaler owns `spec.replicas`: the Deployment is written without it, so that Argo CD
   * or Flux do not set it back at every sync (with Argo CD also set `ignoreReplicasOf: [app]`). Only
   * without a rollout: a canary or blue/green rollout scales its Deployments at every stage.
   * @default false - `spec.replicas` is written
   */
  readonly replicasManagedByHpa?: boolean;
  /**
   * A staged rollout (canary or blue/green): the app is written by `StagedApp` as a base, one overlay
   * per stage and a root that selects the active stage, instead of into the chart's manifest.
   * @default - no rollout: one Deployment that rolls by its strategy, and its Service
   */
  readonly rollout?: DeploymentRolloutOptions;
}

/** The Kubernetes default of progressDeadlineSeconds. */
const DEFAULT_PROGRESS_DEADLINE = 600;

/**
 * A Deployment and its Service, with an optional staged rollout: a canary (a stable and a canary
 * Deployment behind one Service) or blue/green (two colours, a Service that switches between them and a
 * preview Service). Deployments have no partition, so each stage sets replicas and selectors instead.
 *
 * Built on the typed L1 objects (`k8s.KubeDeployment`, `k8s.KubeService`), like `StatefulApp`: only the
 * fields set here are emitted, names as written, no injected resources or probes.
 *
 * With a rollout, the rollout owns `spec.replicas` and `spec.template` of both Deployments and, for
 * blue/green, the colour in both Services' selectors: each stage sets them. The candidate template is
 * read from the rendered `primary` Deployment (without the track or colour label), so an escape hatch
 * such as `primary.addJsonPatch(...)` on its template becomes part of the candidate and reaches both
 * Deployments; a patch of another field of an object stays in `base/` as written.
 */
export class DeploymentApp extends Construct implements IStagedWorkload {
  /** The app name. */
  public readonly name: string;
  /** The number of pods. */
  public readonly replicas: number;
  /** True when an HPA owns `spec.replicas` and the Deployment is written without it. */
  public readonly replicasManagedByHpa: boolean;
  /** The selector labels (without the track or colour label). */
  public readonly selectorLabels: { [key: string]: string };
  /** The Service that takes the traffic. */
  public readonly service: k8s.KubeService;
  /** The Deployments: one without a rollout; [stable, canary] or [blue, green] with one. */
  public readonly deployments: k8s.KubeDeployment[];
  /**
   * The Deployment named after the app: the only one without a rollout, the stable one of a canary, the
   * blue one of blue/green. The candidate template is read from it.
   */
  public readonly primary: k8s.KubeDeployment;
  /**
   * The canary Deployment of a canary rollout.
   * @default - none: not a canary
   */
  public readonly canary?: k8s.KubeDeployment;
  /**
   * The green Deployment of a blue/green rollout (`primary` is the blue one).
   * @default - none: not blue/green
   */
  public readonly green?: k8s.KubeDeployment;
  /**
   * The preview Service (blue/green).
   * @default - none
   */
  public readonly previewService?: k8s.KubeService;
  /**
   * The rollout directory below the output directory, when there is a rollout.
   * @default - none
   */
  /**
   * The names of the rollout's waves (`rollout.waves`), in order, for the GitOps objects
   * (`ArgoCdApplicationSet` `waves.names`, `FluxKustomization` `wave`).
   * @default - none: the rollout has no waves
   */
  public readonly waveNames?: string[];
  public readonly rolloutDirectory?: string;
  /**
   * The stage pinned in code, if any.
   * @default - none
   */
  public readonly pinnedStage?: string;
  /** The stage names, first to last (empty without a rollout). */
  public readonly stageNames: string[];
  /**
   * The PodDisruptionBudget.
   * @default - none
   */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /**
   * The ServiceAccount.
   * @default - none
   */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  private readonly treeObjects: TreeObjects;

  private readonly layout?: DeploymentLayout;
  private readonly canaryPlan?: ResolvedStage[];
  private readonly rollout?: ResolvedRolloutOptions;

  public constructor(scope: Construct, id: string, props: DeploymentAppProps) {
    super(scope, id);
    const name = props.name ?? id;
    const replicas = props.replicas ?? 1;
    checkDeploymentFields(name, props);
    const parts = renderPodParts(name, props);
    const serviceName = props.service?.name ?? name;
    checkDns1035Label('service.name', serviceName);

    const rollout = props.rollout && layoutOf(name, props, parts, serviceName);
    const layout = rollout?.layout;
    this.name = name;
    this.replicas = replicas;
    this.replicasManagedByHpa = props.replicasManagedByHpa ?? false;
    this.selectorLabels = { ...parts.selectorLabels };
    this.layout = layout;
    this.canaryPlan = rollout?.canaryPlan;
    this.stageNames = rollout?.stageNames ?? [];
    this.rollout = rollout && resolveRolloutOptions(props.rollout!, this.stageNames, name);
    this.rolloutDirectory = this.rollout?.directory;
    this.waveNames = this.rollout?.waves?.map(w => w.name);
    this.pinnedStage = this.rollout?.pinnedStage;

    const services = renderServices(this, props, parts, serviceName, layout, rollout?.preview);
    this.service = services.service;
    this.previewService = services.preview;
    this.treeObjects = new TreeObjects(this, this.rollout !== undefined);
    const companion = { name, labels: parts.labels, selectorLabels: parts.selectorLabels, containers: parts.containers };
    const serviceAccountName = serviceAccountNameOf(name, props.serviceAccount, props.serviceAccountName);
    this.podDisruptionBudget = props.podDisruptionBudget && renderPodDisruptionBudget(this, companion, props.podDisruptionBudget);
    this.serviceAccount = props.serviceAccount && renderServiceAccount(this, companion, serviceAccountName!, props.serviceAccount);

    // Each Deployment as the first synth has it: the candidate template, with the track or colour label,
    // every replica on the first one. StagedApp replaces templates and replicas from the rollout state.
    const template = podTemplate(serviceAccountName === props.serviceAccountName ? props : { ...props, serviceAccountName }, parts);
    const deployment = (idx: number, id2: string, depName: string, labelValue?: string) => {
      const sel = layout && labelValue !== undefined ? { ...parts.selectorLabels, [layout.label]: labelValue } : parts.selectorLabels;
      return new FastKubeDeployment(this, id2, {
        metadata: { name: depName, labels: layout && labelValue !== undefined ? { ...parts.labels, [layout.label]: labelValue } : parts.labels, annotations: props.annotations },
        spec: {
          replicas: this.replicasManagedByHpa ? undefined : idx === 0 ? replicas : 0,
          selector: { matchLabels: sel },
          template: layout && labelValue !== undefined ? labelledTemplate(template, layout.label, labelValue) : template,
          strategy: props.strategy && strategyOf(props.strategy),
          minReadySeconds: props.minReadySeconds,
          progressDeadlineSeconds: props.progressDeadlineSeconds,
          revisionHistoryLimit: props.revisionHistoryLimit,
        },
      });
    };
    this.deployments = layout
      ? layout.deployments.map((d, i) => deployment(i, i === 0 ? 'Resource' : (layout.style === 'canary' ? 'Canary' : 'Green'), d, layout.labelValues[i]))
      : [deployment(0, 'Resource', name)];
    this.primary = this.deployments[0];
    this.canary = layout?.style === 'canary' ? this.deployments[1] : undefined;
    this.green = layout?.style === 'blueGreen' ? this.deployments[1] : undefined;
    this.node.defaultChild = this.primary;
  }

  /** The Deployments, for the health checks of a GitOps agent. */
  public get workloads(): WorkloadReference[] {
    return this.deployments.map(d => ({
      apiVersion: d.apiVersion,
      kind: d.kind,
      name: d.name,
      namespace: d.metadata.namespace ?? Chart.of(this).namespace,
      replicasManagedByHpa: this.replicasManagedByHpa || undefined,
    }));
  }

  /**
   * Put objects created anywhere in the app (a ConfigMap, a NetworkPolicy, the objects of an `Include`)
   * into this rollout's `base/` instead of their chart's manifest. Objects inside this construct's scope
   * are there already. An object added to two rollouts' trees is refused at synth, naming both.
   * Needs a rollout.
   */
  public addToTree(...objects: ApiObject[]): void {
    this.treeObjects.add(objects);
  }

  /** @internal */
  public _stagedSource(): StagedSource | undefined {
    if (this.layout === undefined || this.rollout === undefined) {
      return undefined;
    }
    const layout: DeploymentRolloutLayout = {
      app: this.name,
      namespace: this.primary.metadata.namespace ?? Chart.of(this).namespace,
      layout: this.layout,
      canaryPlan: this.canaryPlan,
    };
    return {
      owner: this,
      extraObjects: this.treeObjects.list(),
      kind: this.layout.style === 'canary' ? 'deployment-canary' : 'deployment-blue-green',
      layout,
      ...this.rollout,
    };
  }

  /** The objects of this app, rendered, in the order they were added. */
  public toJson(): any[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => o.toJson());
  }
}

/** Every key of `DeploymentAppProps`. */
const DEPLOYMENT_APP_PROPS = [
  ...WORKLOAD_POD_PROPS, 'name', 'replicas', 'strategy', 'minReadySeconds', 'progressDeadlineSeconds', 'service', 'podDisruptionBudget', 'serviceAccount', 'rollout',
  'replicasManagedByHpa',
];

/** The checks of the Deployment's own fields. */
function checkDeploymentFields(name: string, props: DeploymentAppProps): void {
  // props given from JavaScript, or from a TypeScript object that is not a literal, are not checked by the compiler
  checkKnownProps('', props, DEPLOYMENT_APP_PROPS);
  if (props.rollout !== undefined) checkKnownProps('rollout', props.rollout, ['strategy', 'canary', 'blueGreen', ...ROLLOUT_OPTIONS_BASE]);
  checkDnsLabel('name', name);
  checkInteger('replicas', props.replicas ?? 1, 0, MAX_REPLICAS);
  checkBoolean('replicasManagedByHpa', props.replicasManagedByHpa);
  if (props.replicasManagedByHpa && props.rollout !== undefined) {
    throw new Error('replicasManagedByHpa (true) cannot be set with a rollout: a canary or blue/green rollout scales its Deployments at every stage (each stage writes spec.replicas of both), which an HPA would fight; let an HPA own the replicas of a DeploymentApp without a rollout, or leave replicasManagedByHpa out');
  }
  if (props.minReadySeconds !== undefined) checkInteger('minReadySeconds', props.minReadySeconds, 0);
  if (props.progressDeadlineSeconds !== undefined) checkInteger('progressDeadlineSeconds', props.progressDeadlineSeconds, 1);
  const deadline = props.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE;
  if (deadline <= (props.minReadySeconds ?? 0)) {
    const which = props.progressDeadlineSeconds === undefined ? `${DEFAULT_PROGRESS_DEADLINE}, the Kubernetes default` : String(deadline);
    throw new Error(`progressDeadlineSeconds (${which}) must be greater than minReadySeconds (${props.minReadySeconds}): a pod must be able to become available before the deadline`);
  }
  if (props.strategy !== undefined && !(props.strategy instanceof DeploymentStrategy)) {
    throw new Error(`strategy (${show(props.strategy)}) must be DeploymentStrategy.rollingUpdate({...}) or DeploymentStrategy.recreate()`);
  }
}

/** The rollout's strategy: `strategy`, or one of the deprecated `canary` and `blueGreen`. */
function rolloutStrategy(rollout: DeploymentRolloutOptions): DeploymentRolloutStrategy {
  const given = [rollout.strategy, rollout.canary, rollout.blueGreen].filter(x => x !== undefined).length;
  if (given !== 1) {
    const names = [rollout.strategy && 'strategy', rollout.canary && 'canary', rollout.blueGreen && 'blueGreen'].filter(x => x).join(' and ');
    throw new Error(`rollout (${given === 0 ? 'neither strategy, canary nor blueGreen' : names}) must set exactly one of strategy (DeploymentRolloutStrategy.canary() or .blueGreen()), or the deprecated canary or blueGreen`);
  }
  if (rollout.strategy !== undefined && !(rollout.strategy instanceof DeploymentRolloutStrategy)) {
    throw new Error(`rollout.strategy (${show(rollout.strategy)}) must be DeploymentRolloutStrategy.canary({...}) or DeploymentRolloutStrategy.blueGreen({...})`);
  }
  return rollout.strategy ?? (rollout.canary ? DeploymentRolloutStrategy.canary(rollout.canary) : DeploymentRolloutStrategy.blueGreen(rollout.blueGreen));
}

/** The layout of the rollout: which Deployments and Services, with which labels, and the canary's plan. */
function layoutOf(name: string, props: DeploymentAppProps, parts: PodParts, serviceName: string) {
  const strategy = rolloutStrategy(props.rollout!);
  const replicas = props.replicas ?? 1;
  const fenceposts = props.strategy?.type === 'Recreate' ? null : (props.strategy ?? DeploymentStrategy.rollingUpdate()).resolve(replicas);
  const canary = strategy.canaryOptions;
  if (canary) {
    const label = canary.trackLabel ?? 'track';
    checkLabelKey('rollout.canary.trackLabel', label);
    checkNotSelector('rollout.canary.trackLabel', label, parts.selectorLabels, props.podLabels);
    const canaryName = canary.canaryName ?? `${name}-canary`;
    if (canary.canaryName === undefined && canaryName.length > 63) {
      throw new Error(`name (${show(name)}) has ${name.length} characters: the canary Deployment "<name>-canary" must be a DNS-1123 label of at most 63 characters, so the name may have at most 56 (or set rollout.canary.canaryName)`);
    }
    checkDnsLabel('rollout.canary.canaryName', canaryName);
    if (canaryName === name) {
      throw new Error(`rollout.canary.canaryName (${show(canaryName)}) must differ from the stable Deployment's name`);
    }
    const plan = canary.plan ?? RolloutPlan.canary();
    if (!(plan instanceof RolloutPlan)) {
      throw new Error(`rollout.canary.plan (${show(plan)}) must be a RolloutPlan such as RolloutPlan.canary()`);
    }
    const canaryPlan = plan.resolve(replicas);
    const layout: DeploymentLayout = { style: 'canary', replicas, label, deployments: [name, canaryName], labelValues: ['stable', 'canary'], service: serviceName, previewService: null, fenceposts };
    return { layout, canaryPlan, stageNames: canaryPlan.map(s => s.name), preview: undefined };
  }
  const bg = strategy.blueGreenOptions!;
  const label = bg.colorLabel ?? 'color';
  checkLabelKey('rollout.blueGreen.colorLabel', label);
  checkNotSelector('rollout.blueGreen.colorLabel', label, parts.selectorLabels, props.podLabels);
  const previewName = bg.previewServiceName ?? `${serviceName}-preview`;
  checkDns1035Label('rollout.blueGreen.previewServiceName', previewName);
  if (previewName === serviceName) {
    throw new Error(`rollout.blueGreen.previewServiceName (${show(previewName)}) must differ from the Service name`);
  }
  const previewType = bg.previewServiceType ?? ServiceType.CLUSTER_IP;
  checkOneOf('rollout.blueGreen.previewServiceType', previewType, Object.values(ServiceType));
  const colours = [`${name}-blue`, `${name}-green`];
  if (colours[1].length > 63) {
    throw new Error(`name (${show(name)}) has ${name.length} characters: blue/green names its Deployments "<name>-blue" and "<name>-green", DNS-1123 labels of at most 63 characters, so the name may have at most 57`);
  }
  const layout: DeploymentLayout = { style: 'blueGreen', replicas, label, deployments: colours, labelValues: ['blue', 'green'], service: serviceName, previewService: previewName, fenceposts };
  return { layout, canaryPlan: undefined, stageNames: BLUE_GREEN_STEPS.map(s => s.name), preview: { name: previewName, type: previewType } };
}

/** The Service (and the preview Service of blue/green, on the other colour). */
function renderServices(
  scope: Construct, props: DeploymentAppProps, parts: PodParts, serviceName: string,
  layout: DeploymentLayout | undefined, preview: { name: string; type: ServiceType } | undefined,
) {
  const serviceType = props.service?.type ?? ServiceType.CLUSTER_IP;
  checkOneOf('service.type', serviceType, Object.values(ServiceType));
  const ports = renderServicePorts(props.service?.ports, parts.containers, { headless: false, nodePorts: serviceType !== ServiceType.CLUSTER_IP });
  const labels = props.service?.labels ?? parts.labels;
  checkLabels('service.labels', labels);
  const selector = layout?.style === 'blueGreen' ? { ...parts.selectorLabels, [layout.label]: 'blue' } : parts.selectorLabels;
  const service = new FastKubeService(scope, 'Service', {
    metadata: { name: serviceName, labels, annotations: props.service?.annotations },
    spec: { type: serviceType === ServiceType.CLUSTER_IP && props.service?.type === undefined ? undefined : serviceType, selector, ports },
  });
  const previewService = layout && preview ? new FastKubeService(scope, 'PreviewService', {
    metadata: { name: preview.name, labels },
    spec: { type: preview.type === ServiceType.CLUSTER_IP ? undefined : preview.type, selector: { ...parts.selectorLabels, [layout.label]: 'green' }, ports: ports.map(p => ({ ...p, nodePort: undefined })) },
  }) : undefined;
  return { service, preview: previewService };
}

function strategyOf(s: DeploymentStrategy): k8s.DeploymentStrategy {
  const json = s.toJson();
  const intOr = (v: any) => (v === undefined ? undefined : typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
  return {
    type: json.type,
    rollingUpdate: json.rollingUpdate && { maxSurge: intOr(json.rollingUpdate.maxSurge), maxUnavailable: intOr(json.rollingUpdate.maxUnavailable) },
  };
}

function checkNotSelector(field: string, label: string, selector: { [k: string]: string }, podLabels?: { [k: string]: string }): void {
  if (hasOwn(selector, label) || (podLabels !== undefined && hasOwn(podLabels, label))) {
    throw new Error(`${field} (${show(label)}) is already a selector or pod label: the rollout sets it on each Deployment's pods, so choose another key`);
  }
}

import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BLUE_GREEN_STEPS } from '../../core/kinds/deployment-blue-green';
import { DeploymentLayout, DeploymentRolloutLayout, labelledTemplate } from '../../core/kinds/deployment';
import { DeploymentStrategy } from './deployment-strategy';
import { StagedSource } from '../shared/staged-source';
import { ResolvedStage, RolloutPlan } from '../../core/plan';
import { Protocol } from '../shared/types';
import {
  checkDns1035Label, checkDnsLabel, checkRelativeDirectory, checkInteger, checkLabelKey, checkLabels, checkOneOf, show,
} from '../../core/validation';
import { podTemplate, renderPodParts, WorkloadPodProps } from '../shared/pod';
import { renderServicePorts } from '../shared/service-ports';

/** The type of a Service. */
export enum ServiceType {
  /** A virtual IP inside the cluster. */
  CLUSTER_IP = 'ClusterIP',
  /** ClusterIP plus a port on every node. */
  NODE_PORT = 'NodePort',
  /** NodePort plus an external load balancer from the cloud provider. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** A port of the Service in front of a Deployment. */
export interface DeploymentServicePort {
  /** The port the Service listens on. */
  readonly port: number;
  /**
   * The port name (an IANA service name). Required when the Service has more than one port.
   * @default - none (allowed for a single port)
   */
  readonly name?: string;
  /**
   * The container port the traffic goes to.
   * @default - the same as `port`
   */
  readonly targetPort?: number;
  /**
   * The name of a container port to target instead of a number.
   * @default - `targetPort`
   */
  readonly targetPortName?: string;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
  /**
   * The node port (NodePort and LoadBalancer Services).
   * @default - allocated by the cluster
   */
  readonly nodePort?: number;
}

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
  readonly ports?: DeploymentServicePort[];
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

/** A staged rollout of a DeploymentApp: exactly one of `canary` and `blueGreen`. */
export interface DeploymentRolloutOptions {
  /**
   * A canary: stages set the replica split between a stable and a canary Deployment.
   * @default - no canary (then `blueGreen` must be set)
   */
  readonly canary?: CanaryRolloutOptions;
  /**
   * Blue/green: stages hold, preview, switch, cleanup.
   * @default - no blue/green (then `canary` must be set)
   */
  readonly blueGreen?: BlueGreenRolloutOptions;
  /**
   * Pin the active stage in code.
   * @default - the stage recorded in the rollout state (the last stage on the first synth, `hold` for a
   * new template)
   */
  readonly activeStage?: string;
  /**
   * Allow a new template while a rollout is between hold and its last stage: the candidate pods roll
   * straight to it.
   * @default false - such a synth fails and says which pods run which revision
   */
  readonly allowSupersede?: boolean;
  /**
   * Allow a change of a Deployment's selector, which the API server refuses: the Deployment must be
   * deleted (or replaced by Argo CD `Replace=true` / Flux `force: true`) when the commit syncs.
   * @default false - such a synth fails and says how to recreate
   */
  readonly allowRecreate?: boolean;
  /**
   * The rollout root, relative to the app's output directory.
   * @default - the app name
   */
  readonly directory?: string;
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
 */
export class DeploymentApp extends Construct {
  /** The app name. */
  public readonly name: string;
  /** The number of pods. */
  public readonly replicas: number;
  /** The selector labels (without the track or colour label). */
  public readonly selectorLabels: { [key: string]: string };
  /** The Service that takes the traffic. */
  public readonly service: k8s.KubeService;
  /** The Deployments: one without a rollout; [stable, canary] or [blue, green] with one. */
  public readonly deployments: k8s.KubeDeployment[];
  /**
   * The preview Service (blue/green).
   * @default - none
   */
  public readonly previewService?: k8s.KubeService;
  /**
   * The rollout directory below the output directory, when there is a rollout.
   * @default - none
   */
  public readonly rolloutDirectory?: string;
  /**
   * The stage pinned in code, if any.
   * @default - none
   */
  public readonly pinnedStage?: string;
  /** The stage names, first to last (empty without a rollout). */
  public readonly stageNames: string[];

  private readonly layout?: DeploymentLayout;
  private readonly canaryPlan?: ResolvedStage[];
  private readonly template: k8s.PodTemplateSpec;
  private readonly allowSupersede: boolean;
  private readonly allowRecreate: boolean;

  public constructor(scope: Construct, id: string, props: DeploymentAppProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel('name', name);
    const replicas = props.replicas ?? 1;
    checkInteger('replicas', replicas, 0);
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
    const parts = renderPodParts(name, props);
    const { selectorLabels, labels, containers } = parts;

    // the Service
    const serviceName = props.service?.name ?? name;
    checkDns1035Label('service.name', serviceName);
    const serviceType = props.service?.type ?? ServiceType.CLUSTER_IP;
    checkOneOf('service.type', serviceType, Object.values(ServiceType));
    const ports = renderServicePorts(props.service?.ports, containers, { headless: false, nodePorts: serviceType !== ServiceType.CLUSTER_IP });
    const serviceLabels = props.service?.labels ?? labels;
    checkLabels('service.labels', serviceLabels);

    // the rollout
    const rollout = props.rollout;
    let layout: DeploymentLayout | undefined;
    let previewName: string | undefined;
    let previewType = ServiceType.CLUSTER_IP;
    if (rollout) {
      if ((rollout.canary === undefined) === (rollout.blueGreen === undefined)) {
        throw new Error(`rollout (${rollout.canary && rollout.blueGreen ? 'canary and blueGreen' : 'neither canary nor blueGreen'}) must set exactly one of canary and blueGreen`);
      }
      const directory = rollout.directory ?? name;
      checkRelativeDirectory('rollout.directory', directory);
      this.rolloutDirectory = directory;
      const fenceposts = props.strategy?.type === 'Recreate' ? null : (props.strategy ?? DeploymentStrategy.rollingUpdate()).resolve(replicas);
      if (rollout.canary) {
        const label = rollout.canary.trackLabel ?? 'track';
        checkLabelKey('rollout.canary.trackLabel', label);
        checkNotSelector('rollout.canary.trackLabel', label, selectorLabels, props.podLabels);
        const canaryName = rollout.canary.canaryName ?? `${name}-canary`;
        if (rollout.canary.canaryName === undefined && canaryName.length > 63) {
          throw new Error(`name (${show(name)}) has ${name.length} characters: the canary Deployment "<name>-canary" must be a DNS-1123 label of at most 63 characters, so the name may have at most 56 (or set rollout.canary.canaryName)`);
        }
        checkDnsLabel('rollout.canary.canaryName', canaryName);
        if (canaryName === name) {
          throw new Error(`rollout.canary.canaryName (${show(canaryName)}) must differ from the stable Deployment's name`);
        }
        const plan = rollout.canary.plan ?? RolloutPlan.canary();
        if (!(plan instanceof RolloutPlan)) {
          throw new Error(`rollout.canary.plan (${show(plan)}) must be a RolloutPlan such as RolloutPlan.canary()`);
        }
        this.canaryPlan = plan.resolve(replicas);
        layout = { style: 'canary', replicas, label, deployments: [name, canaryName], labelValues: ['stable', 'canary'], service: serviceName, previewService: null, fenceposts };
        this.stageNames = this.canaryPlan.map(s => s.name);
      } else {
        const bg = rollout.blueGreen!;
        const label = bg.colorLabel ?? 'color';
        checkLabelKey('rollout.blueGreen.colorLabel', label);
        checkNotSelector('rollout.blueGreen.colorLabel', label, selectorLabels, props.podLabels);
        previewName = bg.previewServiceName ?? `${serviceName}-preview`;
        checkDns1035Label('rollout.blueGreen.previewServiceName', previewName);
        if (previewName === serviceName) {
          throw new Error(`rollout.blueGreen.previewServiceName (${show(previewName)}) must differ from the Service name`);
        }
        previewType = bg.previewServiceType ?? ServiceType.CLUSTER_IP;
        checkOneOf('rollout.blueGreen.previewServiceType', previewType, Object.values(ServiceType));
        const colours = [`${name}-blue`, `${name}-green`];
        if (colours[1].length > 63) {
          throw new Error(`name (${show(name)}) has ${name.length} characters: blue/green names its Deployments "<name>-blue" and "<name>-green", DNS-1123 labels of at most 63 characters, so the name may have at most 57`);
        }
        layout = { style: 'blueGreen', replicas, label, deployments: colours, labelValues: ['blue', 'green'], service: serviceName, previewService: previewName, fenceposts };
        this.stageNames = BLUE_GREEN_STEPS.map(s => s.name);
      }
      this.pinnedStage = rollout.activeStage;
      if (this.pinnedStage !== undefined && !this.stageNames.includes(this.pinnedStage)) {
        throw new Error(`rollout.activeStage (${show(this.pinnedStage)}) must be one of the plan's stages: ${this.stageNames.map(s => JSON.stringify(s)).join(', ')}`);
      }
    } else {
      this.stageNames = [];
    }

    this.name = name;
    this.replicas = replicas;
    this.selectorLabels = { ...selectorLabels };
    this.layout = layout;
    this.allowSupersede = rollout?.allowSupersede ?? false;
    this.allowRecreate = rollout?.allowRecreate ?? false;
    this.template = podTemplate(props, parts);

    const serviceSelector = layout?.style === 'blueGreen' ? { ...selectorLabels, [layout.label]: 'blue' } : selectorLabels;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: serviceName, labels: serviceLabels, annotations: props.service?.annotations },
      spec: { type: serviceType === ServiceType.CLUSTER_IP && props.service?.type === undefined ? undefined : serviceType, selector: serviceSelector, ports },
    });
    if (layout?.style === 'blueGreen') {
      this.previewService = new k8s.KubeService(this, 'PreviewService', {
        metadata: { name: previewName!, labels: serviceLabels },
        spec: { type: previewType === ServiceType.CLUSTER_IP ? undefined : previewType, selector: { ...selectorLabels, [layout.label]: 'green' }, ports: ports.map(p => ({ ...p, nodePort: undefined })) },
      });
    }

    // Each Deployment as the first synth has it: the candidate template, with the track or colour label,
    // every replica on the first one. StagedApp replaces templates and replicas from the rollout state.
    const deployment = (idx: number, id2: string, depName: string, labelValue?: string) => {
      const sel = layout && labelValue !== undefined ? { ...selectorLabels, [layout.label]: labelValue } : selectorLabels;
      return new k8s.KubeDeployment(this, id2, {
        metadata: { name: depName, labels: layout && labelValue !== undefined ? { ...labels, [layout.label]: labelValue } : labels, annotations: props.annotations },
        spec: {
          replicas: idx === 0 ? replicas : 0,
          selector: { matchLabels: sel },
          template: layout && labelValue !== undefined ? labelledTemplate(this.template, layout.label, labelValue) : this.template,
          strategy: props.strategy && strategyOf(props.strategy),
          minReadySeconds: props.minReadySeconds,
          progressDeadlineSeconds: props.progressDeadlineSeconds,
          revisionHistoryLimit: props.revisionHistoryLimit,
        },
      });
    };
    this.deployments = layout
      ? layout.deployments.map((d, i) => deployment(i, i === 0 ? 'Resource' : (layout!.style === 'canary' ? 'Canary' : 'Green'), d, layout!.labelValues[i]))
      : [deployment(0, 'Resource', name)];
    this.node.defaultChild = this.deployments[0];
  }

  /** @internal */
  public _stagedSource(): StagedSource | undefined {
    if (this.layout === undefined || this.rolloutDirectory === undefined) {
      return undefined;
    }
    const layout: DeploymentRolloutLayout = {
      app: this.name,
      namespace: this.deployments[0].metadata.namespace ?? Chart.of(this).namespace,
      layout: this.layout,
      canaryPlan: this.canaryPlan,
    };
    return {
      owner: this,
      kind: this.layout.style === 'canary' ? 'deployment-canary' : 'deployment-blue-green',
      directory: this.rolloutDirectory,
      layout,
      pinnedStage: this.pinnedStage,
      allowSupersede: this.allowSupersede,
      allowRecreate: this.allowRecreate,
    };
  }

  /** The objects of this app, rendered, in the order they were added. */
  public toJson(): any[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => o.toJson());
  }
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
  if (label in selector || (podLabels !== undefined && label in podLabels)) {
    throw new Error(`${field} (${show(label)}) is already a selector or pod label: the rollout sets it on each Deployment's pods, so choose another key`);
  }
}

import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { isInPlace, KruiseOptions, StatefulSetBackend } from './backend';
import { renderClaim, TypedClaimsStatefulSet } from './claim-template';
import { checkKruiseApp, kruisePreview, PodPreview, renderKruiseStatefulSet } from './kruise-statefulset';
import { StatefulSetUpdateStrategy } from './update-strategy';
import { StatefulSetLayout } from '../../core/kinds/statefulset';
import { MAX_REPLICAS } from '../../core/limits';
import { allOrdinals, HOLD_PARTITION } from '../../core/partition';
import { ResolvedStage, RolloutPlan } from '../../core/plan';
import {
  checkBoolean, checkDns1035Label, checkDnsLabel, checkInteger, checkKnownProps, checkLabels, checkOneOf, show,
} from '../../core/validation';
import {
  ClientServiceOptions, PodDisruptionBudgetOptions, renderClientService, renderPodDisruptionBudget, renderServiceAccount,
  ServiceAccountOptions, serviceAccountNameOf,
} from '../shared/companions';
import { FastKubeService } from '../shared/fast-json';
import { PodParts, podTemplate, renderPodParts, WORKLOAD_POD_PROPS, WorkloadPodProps } from '../shared/pod';
import { resolveRolloutOptions, ResolvedRolloutOptions, ROLLOUT_OPTIONS_BASE, RolloutOptionsBase } from '../shared/rollout-options';
import { renderServicePorts } from '../shared/service-ports';
import { StagedSource, TreeObjects } from '../shared/staged-source';
import { IStagedWorkload, WorkloadReference } from '../shared/staged-workload';
import {
  HeadlessServiceOptions, IpFamilyPolicy, PodManagementPolicy, PvcRetention, PvcRetentionPolicy,
  VolumeClaimTemplate,
} from '../shared/types';

/**
 * The longest StatefulSet name that works: the controller labels every pod with
 * `controller-revision-hash: <name>-<hash>` (up to 10 hash characters), and a label value has at most 63
 * characters, so longer names make pod creation fail although the API server accepts them.
 */
export const MAX_STATEFULSET_NAME = 52;

/** A staged rollout of the StatefulApp. */
export interface StatefulAppRolloutOptions extends RolloutOptionsBase {
  /** The stages from hold to complete. */
  readonly plan: RolloutPlan;
}

/** Props of `StatefulApp`. Only what is given is emitted, except the defaults documented here. */
export interface StatefulAppProps extends WorkloadPodProps {
  /**
   * The StatefulSet name, written as given (no hash suffix): a DNS-1123 label of at most 52 characters.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The number of pods. Emitted unless `replicasManagedByHpa`; with it, the number the rollout plan counts.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler owns `spec.replicas`: the StatefulSet is written without it, so that Argo CD
   * or Flux do not set it back at every sync (the stages only replace the partition, which stays in
   * `base/`). `replicas` stays the number the plan counts: set it to what the HPA usually runs (its
   * `minReplicas`, say).
   *
   * The hold stays safe: its partition is 2147483647 (`RolloutPlan.HOLD_PARTITION`), above any replica
   * count, so pods the HPA adds during the hold start on the old revision. Later stages keep their
   * planned partition (`replicas - pods`): pods the HPA adds above it start on the new revision, and
   * pods it removes are the highest ordinals, the updated ones first (for the Advanced StatefulSet the
   * partition counts the pods kept on the old revision, so `live replicas - partition` pods are updated).
   * `cdk8s-staged gate` judges the live replica count, and waits while the HPA holds replicas at or
   * below a stage's partition (no pod would run the candidate).
   *
   * With Argo CD, also ignore the field: `ignoreReplicasOf: [app]` on ArgoCdApplication or
   * ArgoCdApplicationSet writes the `ignoreDifferences` entry and `RespectIgnoreDifferences=true`.
   * @default false - `spec.replicas` is written
   */
  readonly replicasManagedByHpa?: boolean;
  /**
   * The headless Service (`clusterIP: None`) named by `serviceName`.
   * @default - a Service named like the StatefulSet, ports from the named container ports
   */
  readonly service?: HeadlessServiceOptions;
  /**
   * A client Service: a ClusterIP (or NodePort, LoadBalancer) Service over every pod, beside the headless
   * one, for clients that do not address a pod by name (ZooKeeper's `zk-cs`).
   * @default - none
   */
  readonly clientService?: ClientServiceOptions;
  /**
   * A PodDisruptionBudget over the pods (selector: the selector labels), so that a node drain takes
   * down no more of them than the app tolerates.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
   */
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions;
  /**
   * A ServiceAccount created for the app; the pod template's `serviceAccountName` names it.
   * @default - none: the pods run as `serviceAccountName`, or the namespace's default
   */
  readonly serviceAccount?: ServiceAccountOptions;
  /**
   * Claim templates: each pod gets its own PersistentVolumeClaim.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];
  /**
   * How pods are created and deleted.
   * @default - not emitted (the Kubernetes default is OrderedReady)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * The update strategy. With a `rollout`, it must be RollingUpdate without a partition (the plan sets it).
   * @default - not emitted (Kubernetes: RollingUpdate, partition 0); with a rollout, RollingUpdate with the
   * hold partition
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
   */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default - not emitted (0)
   */
  readonly minReadySeconds?: number;
  /**
   * What happens to the claims on delete and scale-down.
   * @default - not emitted (Retain, Retain)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
   */
  readonly persistentVolumeClaimRetentionPolicy?: PvcRetentionPolicy;
  /**
   * The first ordinal (`spec.ordinals.start`): pods are `<name>-<start>` ... `<name>-<start + replicas - 1>`.
   * @default - not emitted (0)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#start-ordinal
   */
  readonly ordinalsStart?: number;
  /**
   * A staged rollout: the app is written by `StagedApp` as a base, one overlay per stage and a root that
   * selects the active stage, instead of into the chart's manifest.
   * @default - no rollout: the objects go into the chart like any other
   */
  readonly rollout?: StatefulAppRolloutOptions;
  /**
   * The workload kind: `apps/v1` StatefulSet, or OpenKruise's Advanced StatefulSet
   * (`StatefulSetBackend.kruise({...})`), whose partition counts the pods kept on the old revision and
   * which can update idle pods first by a priority strategy, in place.
   * @default StatefulSetBackend.native()
   */
  readonly backend?: StatefulSetBackend;
}

/**
 * A headless Service and a StatefulSet bound to it by `serviceName`, with an optional staged rollout;
 * optionally a client Service, a PodDisruptionBudget and a ServiceAccount.
 *
 * With a rollout, every ApiObject created inside this construct's scope (the objects above, and any
 * object created with the StatefulApp as its scope, such as `new k8s.KubeConfigMap(app, 'Config', ...)`)
 * goes into the rollout's `base/`, and so do the objects passed to `addToTree`; the rest of the chart
 * goes into `<chart id>.k8s.yaml`.
 *
 * Built on the typed L1 objects (`k8s.KubeStatefulSet`, `k8s.KubeService`) rather than cdk8s-plus-27's
 * StatefulSet: that one has no volumeClaimTemplates, PVC retention, ordinals or revisionHistoryLimit,
 * injects resources, a startup probe and `imagePullPolicy: Always`, hashes names and adds a selector label
 * derived from the construct path. The L1 objects emit exactly the fields set here, names as written, and
 * (their `toJson` maps only known fields) no unknown field can reach the output.
 */
export class StatefulApp extends Construct implements IStagedWorkload {
  /** The StatefulSet name. */
  public readonly name: string;
  /** The headless Service name (`spec.serviceName`). */
  public readonly serviceName: string;
  /** The number of pods (with `replicasManagedByHpa`, the number the plan counts). */
  public readonly replicas: number;
  /** True when an HPA owns `spec.replicas` and the StatefulSet is written without it. */
  public readonly replicasManagedByHpa: boolean;
  /** The first ordinal. */
  public readonly ordinalsStart: number;
  /** The selector labels. */
  public readonly selectorLabels: { [key: string]: string };
  /** The StatefulSet (`apps/v1`, or `apps.kruise.io/v1beta1` with the Kruise backend). */
  public readonly statefulSet: ApiObject;
  /** The pod ordinals, lowest first (reserved ordinals skipped with the Kruise backend). */
  public readonly podOrdinals: number[];
  /** The headless Service. */
  public readonly service: k8s.KubeService;
  /**
   * The client Service.
   * @default - none
   */
  public readonly clientService?: k8s.KubeService;
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
  /** The resolved stages, hold first, when there is a rollout. */
  public readonly stages?: ResolvedStage[];
  /** The stage pinned in code by `rollout.activeStage`, if any. */
  public readonly pinnedStage?: string;

  /** The rollout directory below the output directory (such as `web` for `dist/web`), when there is a rollout. */
  /**
   * The names of the rollout's waves (`rollout.waves`), in order, for the GitOps objects
   * (`ArgoCdApplicationSet` `waves.names`, `FluxKustomization` `wave`).
   * @default - none: the rollout has no waves
   */
  public readonly waveNames?: string[];
  public readonly rolloutDirectory?: string;
  private readonly rollout?: ResolvedRolloutOptions;
  private readonly kruise?: KruiseOptions;
  private readonly previewNotes: string[];
  private readonly treeObjects: TreeObjects;

  public constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkStatefulSetFields(name, props);
    const replicas = props.replicas ?? 1;
    const ordinalsStart = props.ordinalsStart ?? 0;
    const claims = (props.volumeClaimTemplates ?? []).map((t, i) => renderClaim(`volumeClaimTemplates[${i}]`, t, name));
    const parts = renderPodParts(name, props, claims.map(c => c.metadata!.name!));

    this.name = name;
    this.replicas = replicas;
    this.ordinalsStart = ordinalsStart;
    this.selectorLabels = { ...parts.selectorLabels };
    this.service = headlessService(this, name, props.service, parts);
    this.serviceName = this.service.name;
    const companion = { name, labels: parts.labels, selectorLabels: parts.selectorLabels, containers: parts.containers };
    const serviceAccountName = serviceAccountNameOf(name, props.serviceAccount, props.serviceAccountName);
    this.clientService = props.clientService && renderClientService(this, companion, this.serviceName, props.clientService);
    this.podDisruptionBudget = props.podDisruptionBudget && renderPodDisruptionBudget(this, companion, props.podDisruptionBudget);
    this.serviceAccount = props.serviceAccount && renderServiceAccount(this, companion, serviceAccountName!, props.serviceAccount);

    // the rollout drives the partition; the Kruise backend decides which pods each partition updates
    const rollout = props.rollout && checkRollout(name, props, replicas, ordinalsStart);
    this.replicasManagedByHpa = props.replicasManagedByHpa ?? false;
    const kruiseOptions = (props.backend ?? StatefulSetBackend.native())._kruise();
    if (kruiseOptions) checkKruiseApp(kruiseOptions, props.podManagementPolicy, props.updateStrategy, props.minReadySeconds);
    const preview: PodPreview = kruiseOptions
      ? kruisePreview(kruiseOptions, { name, replicas, ordinalsStart, templateLabels: { ...parts.selectorLabels, ...parts.podLabels }, stages: rollout?.stages })
      : { podOrdinals: allOrdinals(replicas, ordinalsStart), stages: rollout?.stages, notes: [] };
    this.podOrdinals = preview.podOrdinals;
    this.stages = preview.stages;
    this.previewNotes = preview.notes;
    this.kruise = kruiseOptions;
    this.rollout = rollout?.options;
    this.rolloutDirectory = rollout?.options.directory;
    this.waveNames = rollout?.options.waves?.map(w => w.name);
    this.pinnedStage = rollout?.options.pinnedStage;
    this.treeObjects = new TreeObjects(this, rollout !== undefined);

    // the StatefulSet
    const retention = props.persistentVolumeClaimRetentionPolicy;
    const updateStrategy = updateStrategyOf(props.updateStrategy, rollout ? HOLD_PARTITION : props.updateStrategy?.partition);
    // Kruise's in-place update needs this readiness gate (its webhook refuses the object without it)
    const template = podTemplate(serviceAccountName === props.serviceAccountName ? props : { ...props, serviceAccountName }, parts, kruiseOptions && isInPlace(kruiseOptions.podUpdatePolicy) ? [{ conditionType: 'InPlaceUpdateReady' }] : undefined);
    const metadata = { name, labels: parts.labels, annotations: props.annotations };
    const pvcRetention = retention && { whenDeleted: retention.whenDeleted, whenScaled: retention.whenScaled };
    const ordinals = props.ordinalsStart !== undefined ? { start: props.ordinalsStart } : undefined;
    // the fields both kinds share, in the same order
    const common = {
      serviceName: this.serviceName,
      replicas: this.replicasManagedByHpa ? undefined : replicas,
      selector: { matchLabels: parts.selectorLabels },
      podManagementPolicy: props.podManagementPolicy,
    };
    this.statefulSet = kruiseOptions
      ? renderKruiseStatefulSet(this, kruiseOptions, {
        metadata, common, updateStrategy, strategy: props.updateStrategy, retention: pvcRetention, ordinals, revisionHistoryLimit: props.revisionHistoryLimit, template, claims,
      })
      : new TypedClaimsStatefulSet(this, 'Resource', {
        metadata,
        spec: {
          ...common,
          updateStrategy,
          minReadySeconds: props.minReadySeconds,
          persistentVolumeClaimRetentionPolicy: pvcRetention,
          ordinals,
          revisionHistoryLimit: props.revisionHistoryLimit,
          template,
          volumeClaimTemplates: claims.length > 0 ? claims : undefined,
        },
      });
    this.node.defaultChild = this.statefulSet;
  }

  /** The StatefulSet, for the health checks of a GitOps agent (with its real apiVersion). */
  public get workloads(): WorkloadReference[] {
    return [{
      apiVersion: this.statefulSet.apiVersion,
      kind: this.statefulSet.kind,
      name: this.name,
      namespace: this.statefulSet.metadata.namespace ?? Chart.of(this).namespace,
      replicasManagedByHpa: this.replicasManagedByHpa || undefined,
    }];
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
    if (this.stages === undefined || this.rollout === undefined) {
      return undefined;
    }
    const layout: StatefulSetLayout = {
      app: this.name,
      namespace: this.statefulSet.metadata.namespace ?? Chart.of(this).namespace,
      serviceName: this.serviceName,
      replicas: this.replicas,
      ordinalsStart: this.ordinalsStart,
      stages: this.stages,
      podOrdinals: this.podOrdinals,
      previewNotes: this.previewNotes,
      replicasManagedByHpa: this.replicasManagedByHpa || undefined,
    };
    return {
      owner: this,
      extraObjects: this.treeObjects.list(),
      kind: this.kruise ? 'kruise-statefulset' : 'statefulset',
      layout,
      ...this.rollout!,
    };
  }

  /** The objects of this app, rendered, in the order they were added. */
  public toJson(): any[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => o.toJson());
  }
}

function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** Every key of `StatefulAppProps`. */
const STATEFUL_APP_PROPS = [
  ...WORKLOAD_POD_PROPS, 'name', 'replicas', 'service', 'clientService', 'podDisruptionBudget', 'serviceAccount', 'volumeClaimTemplates',
  'podManagementPolicy', 'updateStrategy', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinalsStart', 'rollout', 'backend',
  'replicasManagedByHpa',
];

/** The checks of the StatefulSet's own fields. */
function checkStatefulSetFields(name: string, props: StatefulAppProps): void {
  // props given from JavaScript, or from a TypeScript object that is not a literal, are not checked by the compiler
  checkKnownProps('', props, STATEFUL_APP_PROPS);
  if (props.rollout !== undefined) checkKnownProps('rollout', props.rollout, ['plan', ...ROLLOUT_OPTIONS_BASE]);
  checkDnsLabel('name', name);
  if (name.length > MAX_STATEFULSET_NAME) {
    throw new Error(`name (${show(name)}) has ${name.length} characters: a StatefulSet name must have at most ${MAX_STATEFULSET_NAME}, because the controller-revision-hash label "<name>-<hash>" of its pods must fit in 63`);
  }
  checkInteger('replicas', props.replicas ?? 1, 0, MAX_REPLICAS);
  checkInteger('ordinalsStart', props.ordinalsStart ?? 0, 0);
  if (props.replicasManagedByHpa !== undefined) checkBoolean('replicasManagedByHpa', props.replicasManagedByHpa);
  if (props.minReadySeconds !== undefined) checkInteger('minReadySeconds', props.minReadySeconds, 0);
  if (props.podManagementPolicy !== undefined) {
    checkOneOf('podManagementPolicy', props.podManagementPolicy, Object.values(PodManagementPolicy));
  }
  const retention = props.persistentVolumeClaimRetentionPolicy;
  if (retention?.whenDeleted !== undefined) checkOneOf('persistentVolumeClaimRetentionPolicy.whenDeleted', retention.whenDeleted, Object.values(PvcRetention));
  if (retention?.whenScaled !== undefined) checkOneOf('persistentVolumeClaimRetentionPolicy.whenScaled', retention.whenScaled, Object.values(PvcRetention));
}

/** The headless Service (`clusterIP: None`) that `serviceName` names. */
function headlessService(scope: Construct, app: string, options: HeadlessServiceOptions | undefined, parts: PodParts): k8s.KubeService {
  const name = options?.name ?? app;
  checkDns1035Label('service.name', name);
  const ports = renderServicePorts(options?.ports, parts.containers, { headless: true, nodePorts: false });
  if (options?.ipFamilyPolicy !== undefined) checkOneOf('service.ipFamilyPolicy', options.ipFamilyPolicy, Object.values(IpFamilyPolicy));
  const labels = options?.labels ?? parts.labels;
  checkLabels('service.labels', labels);
  return new FastKubeService(scope, 'Service', {
    metadata: { name, labels, annotations: options?.annotations },
    spec: {
      type: options?.explicitType ? 'ClusterIP' : undefined,
      clusterIp: 'None',
      ipFamilyPolicy: options?.ipFamilyPolicy,
      publishNotReadyAddresses: options?.publishNotReadyAddresses,
      selector: parts.selectorLabels,
      ports: ports.length > 0 ? ports : undefined,
    },
  });
}

/** The rollout's stages against the replicas, and its options. */
function checkRollout(name: string, props: StatefulAppProps, replicas: number, ordinalsStart: number): { stages: ResolvedStage[]; options: ResolvedRolloutOptions } {
  const rollout = props.rollout!;
  const strategy = props.updateStrategy;
  if (strategy?.type === 'OnDelete') {
    throw new Error('updateStrategy (OnDelete) cannot carry a partition: a rollout plan needs updateStrategy RollingUpdate');
  }
  if (strategy?.partition !== undefined) {
    throw new Error(`updateStrategy.rollingUpdate.partition (${strategy.partition}) cannot be set with a rollout plan: the plan sets the partition of every stage`);
  }
  if (!(rollout.plan instanceof RolloutPlan)) {
    throw new Error(`rollout.plan (${show(rollout.plan)}) must be a RolloutPlan such as RolloutPlan.canary()`);
  }
  const stages = rollout.plan.resolve(replicas, ordinalsStart);
  return { stages, options: resolveRolloutOptions(rollout, stages.map(s => s.name), name) };
}

/** `spec.updateStrategy` of apps/v1 from the strategy in props and the partition. */
function updateStrategyOf(strategy: StatefulSetUpdateStrategy | undefined, partition: number | undefined): k8s.StatefulSetUpdateStrategy | undefined {
  if (strategy === undefined && partition === undefined) return undefined;
  if (strategy?.type === 'OnDelete') return { type: 'OnDelete' };
  return {
    type: 'RollingUpdate',
    rollingUpdate: (partition !== undefined || strategy?.maxUnavailable !== undefined)
      ? { partition, maxUnavailable: strategy?.maxUnavailable && intOrString(strategy.maxUnavailable.toJson()) }
      : undefined,
  };
}

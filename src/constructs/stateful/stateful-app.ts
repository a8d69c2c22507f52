import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { checkKruiseAgainstApp, isInPlace, KruiseOptions, reservedOrdinals, StatefulSetBackend } from './backend';
import {
  HeadlessServiceOptions, PodManagementPolicy, PvcRetention, PvcRetentionPolicy,
  VolumeClaimTemplate,
} from '../shared/types';
import { StatefulSetUpdateStrategy } from './update-strategy';
import * as kruise from '../../imports/kruise-statefulset-apps.kruise.io';
import { StagedSource } from '../shared/staged-source';
import { kruisePodOrdinals, kruiseUpdatedOrdinals, kruiseUpdateOrder, KruisePreviewInput } from '../../core/kruise-preview';
import { allOrdinals, HOLD_PARTITION, podNames } from '../../core/partition';
import { ResolvedStage, RolloutPlan } from '../../core/plan';
import {
  checkDns1035Label, checkDnsLabel, checkInteger, checkLabels, checkOneOf, show,
} from '../../core/validation';
import { podTemplate, renderPodParts, WorkloadPodProps } from '../shared/pod';
import { renderServicePorts } from '../shared/service-ports';
import { claimTemplateJson, renderClaim, TypedClaimsStatefulSet } from './claim-template';

/**
 * The longest StatefulSet name that works: the controller labels every pod with
 * `controller-revision-hash: <name>-<hash>` (up to 10 hash characters), and a label value has at most 63
 * characters, so longer names make pod creation fail although the API server accepts them.
 */
export const MAX_STATEFULSET_NAME = 52;

/** A staged rollout of the StatefulApp. */
export interface StatefulAppRolloutOptions {
  /** The stages from hold to complete. */
  readonly plan: RolloutPlan;
  /**
   * Pin the active stage in code. Without a pin the active stage comes from the rollout state file, which
   * `cdk8s-staged promote` moves forward; a new template starts at `hold`. With a pin the root selects
   * this stage whatever the state says, and the CLI refuses to promote.
   * @default - the stage recorded in the rollout state (`hold` for a new template)
   */
  readonly activeStage?: string;
  /**
   * Allow a new template while a rollout is between hold and complete. The pods already on the
   * candidate move straight to the new template; the others stay on the stable revision.
   * @default false - such a synth fails and names the pods on each revision
   */
  readonly allowSupersede?: boolean;
  /**
   * Allow a change of an immutable StatefulSet field (selector, serviceName, podManagementPolicy,
   * volumeClaimTemplates). The API server rejects it: the StatefulSet must be deleted with
   * `--cascade=orphan` (or replaced by Flux `force: true`) when the commit syncs; PLAN.md says so.
   * @default false - such a synth fails with an error that says how to recreate
   */
  readonly allowRecreate?: boolean;
  /**
   * The rollout root, relative to the app's output directory.
   * @default - the StatefulSet name
   */
  readonly directory?: string;
}

/** Props of `StatefulApp`. Only what is given is emitted, except the defaults documented here. */
export interface StatefulAppProps extends WorkloadPodProps {
  /**
   * The StatefulSet name, written as given (no hash suffix): a DNS-1123 label of at most 52 characters.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The number of pods. Always emitted.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The headless Service (`clusterIP: None`) named by `serviceName`.
   * @default - a Service named like the StatefulSet, ports from the named container ports
   */
  readonly service?: HeadlessServiceOptions;
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
 * A headless Service and a StatefulSet bound to it by `serviceName`, with an optional staged rollout.
 *
 * Built on the typed L1 objects (`k8s.KubeStatefulSet`, `k8s.KubeService`) rather than cdk8s-plus-27's
 * StatefulSet: that one has no volumeClaimTemplates, PVC retention, ordinals or revisionHistoryLimit,
 * injects resources, a startup probe and `imagePullPolicy: Always`, hashes names and adds a selector label
 * derived from the construct path. The L1 objects emit exactly the fields set here, names as written, and
 * (their `toJson` maps only known fields) no unknown field can reach the output.
 */
export class StatefulApp extends Construct {
  /** The StatefulSet name. */
  public readonly name: string;
  /** The headless Service name (`spec.serviceName`). */
  public readonly serviceName: string;
  /** The number of pods. */
  public readonly replicas: number;
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
  /** The resolved stages, hold first, when there is a rollout. */
  public readonly stages?: ResolvedStage[];
  /** The stage pinned in code by `rollout.activeStage`, if any. */
  public readonly pinnedStage?: string;

  /** The rollout directory below the output directory (such as `web` for `dist/web`), when there is a rollout. */
  public readonly rolloutDirectory?: string;
  private readonly allowSupersede: boolean;
  private readonly allowRecreate: boolean;
  private readonly kruise?: KruiseOptions;
  private readonly previewNotes: string[] = [];

  public constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel('name', name);
    if (name.length > MAX_STATEFULSET_NAME) {
      throw new Error(`name (${show(name)}) has ${name.length} characters: a StatefulSet name must have at most ${MAX_STATEFULSET_NAME}, because the controller-revision-hash label "<name>-<hash>" of its pods must fit in 63`);
    }
    const replicas = props.replicas ?? 1;
    checkInteger('replicas', replicas, 0);
    const ordinalsStart = props.ordinalsStart ?? 0;
    checkInteger('ordinalsStart', ordinalsStart, 0);
    if (props.minReadySeconds !== undefined) checkInteger('minReadySeconds', props.minReadySeconds, 0);
    if (props.podManagementPolicy !== undefined) {
      checkOneOf('podManagementPolicy', props.podManagementPolicy, Object.values(PodManagementPolicy));
    }
    const claims = (props.volumeClaimTemplates ?? []).map((t, i) => renderClaim(`volumeClaimTemplates[${i}]`, t, name));
    const parts = renderPodParts(name, props, claims.map(c => c.metadata!.name!));
    const { selectorLabels, podLabels, labels, containers } = parts;

    // the headless Service
    const serviceName = props.service?.name ?? name;
    checkDns1035Label('service.name', serviceName);
    const servicePorts = renderServicePorts(props.service?.ports, containers, { headless: true, nodePorts: false });
    const serviceLabels = props.service?.labels ?? labels;
    checkLabels('service.labels', serviceLabels);

    // the update strategy, and the rollout that drives its partition
    const strategy = props.updateStrategy;
    let partition = strategy?.partition;
    if (props.rollout) {
      if (strategy?.type === 'OnDelete') {
        throw new Error('updateStrategy (OnDelete) cannot carry a partition: a rollout plan needs updateStrategy RollingUpdate');
      }
      if (strategy?.partition !== undefined) {
        throw new Error(`updateStrategy.rollingUpdate.partition (${strategy.partition}) cannot be set with a rollout plan: the plan sets the partition of every stage`);
      }
      if (!(props.rollout.plan instanceof RolloutPlan)) {
        throw new Error(`rollout.plan (${show(props.rollout.plan)}) must be a RolloutPlan such as RolloutPlan.canary()`);
      }
      this.stages = props.rollout.plan.resolve(replicas, ordinalsStart);
      this.pinnedStage = props.rollout.activeStage;
      if (this.pinnedStage !== undefined && !this.stages.some(s => s.name === this.pinnedStage)) {
        throw new Error(`rollout.activeStage (${show(this.pinnedStage)}) must be one of the plan's stages: ${this.stages.map(s => JSON.stringify(s.name)).join(', ')}`);
      }
      const directory = props.rollout.directory ?? name;
      checkRelativeDirectory('rollout.directory', directory);
      this.rolloutDirectory = directory;
      partition = HOLD_PARTITION;
    }

    // the OpenKruise backend: its webhook's rules, and the pods each stage updates under its rules
    const backend = props.backend ?? StatefulSetBackend.native();
    const kruiseOptions = backend._kruise();
    this.kruise = kruiseOptions;
    const reserved = kruiseOptions ? reservedOrdinals(kruiseOptions) : [];
    this.podOrdinals = kruiseOptions ? kruisePodOrdinals(replicas, ordinalsStart, reserved) : allOrdinals(replicas, ordinalsStart);
    if (kruiseOptions) {
      if (props.minReadySeconds !== undefined) {
        throw new Error(`minReadySeconds (${props.minReadySeconds}) is not a field of the Advanced StatefulSet: use StatefulSetBackend.kruise({ minReadySeconds }) (rollingUpdate.minReadySeconds, 0 to 300)`);
      }
      checkKruiseAgainstApp(kruiseOptions, props.podManagementPolicy, strategy?.maxUnavailable);
      if (strategy?.type === 'OnDelete' && (kruiseOptions.priority || kruiseOptions.podUpdatePolicy || kruiseOptions.paused !== undefined || kruiseOptions.minReadySeconds !== undefined)) {
        throw new Error('updateStrategy (OnDelete) cannot carry Kruise rollingUpdate options (priority, podUpdatePolicy, paused, minReadySeconds): use RollingUpdate');
      }
      const templateLabels = { ...selectorLabels, ...podLabels };
      const declared = new Map((kruiseOptions.previewPodLabels ?? []).map(p => [p.ordinal, p.labels]));
      for (const ordinal of declared.keys()) {
        if (!this.podOrdinals.includes(ordinal)) {
          throw new Error(`kruise.previewPodLabels ordinal (${ordinal}) is not a pod of ${name}: the pods are ${this.podOrdinals.join(', ')}`);
        }
      }
      const preview = (p: number): KruisePreviewInput => ({
        replicas,
        ordinalsStart,
        reserved,
        partition: p,
        unordered: kruiseOptions.unorderedUpdate ?? kruiseOptions.priority !== undefined,
        priority: kruiseOptions.priority?._spec(),
        labelsOf: (o: number) => ({ ...templateLabels, ...(declared.get(o) ?? {}) }),
      });
      if (this.stages) {
        this.stages = this.stages.map(st => ({ ...st, updatedOrdinals: kruiseUpdatedOrdinals(preview(st.partition)) }));
        const order = podNames(name, kruiseUpdateOrder(preview(0)));
        this.previewNotes.push(`OpenKruise Advanced StatefulSet: the partition is the number of pods kept on the old revision; pods update in the order ${order.join(', ')}` +
          (kruiseOptions.priority ? ` (${kruiseOptions.priority._spec().weight ? 'weightPriority: higher summed weight first' : 'orderPriority'}, ties by descending ordinal${declared.size > 0 ? `; labels declared for the preview: ${[...declared.entries()].map(([o, l]) => `${name}-${o} ${Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',')}`).join('; ')}` : ''})` : ' (highest ordinal first)') +
          (reserved.length > 0 ? `; reserved ordinals ${reserved.join(', ')} are skipped` : '') + '.');
      }
    }
    const updateStrategy: k8s.StatefulSetUpdateStrategy | undefined = strategy === undefined && partition === undefined
      ? undefined
      : strategy?.type === 'OnDelete'
        ? { type: 'OnDelete' }
        : {
          type: 'RollingUpdate',
          rollingUpdate: (partition !== undefined || strategy?.maxUnavailable !== undefined)
            ? { partition, maxUnavailable: strategy?.maxUnavailable && intOrString(strategy.maxUnavailable.toJson()) }
            : undefined,
        };

    const retention = props.persistentVolumeClaimRetentionPolicy;
    if (retention?.whenDeleted !== undefined) checkOneOf('persistentVolumeClaimRetentionPolicy.whenDeleted', retention.whenDeleted, Object.values(PvcRetention));
    if (retention?.whenScaled !== undefined) checkOneOf('persistentVolumeClaimRetentionPolicy.whenScaled', retention.whenScaled, Object.values(PvcRetention));

    this.name = name;
    this.serviceName = serviceName;
    this.replicas = replicas;
    this.ordinalsStart = ordinalsStart;
    this.selectorLabels = { ...selectorLabels };
    this.allowSupersede = props.rollout?.allowSupersede ?? false;
    this.allowRecreate = props.rollout?.allowRecreate ?? false;

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: serviceName, labels: serviceLabels, annotations: props.service?.annotations },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: props.service?.publishNotReadyAddresses,
        selector: selectorLabels,
        ports: servicePorts.length > 0 ? servicePorts : undefined,
      },
    });

    // Kruise's in-place update needs this readiness gate (its webhook refuses the object without it)
    const template = podTemplate(props, parts, kruiseOptions && isInPlace(kruiseOptions.podUpdatePolicy) ? [{ conditionType: 'InPlaceUpdateReady' }] : undefined);
    const metadata = { name, labels, annotations: props.annotations };
    const pvcRetention = retention && { whenDeleted: retention.whenDeleted, whenScaled: retention.whenScaled };
    const ordinals = props.ordinalsStart !== undefined ? { start: props.ordinalsStart } : undefined;
    // the fields both kinds share, in the same order
    const common = { serviceName, replicas, selector: { matchLabels: selectorLabels }, podManagementPolicy: props.podManagementPolicy };
    if (kruiseOptions) {
      const rolling = updateStrategy?.rollingUpdate;
      const kruiseRolling: kruise.StatefulSetV1Beta1SpecUpdateStrategyRollingUpdate = {
        partition: rolling?.partition,
        maxUnavailable: strategy?.maxUnavailable && (strategy.maxUnavailable.isPercent
          ? kruise.StatefulSetV1Beta1SpecUpdateStrategyRollingUpdateMaxUnavailable.fromString(strategy.maxUnavailable.toString())
          : kruise.StatefulSetV1Beta1SpecUpdateStrategyRollingUpdateMaxUnavailable.fromNumber(strategy.maxUnavailable.value)),
        minReadySeconds: kruiseOptions.minReadySeconds,
        paused: kruiseOptions.paused,
        podUpdatePolicy: kruiseOptions.podUpdatePolicy,
        inPlaceUpdateStrategy: kruiseOptions.inPlaceGracePeriodSeconds !== undefined ? { gracePeriodSeconds: kruiseOptions.inPlaceGracePeriodSeconds } : undefined,
        unorderedUpdate: (kruiseOptions.unorderedUpdate ?? kruiseOptions.priority !== undefined) ? {
          priorityStrategy: kruiseOptions.priority && {
            weightPriority: kruiseOptions.priority._spec().weight?.map(t => ({ weight: t.weight, matchSelector: { matchLabels: t.selector.matchLabels } })),
            orderPriority: kruiseOptions.priority._spec().order?.map(k => ({ orderedKey: k })),
          },
        } : undefined,
      };
      const hasRolling = Object.values(kruiseRolling).some(v => v !== undefined);
      this.statefulSet = new kruise.StatefulSetV1Beta1(this, 'Resource', {
        metadata,
        spec: {
          ...common,
          updateStrategy: updateStrategy === undefined && !hasRolling ? undefined : {
            type: updateStrategy?.type ?? 'RollingUpdate',
            rollingUpdate: hasRolling ? kruiseRolling : undefined,
          },
          persistentVolumeClaimRetentionPolicy: pvcRetention as kruise.StatefulSetV1Beta1SpecPersistentVolumeClaimRetentionPolicy | undefined,
          ordinals,
          reserveOrdinals: kruiseOptions.reserveOrdinals?.map(r => (/^\d+$/.test(r)
            ? kruise.StatefulSetV1Beta1SpecReserveOrdinals.fromNumber(Number(r))
            : kruise.StatefulSetV1Beta1SpecReserveOrdinals.fromString(r))),
          revisionHistoryLimit: props.revisionHistoryLimit,
          // the CRD types the pod template and the claim templates loosely: serialize them with the typed
          // Kubernetes mappers, which drop unknown fields
          template: k8s.toJson_PodTemplateSpec(template),
          volumeClaimTemplates: claims.length > 0 ? claims.map(claimTemplateJson) : undefined,
        },
      });
    } else {
      this.statefulSet = new TypedClaimsStatefulSet(this, 'Resource', {
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
    }
    this.node.defaultChild = this.statefulSet;
  }

  /** @internal */
  public _stagedSource(): StagedSource | undefined {
    if (this.stages === undefined || this.rolloutDirectory === undefined) {
      return undefined;
    }
    const namespace = this.statefulSet.metadata.namespace ?? Chart.of(this).namespace;
    return {
      owner: this,
      directory: this.rolloutDirectory,
      app: this.name,
      namespace,
      serviceName: this.serviceName,
      replicas: this.replicas,
      ordinalsStart: this.ordinalsStart,
      stages: this.stages,
      podOrdinals: this.podOrdinals,
      previewNotes: this.previewNotes,
      pinnedStage: this.pinnedStage,
      allowSupersede: this.allowSupersede,
      allowRecreate: this.allowRecreate,
      target: this.kruise
        ? { group: 'apps.kruise.io', version: 'v1beta1', kind: 'StatefulSet', name: this.name, namespace }
        : { group: 'apps', version: 'v1', kind: 'StatefulSet', name: this.name, namespace },
      partitionPath: '/spec/updateStrategy/rollingUpdate/partition',
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

/** A path below the output directory: relative, no `..`, no empty segment. */
export function checkRelativeDirectory(field: string, value: string): void {
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (parts.length === 0 || parts.some(p => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new Error(`${field} (${show(value)}) must be a relative path below the output directory: segments of letters, digits, '.', '_' or '-', no '..' and no leading '/'`);
  }
}

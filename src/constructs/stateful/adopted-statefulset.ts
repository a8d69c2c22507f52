import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { kruisePreview } from './kruise-statefulset';
import { StatefulSetLayout } from '../../core/kinds/statefulset';
import { allOrdinals, HOLD_PARTITION } from '../../core/partition';
import { ResolvedStage, RolloutPlan } from '../../core/plan';
import { show } from '../../core/validation';
import { resolveRolloutOptions, ResolvedRolloutOptions, RolloutOptionsBase } from '../shared/rollout-options';
import { StagedSource, TreeObjects } from '../shared/staged-source';
import { IStagedWorkload, WorkloadReference } from '../shared/staged-workload';

/** Props of `AdoptedStatefulSet`. */
export interface AdoptedStatefulSetProps extends RolloutOptionsBase {
  /**
   * The StatefulSet to roll out, as it is: an object of a cdk8s `Include` (a `helm template` rendering,
   * a committed manifest) or `Helm` chart, the `apiObject` of a cdk8s-plus StatefulSet, or any
   * `ApiObject` of kind StatefulSet (`apps/v1`, or OpenKruise's `apps.kruise.io/v1beta1`).
   */
  readonly statefulSet: ApiObject;
  /** The stages from hold to complete. */
  readonly plan: RolloutPlan;
  /**
   * A HorizontalPodAutoscaler owns `spec.replicas`: the object's `spec.replicas` is the number the plan
   * counts (it must be set), and a JSON patch removes it from the output, so that Argo CD or Flux do not
   * set it back. See `StatefulAppProps.replicasManagedByHpa` for what the stages and the gate do then.
   * @default false - `spec.replicas` is written as the object has it
   */
  readonly replicasManagedByHpa?: boolean;
  /**
   * The objects that ship with it (its Services, PodDisruptionBudget, ConfigMaps...): they go into the
   * rollout's `base/` too, instead of their chart's manifest. Passing the StatefulSet again is harmless.
   * @default - none
   */
  readonly objects?: ApiObject[];
}

/**
 * An existing StatefulSet under a staged rollout, without rewriting it into `StatefulApp` props: the same
 * tree (`base/`, one overlay per stage, the root), plan, state file, CLI and gate as a StatefulApp.
 *
 * What the rollout needs is read from the object when this construct is created: `metadata.name`,
 * `metadata.namespace` (else the chart's), `spec.replicas` (absent: 1, as the API server defaults it),
 * `spec.serviceName`, `spec.selector`, `spec.ordinals.start` (absent: 0), `spec.template` and the
 * apiVersion, which picks the kind (`apps/v1` or `apps.kruise.io/v1beta1`). The object itself is changed
 * in one place: a JSON patch sets `spec.updateStrategy.rollingUpdate.partition` to the hold partition,
 * which the stages then replace. Refused, naming the field: updateStrategy OnDelete (it has no
 * partition); a partition other than 0 (a rollout by hand is under way: finish it first); an Advanced
 * StatefulSet with `reserveOrdinals` or `unorderedUpdate` (the update order cannot be previewed: use
 * `StatefulApp` with `StatefulSetBackend.kruise`).
 *
 * Fields set on the object after this construct is created (a later `addJsonPatch` of the replicas)
 * are not seen by the plan: patch it before.
 */
export class AdoptedStatefulSet extends Construct implements IStagedWorkload {
  /** The StatefulSet name. */
  public readonly name: string;
  /**
   * The namespace of the StatefulSet.
   * @default - none: the namespace of the agent's destination
   */
  public readonly namespace?: string;
  /** The headless Service name (`spec.serviceName`). */
  public readonly serviceName: string;
  /** The number of pods (`spec.replicas`, 1 when absent). */
  public readonly replicas: number;
  /** True when an HPA owns `spec.replicas` and the output has none. */
  public readonly replicasManagedByHpa: boolean;
  /** The first ordinal (`spec.ordinals.start`, 0 when absent). */
  public readonly ordinalsStart: number;
  /** The pod ordinals, lowest first. */
  public readonly podOrdinals: number[];
  /** The resolved stages, hold first. */
  public readonly stages: ResolvedStage[];
  /** The rollout directory below the output directory. */
  /**
   * The names of the rollout's waves (`rollout.waves`), in order, for the GitOps objects
   * (`ArgoCdApplicationSet` `waves.names`, `FluxKustomization` `wave`).
   * @default - none: the rollout has no waves
   */
  public readonly waveNames?: string[];
  public readonly rolloutDirectory: string;
  /**
   * The stage pinned in code by `activeStage`, if any.
   * @default - none
   */
  public readonly pinnedStage?: string;
  /** The adopted StatefulSet. */
  public readonly statefulSet: ApiObject;

  private readonly kindId: 'statefulset' | 'kruise-statefulset';
  private readonly options: ResolvedRolloutOptions;
  private readonly previewNotes: string[];
  private readonly treeObjects: TreeObjects;

  public constructor(scope: Construct, id: string, props: AdoptedStatefulSetProps) {
    super(scope, id);
    const sts = props.statefulSet;
    if (!(sts instanceof ApiObject)) {
      throw new Error(`statefulSet (${show(sts)}) must be a cdk8s ApiObject of kind StatefulSet`);
    }
    const json = sts.toJson();
    const where = `statefulSet ${sts.node.path}`;
    if (json.kind !== 'StatefulSet' || (json.apiVersion !== 'apps/v1' && json.apiVersion !== 'apps.kruise.io/v1beta1')) {
      throw new Error(`${where}: apiVersion and kind (${show(json.apiVersion)}, ${show(json.kind)}) must be apps/v1 or apps.kruise.io/v1beta1, StatefulSet`);
    }
    const kruise = json.apiVersion === 'apps.kruise.io/v1beta1';
    const name = json.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      throw new Error(`${where}: metadata.name (${show(name)}) must be set`);
    }
    const spec = json.spec ?? {};
    const replicas = spec.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`${where}: spec.replicas (${show(spec.replicas)}) must be a whole number >= 0 (absent, Kubernetes defaults it to 1)`);
    }
    if (props.replicasManagedByHpa !== undefined && typeof props.replicasManagedByHpa !== 'boolean') {
      throw new Error(`replicasManagedByHpa (${show(props.replicasManagedByHpa)}) must be true or false`);
    }
    if (props.replicasManagedByHpa && spec.replicas === undefined) {
      throw new Error(`${where}: spec.replicas is absent: with replicasManagedByHpa the plan counts the pods of spec.replicas, so set it on the object (the number the HPA usually runs); it is removed from the output`);
    }
    const ordinalsStart = spec.ordinals?.start ?? 0;
    if (!Number.isInteger(ordinalsStart) || ordinalsStart < 0) {
      throw new Error(`${where}: spec.ordinals.start (${show(spec.ordinals?.start)}) must be a whole number >= 0`);
    }
    if (typeof spec.serviceName !== 'string' || spec.serviceName === '') {
      throw new Error(`${where}: spec.serviceName (${show(spec.serviceName)}) must name the headless Service that gives the pods their DNS names`);
    }
    const selector = spec.selector;
    if (selector === null || typeof selector !== 'object' || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
      throw new Error(`${where}: spec.selector (${show(selector)}) must select the pods with matchLabels or matchExpressions`);
    }
    if (!Array.isArray(spec.template?.spec?.containers) || spec.template.spec.containers.length === 0) {
      throw new Error(`${where}: spec.template.spec.containers (${show(spec.template?.spec?.containers)}) must list at least one container`);
    }
    const strategy = spec.updateStrategy;
    if (strategy?.type !== undefined && strategy.type !== 'RollingUpdate') {
      throw new Error(`${where}: spec.updateStrategy.type (${show(strategy.type)}) must be RollingUpdate: a staged rollout moves the partition, which only RollingUpdate has`);
    }
    const partition = strategy?.rollingUpdate?.partition;
    if (partition !== undefined && partition !== 0) {
      throw new Error(`${where}: spec.updateStrategy.rollingUpdate.partition (${show(partition)}) must be 0 or absent: the rollout sets the partition of every stage, and a partition of its own means a rollout by hand is under way (finish it, then adopt)`);
    }
    if (kruise && (spec.reserveOrdinals !== undefined || strategy?.rollingUpdate?.unorderedUpdate !== undefined)) {
      throw new Error(`${where}: spec.reserveOrdinals and spec.updateStrategy.rollingUpdate.unorderedUpdate (${show(spec.reserveOrdinals)}, ${show(strategy?.rollingUpdate?.unorderedUpdate)}) must be absent to adopt an Advanced StatefulSet: the update order of every stage cannot be previewed from them; use StatefulApp with StatefulSetBackend.kruise`);
    }
    if (!(props.plan instanceof RolloutPlan)) {
      throw new Error(`plan (${show(props.plan)}) must be a RolloutPlan such as RolloutPlan.canary()`);
    }

    const resolved = props.plan.resolve(replicas, ordinalsStart);
    const preview = kruise
      ? kruisePreview({}, { name, replicas, ordinalsStart, templateLabels: spec.template.metadata?.labels ?? {}, stages: resolved })
      : { podOrdinals: allOrdinals(replicas, ordinalsStart), stages: resolved, notes: [] as string[] };
    this.name = name;
    this.namespace = json.metadata?.namespace ?? Chart.of(sts).namespace;
    this.serviceName = spec.serviceName;
    this.replicas = replicas;
    this.replicasManagedByHpa = props.replicasManagedByHpa ?? false;
    this.ordinalsStart = ordinalsStart;
    this.podOrdinals = preview.podOrdinals;
    this.stages = preview.stages!;
    this.previewNotes = preview.notes;
    this.kindId = kruise ? 'kruise-statefulset' : 'statefulset';
    this.options = resolveRolloutOptions(props, this.stages.map(s => s.name), name);
    this.rolloutDirectory = this.options.directory;
    this.waveNames = this.options.waves?.map(w => w.name);
    this.pinnedStage = this.options.pinnedStage;
    this.statefulSet = sts;

    // base/ holds the hold partition, so that each stage's `replace` of the partition finds the field
    if (strategy === undefined) {
      sts.addJsonPatch(JsonPatch.add('/spec/updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: HOLD_PARTITION } }));
    } else if (strategy.rollingUpdate === undefined) {
      sts.addJsonPatch(JsonPatch.add('/spec/updateStrategy/rollingUpdate', { partition: HOLD_PARTITION }));
    } else {
      sts.addJsonPatch(JsonPatch.add('/spec/updateStrategy/rollingUpdate/partition', HOLD_PARTITION));
    }
    if (this.replicasManagedByHpa) sts.addJsonPatch(JsonPatch.remove('/spec/replicas'));
    this.treeObjects = new TreeObjects(this, true);
    this.treeObjects.add([sts, ...(props.objects ?? [])]);
  }

  /** The StatefulSet, for the health checks of a GitOps agent. */
  public get workloads(): WorkloadReference[] {
    return [{ apiVersion: this.statefulSet.apiVersion, kind: this.statefulSet.kind, name: this.name, namespace: this.namespace, replicasManagedByHpa: this.replicasManagedByHpa || undefined }];
  }

  /**
   * Put more objects into this rollout's `base/` (see `objects`). An object added to two rollouts' trees
   * is refused at synth, naming both.
   */
  public addToTree(...objects: ApiObject[]): void {
    this.treeObjects.add(objects);
  }

  /** @internal */
  public _stagedSource(): StagedSource {
    const layout: StatefulSetLayout = {
      app: this.name,
      namespace: this.namespace,
      serviceName: this.serviceName,
      replicas: this.replicas,
      ordinalsStart: this.ordinalsStart,
      stages: this.stages,
      podOrdinals: this.podOrdinals,
      previewNotes: this.previewNotes,
      replicasManagedByHpa: this.replicasManagedByHpa || undefined,
    };
    return { owner: this, extraObjects: this.treeObjects.list(), kind: this.kindId, layout, ...this.options };
  }
}

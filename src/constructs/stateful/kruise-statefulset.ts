import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { checkKruiseAgainstApp, KruiseOptions, reservedOrdinals } from './backend';
import { claimTemplateJson } from './claim-template';
import { StatefulSetUpdateStrategy } from './update-strategy';
import { kruisePodOrdinals, kruiseUpdatedOrdinals, kruiseUpdateOrder, KruisePreviewInput } from '../../core/kruise-preview';
import { podNames } from '../../core/partition';
import { ResolvedStage } from '../../core/plan';
import * as kruise from '../../imports/kruise-statefulset-apps.kruise.io';
import { PodManagementPolicy } from '../shared/types';

/**
 * The OpenKruise Advanced StatefulSet of a StatefulApp: its webhook's rules, the preview of which pods
 * each stage updates under Kruise's rules, and the object itself.
 */

/** The rules of Kruise's webhook that involve the app's own props. */
export function checkKruiseApp(
  options: KruiseOptions, podManagementPolicy: PodManagementPolicy | undefined, strategy: StatefulSetUpdateStrategy | undefined, minReadySeconds: number | undefined,
): void {
  if (minReadySeconds !== undefined) {
    throw new Error(`minReadySeconds (${minReadySeconds}) is not a field of the Advanced StatefulSet: use StatefulSetBackend.kruise({ minReadySeconds }) (rollingUpdate.minReadySeconds, 0 to 300)`);
  }
  checkKruiseAgainstApp(options, podManagementPolicy, strategy?.maxUnavailable);
  if (strategy?.type === 'OnDelete' && (options.priority || options.podUpdatePolicy || options.paused !== undefined || options.minReadySeconds !== undefined)) {
    throw new Error('updateStrategy (OnDelete) cannot carry Kruise rollingUpdate options (priority, podUpdatePolicy, paused, minReadySeconds): use RollingUpdate');
  }
}

/** Which pods there are and which ones each stage updates. */
export interface PodPreview {
  /** The pod ordinals, lowest first. */
  readonly podOrdinals: number[];
  /** The stages with the ordinals each one updates. */
  readonly stages?: ResolvedStage[];
  /** How the preview was worked out, for PLAN.md. */
  readonly notes: string[];
}

/** What the preview needs of the app. */
export interface KruisePreviewApp {
  readonly name: string;
  readonly replicas: number;
  readonly ordinalsStart: number;
  /** The labels of the pod template. */
  readonly templateLabels: { [key: string]: string };
  /** The stages as apps/v1 would update them. */
  readonly stages?: ResolvedStage[];
}

/** The pods of an Advanced StatefulSet and the ones each stage updates, from Kruise's controller rules. */
export function kruisePreview(options: KruiseOptions, app: KruisePreviewApp): PodPreview {
  const reserved = reservedOrdinals(options);
  const podOrdinals = kruisePodOrdinals(app.replicas, app.ordinalsStart, reserved);
  const declared = new Map((options.previewPodLabels ?? []).map(p => [p.ordinal, p.labels]));
  for (const ordinal of declared.keys()) {
    if (!podOrdinals.includes(ordinal)) {
      throw new Error(`kruise.previewPodLabels ordinal (${ordinal}) is not a pod of ${app.name}: the pods are ${podOrdinals.join(', ')}`);
    }
  }
  if (!app.stages) {
    return { podOrdinals, notes: [] };
  }
  const preview = (p: number): KruisePreviewInput => ({
    replicas: app.replicas,
    ordinalsStart: app.ordinalsStart,
    reserved,
    partition: p,
    unordered: options.unorderedUpdate ?? options.priority !== undefined,
    priority: options.priority?._spec(),
    labelsOf: (o: number) => ({ ...app.templateLabels, ...(declared.get(o) ?? {}) }),
  });
  const stages = app.stages.map(st => ({ ...st, updatedOrdinals: kruiseUpdatedOrdinals(preview(st.partition)) }));
  const order = podNames(app.name, kruiseUpdateOrder(preview(0)));
  const priority = options.priority?._spec();
  const labels = declared.size > 0
    ? `; labels declared for the preview: ${[...declared.entries()].map(([o, l]) => `${app.name}-${o} ${Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',')}`).join('; ')}`
    : '';
  const note = `OpenKruise Advanced StatefulSet: the partition is the number of pods kept on the old revision; pods update in the order ${order.join(', ')}` +
    (priority ? ` (${priority.weight ? 'weightPriority: higher summed weight first' : 'orderPriority'}, ties by descending ordinal${labels})` : ' (highest ordinal first)') +
    (reserved.length > 0 ? `; reserved ordinals ${reserved.join(', ')} are skipped` : '') + '.';
  return { podOrdinals, stages, notes: [note] };
}

/** The fields of the Advanced StatefulSet the StatefulApp decided. */
export interface KruiseStatefulSetInput {
  readonly metadata: k8s.ObjectMeta;
  /** The fields both StatefulSet kinds share, in their order: serviceName, replicas, selector, podManagementPolicy. */
  readonly common: { serviceName: string; replicas?: number; selector: k8s.LabelSelector; podManagementPolicy?: string };
  /** The update strategy as apps/v1 would have it. */
  readonly updateStrategy?: k8s.StatefulSetUpdateStrategy;
  readonly strategy?: StatefulSetUpdateStrategy;
  readonly retention?: { whenDeleted?: string; whenScaled?: string };
  readonly ordinals?: { start: number };
  readonly revisionHistoryLimit?: number;
  readonly template: k8s.PodTemplateSpec;
  readonly claims: k8s.KubePersistentVolumeClaimProps[];
}

/** The Advanced StatefulSet (`apps.kruise.io/v1beta1`), as the StatefulApp's `Resource`. */
export function renderKruiseStatefulSet(scope: Construct, options: KruiseOptions, input: KruiseStatefulSetInput): kruise.StatefulSet {
  const strategy = input.strategy;
  const rolling = input.updateStrategy?.rollingUpdate;
  const kruiseRolling: kruise.StatefulSetSpecUpdateStrategyRollingUpdate = {
    partition: rolling?.partition,
    maxUnavailable: strategy?.maxUnavailable && (strategy.maxUnavailable.isPercent
      ? kruise.StatefulSetSpecUpdateStrategyRollingUpdateMaxUnavailable.fromString(strategy.maxUnavailable.toString())
      : kruise.StatefulSetSpecUpdateStrategyRollingUpdateMaxUnavailable.fromNumber(strategy.maxUnavailable.value)),
    minReadySeconds: options.minReadySeconds,
    paused: options.paused,
    podUpdatePolicy: options.podUpdatePolicy,
    inPlaceUpdateStrategy: options.inPlaceGracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.inPlaceGracePeriodSeconds } : undefined,
    unorderedUpdate: (options.unorderedUpdate ?? options.priority !== undefined) ? {
      priorityStrategy: options.priority && {
        weightPriority: options.priority._spec().weight?.map(t => ({ weight: t.weight, matchSelector: { matchLabels: t.selector.matchLabels } })),
        orderPriority: options.priority._spec().order?.map(k => ({ orderedKey: k })),
      },
    } : undefined,
  };
  const hasRolling = Object.values(kruiseRolling).some(v => v !== undefined);
  return new kruise.StatefulSet(scope, 'Resource', {
    metadata: input.metadata,
    spec: {
      ...input.common,
      updateStrategy: input.updateStrategy === undefined && !hasRolling ? undefined : {
        type: input.updateStrategy?.type ?? 'RollingUpdate',
        rollingUpdate: hasRolling ? kruiseRolling : undefined,
      },
      persistentVolumeClaimRetentionPolicy: input.retention as kruise.StatefulSetSpecPersistentVolumeClaimRetentionPolicy | undefined,
      ordinals: input.ordinals,
      reserveOrdinals: options.reserveOrdinals?.map(r => (/^\d+$/.test(r)
        ? kruise.StatefulSetSpecReserveOrdinals.fromNumber(Number(r))
        : kruise.StatefulSetSpecReserveOrdinals.fromString(r))),
      revisionHistoryLimit: input.revisionHistoryLimit,
      // the CRD types the pod template and the claim templates loosely: serialize them with the typed
      // Kubernetes mappers, which drop unknown fields
      template: k8s.toJson_PodTemplateSpec(input.template),
      volumeClaimTemplates: input.claims.length > 0 ? input.claims.map(claimTemplateJson) : undefined,
    },
  });
}

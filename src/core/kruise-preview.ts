/**
 * Which pods an OpenKruise Advanced StatefulSet (apps.kruise.io/v1beta1) updates at a partition, written
 * from the controller (pkg/controller/statefulset: `getStatefulSetReplicasRange`, `sortPodsToUpdate`;
 * pkg/util/updatesort: the priority sorter). Pure: no cdk8s.
 *
 * - The pods are the first `replicas` ordinals from `ordinals.start` that are not reserved.
 * - The partition is the NUMBER of pods kept on the old revision (Kruise >= 1.8): at most
 *   `replicas - partition` pods are updated.
 * - Without unorderedUpdate: from the highest ordinal down, only ordinals with
 *   `ordinal - start >= partition`, until that many are updated.
 * - With unorderedUpdate: every pod, highest ordinal first, stably sorted by the priority strategy:
 *   weightPriority by the summed weight of matching terms, higher first; orderPriority by the first
 *   term whose key the pod has (pods with none of the keys first), then by the integer suffix of the label
 *   value, higher first; ties keep the descending ordinal.
 */

import { own } from './validation';

/** A label selector of a weight term: matchLabels and matchExpressions. */
export interface SelectorSpec {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The priority strategy of unorderedUpdate. */
export interface PrioritySpec {
  readonly weight?: Array<{ weight: number; selector: SelectorSpec }>;
  readonly order?: string[];
}

/** What the preview needs. */
export interface KruisePreviewInput {
  readonly replicas: number;
  readonly ordinalsStart: number;
  readonly reserved: number[];
  readonly partition: number;
  readonly unordered: boolean;
  readonly priority?: PrioritySpec;
  /** The labels of each pod (the template's, plus those declared for the preview). */
  readonly labelsOf: (ordinal: number) => { [key: string]: string };
}

/** The ordinals of the pods, lowest first (reserved ordinals skipped). */
export function kruisePodOrdinals(replicas: number, ordinalsStart: number, reserved: number[]): number[] {
  const skip = new Set(reserved);
  const out: number[] = [];
  for (let ordinal = ordinalsStart; out.length < replicas; ordinal++) {
    if (!skip.has(ordinal)) out.push(ordinal);
  }
  return out;
}

/** Whether a selector matches labels, as metav1.LabelSelectorAsSelector does. */
export function selectorMatches(selector: SelectorSpec, labels: { [key: string]: string }): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (own(labels, k) !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    const ok = e.operator === 'In' ? has && values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !values.includes(labels[e.key])
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has
            : false;
    if (!ok) return false;
  }
  return true;
}

/** The integer at the end of a label value (`pod-12` -> 12), 0 when there is none. */
export function integerSuffix(value: string): number {
  const match = /[0-9]+$/.exec(value);
  return match ? Number(match[0]) : 0;
}

function weightOf(priority: PrioritySpec, labels: { [key: string]: string }): number {
  return (priority.weight ?? []).reduce((sum, t) => sum + (selectorMatches(t.selector, labels) ? t.weight : 0), 0);
}

function orderOf(priority: PrioritySpec, labels: { [key: string]: string }): [number, number] {
  const keys = priority.order ?? [];
  for (const [i, key] of keys.entries()) {
    if (Object.prototype.hasOwnProperty.call(labels, key)) return [i, integerSuffix(labels[key])];
  }
  return [-1, 0];
}

/** The order in which the controller updates the pods of a fresh rollout (every pod still old). */
export function kruiseUpdateOrder(input: KruisePreviewInput): number[] {
  const pods = kruisePodOrdinals(input.replicas, input.ordinalsStart, input.reserved).reverse();
  const priority = input.priority;
  if (!input.unordered || !priority || ((priority.weight ?? []).length === 0 && (priority.order ?? []).length === 0)) {
    return pods;
  }
  // Array.prototype.sort is stable, like sort.SliceStable; the comparator mirrors updatesort's
  const before = (a: number, b: number): boolean => {
    const la = input.labelsOf(a);
    const lb = input.labelsOf(b);
    if ((priority.weight ?? []).length > 0) {
      const wa = weightOf(priority, la);
      const wb = weightOf(priority, lb);
      if (wa !== wb) return wa > wb;
    } else {
      const [levelA, orderA] = orderOf(priority, la);
      const [levelB, orderB] = orderOf(priority, lb);
      if (levelA !== levelB) return levelA < levelB;
      if (orderA !== orderB) return orderA > orderB;
    }
    return a > b;
  };
  return [...pods].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** The ordinals on the new revision once a stage at this partition has converged, lowest first. */
export function kruiseUpdatedOrdinals(input: KruisePreviewInput): number[] {
  const maxUpdate = input.replicas - input.partition;
  if (maxUpdate <= 0) return [];
  let chosen: number[];
  if (!input.unordered) {
    chosen = kruiseUpdateOrder(input).filter(o => o - input.ordinalsStart >= input.partition).slice(0, maxUpdate);
  } else {
    chosen = kruiseUpdateOrder(input).slice(0, maxUpdate);
  }
  return chosen.sort((a, b) => a - b);
}

/** Expand reserveOrdinals entries ("3", "5-7") into ordinals. */
export function expandReserved(entries: string[]): number[] {
  const out = new Set<number>();
  for (const entry of entries) {
    const range = /^(\d+)-(\d+)$/.exec(entry);
    if (range) {
      for (let o = Number(range[1]); o <= Number(range[2]); o++) out.add(o);
    } else {
      out.add(Number(entry));
    }
  }
  return [...out].sort((a, b) => a - b);
}

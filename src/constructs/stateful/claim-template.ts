import { k8s } from 'cdk8s-plus-27';
import { checkDnsLabel, checkDnsSubdomain, checkKnownProps, checkLabels, checkOneOf, checkQuantity, show } from '../../core/validation';
import { FastKubeStatefulSet } from '../shared/fast-json';
import { checkLabelSelector } from '../shared/pod';
import { AccessMode, VolumeClaimTemplate, VolumeMode } from '../shared/types';

/** The fields of `VolumeClaimTemplate`, in declaration order. */
export const VOLUME_CLAIM_TEMPLATE = [
  'name', 'storage', 'accessModes', 'storageClassName', 'labels', 'annotations', 'selector', 'volumeMode', 'dataSource',
] as const;
/** The fields of `k8s.TypedLocalObjectReference`. */
export const TYPED_LOCAL_OBJECT_REFERENCE = ['apiGroup', 'kind', 'name'] as const;

/** The type of every claim template: without it Argo CD shows the StatefulSet OutOfSync (argo-cd#11143, #16707). */
export const CLAIM_TYPE_META = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as const;

/** Check a claim template of StatefulSet `statefulSetName` and turn it into the typed L1 claim. */
export function renderClaim(field: string, t: VolumeClaimTemplate, statefulSetName: string): k8s.KubePersistentVolumeClaimProps {
  checkKnownProps(field, t, VOLUME_CLAIM_TEMPLATE);
  checkDnsLabel(`${field}.name`, t.name);
  // claims are named <template>-<statefulset>-<ordinal>: a DNS subdomain of at most 253 characters
  if (t.name.length + statefulSetName.length + 12 > 253) {
    throw new Error(`${field}.name (${show(t.name)}) is too long: the claim names "<template>-<statefulset>-<ordinal>" must fit in 253 characters`);
  }
  checkQuantity(`${field}.storage`, t.storage);
  const modes = t.accessModes ?? [AccessMode.READ_WRITE_ONCE];
  if (!Array.isArray(modes) || modes.length === 0) {
    throw new Error(`${field}.accessModes (${show(modes)}) must list at least one access mode`);
  }
  modes.forEach((m, i) => checkOneOf(`${field}.accessModes[${i}]`, m, Object.values(AccessMode)));
  if (modes.includes(AccessMode.READ_WRITE_ONCE_POD) && modes.length > 1) {
    throw new Error(`${field}.accessModes (${show(modes)}) may not combine ReadWriteOncePod with other access modes`);
  }
  if (t.labels) checkLabels(`${field}.labels`, t.labels);
  if (t.annotations) checkAnnotations(`${field}.annotations`, t.annotations);
  if (t.storageClassName !== undefined) checkStorageClass(`${field}.storageClassName`, t.storageClassName);
  if (t.selector !== undefined) checkLabelSelector(`${field}.selector`, t.selector);
  if (t.volumeMode !== undefined) checkOneOf(`${field}.volumeMode`, t.volumeMode, Object.values(VolumeMode));
  if (t.dataSource !== undefined) {
    checkKnownProps(`${field}.dataSource`, t.dataSource, TYPED_LOCAL_OBJECT_REFERENCE);
    if (typeof t.dataSource.kind !== 'string' || t.dataSource.kind === '') {
      throw new Error(`${field}.dataSource.kind (${show(t.dataSource.kind)}) must be a kind such as "VolumeSnapshot" or "PersistentVolumeClaim"`);
    }
    checkDnsSubdomain(`${field}.dataSource.name`, t.dataSource.name);
    // the core group is "" (or unset): only a PersistentVolumeClaim can be a source there
    if ((t.dataSource.apiGroup ?? '') === '' && t.dataSource.kind !== 'PersistentVolumeClaim') {
      throw new Error(`${field}.dataSource (${show(t.dataSource)}) needs an apiGroup for kind ${show(t.dataSource.kind)}: only PersistentVolumeClaim is in the core group (a VolumeSnapshot is apiGroup "snapshot.storage.k8s.io")`);
    }
  }
  return {
    metadata: { name: t.name, labels: t.labels, annotations: t.annotations },
    spec: {
      accessModes: modes,
      storageClassName: t.storageClassName,
      volumeMode: t.volumeMode,
      selector: t.selector,
      dataSource: t.dataSource,
      resources: { requests: { storage: k8s.Quantity.fromString(t.storage) } },
    },
  };
}

/** A claim template as JSON, with `apiVersion: v1` and `kind: PersistentVolumeClaim` first. */
export function claimTemplateJson(claim: k8s.KubePersistentVolumeClaimProps): any {
  return { ...CLAIM_TYPE_META, ...k8s.toJson_KubePersistentVolumeClaimProps(claim) };
}

/**
 * An apps/v1 StatefulSet whose claim templates carry their type. The L1 mapper of `KubeStatefulSet`
 * (`toJson_KubePersistentVolumeClaimProps`) keeps only `metadata` and `spec` of each claim template, and it
 * runs after JSON patches: the type is put in after mapping.
 */
export class TypedClaimsStatefulSet extends FastKubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const claims: any[] | undefined = json.spec?.volumeClaimTemplates;
    if (claims === undefined) {
      return json;
    }
    return { ...json, spec: { ...json.spec, volumeClaimTemplates: claims.map(c => ({ ...CLAIM_TYPE_META, ...c })) } };
  }
}

function checkStorageClass(field: string, value: string): void {
  // the empty storage class is meaningful: it asks for no dynamic provisioning
  if (value !== '' && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) {
    throw new Error(`${field} (${show(value)}) must be a DNS-1123 subdomain, or "" for no storage class`);
  }
}

function checkAnnotations(field: string, map: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(map)) {
    checkLabels(field, { [key]: '' });
    if (typeof value !== 'string') {
      throw new Error(`${field}[${show(key)}] (${show(value)}) must be a string`);
    }
  }
}

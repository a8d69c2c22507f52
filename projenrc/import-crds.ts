/**
 * `npx projen import`: generate the typed CRD classes in src/imports/ from the CRDs in crds/, keeping only
 * the fields the library sets.
 *
 * `cdk8s import` of the whole Argo CD ApplicationSet CRD is 3.2 MB of TypeScript (11 MB compiled) for the
 * two types src/gitops uses. So each CRD's openAPIV3Schema is first reduced to the property paths listed
 * below (plus `apiVersion`, `kind`, `metadata` and every field the schema marks required on the way), and
 * `cdk8s import` runs on that reduced copy. The type names stay the ones of the full CRD (they come from
 * the property paths), and so do the JSON keys the classes emit. Tests still validate every emitted object
 * against the full CRDs in crds/.
 *
 * Run with `--output DIR` to write somewhere else (a test compares a fresh run with src/imports/).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';

interface CrdImport {
  /** The import name: cdk8s writes `<name>-<group>.ts`. */
  readonly name: string;
  /** The CRD file in crds/. */
  readonly file: string;
  /**
   * Dot-separated property paths under the object's root (array items are stepped through); each keeps
   * its whole subtree. `'*'` keeps the whole schema.
   */
  readonly keep: string[] | '*';
  /**
   * The versions to import (the constructs use one).
   * @default - every version of the CRD
   */
  readonly versions?: string[];
}

const argoSource = ['source.repoURL', 'source.targetRevision', 'source.path'];
const argoSyncPolicy = ['syncPolicy.automated.prune', 'syncPolicy.automated.selfHeal', 'syncPolicy.syncOptions', 'syncPolicy.retry', 'ignoreDifferences'];

/** What src/gitops and src/constructs set on each kind: add a path here when a construct sets a new field. */
export const CRD_IMPORTS: CrdImport[] = [
  {
    name: 'argocd-application',
    file: 'argoproj.io_applications.yaml',
    keep: [
      'spec.project',
      ...argoSource.map(p => `spec.${p}`),
      'spec.destination.server', 'spec.destination.name', 'spec.destination.namespace',
      ...argoSyncPolicy.map(p => `spec.${p}`),
    ],
  },
  {
    name: 'argocd-applicationset',
    file: 'argoproj.io_applicationsets.yaml',
    keep: [
      'spec.generators.list.elements',
      'spec.generators.clusters.selector.matchLabels',
      'spec.generators.clusters.selector.matchExpressions',
      'spec.strategy.type',
      'spec.strategy.rollingSync.steps',
      'spec.template.metadata.name',
      'spec.template.metadata.labels',
      'spec.template.metadata.finalizers',
      'spec.template.metadata.annotations',
      'spec.goTemplate',
      'spec.goTemplateOptions',
      'spec.template.spec.project',
      ...argoSource.map(p => `spec.template.spec.${p}`),
      'spec.template.spec.destination.server', 'spec.template.spec.destination.namespace',
      ...argoSyncPolicy.map(p => `spec.template.spec.${p}`),
    ],
  },
  {
    name: 'flux-kustomization',
    file: 'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    keep: [
      'spec.sourceRef', 'spec.path', 'spec.interval', 'spec.retryInterval', 'spec.prune', 'spec.wait',
      'spec.timeout', 'spec.targetNamespace', 'spec.force', 'spec.healthChecks', 'spec.dependsOn', 'spec.serviceAccountName',
      'spec.kubeConfig.secretRef',
    ],
  },
  // what src/constructs/stateful/kruise-statefulset.ts sets; the pod and claim templates whole (their
  // generated mappers must keep every field)
  {
    name: 'kruise-statefulset',
    file: 'apps.kruise.io_statefulsets.yaml',
    versions: ['v1beta1'],
    keep: [
      'spec.serviceName', 'spec.replicas', 'spec.selector', 'spec.podManagementPolicy', 'spec.updateStrategy',
      'spec.persistentVolumeClaimRetentionPolicy', 'spec.ordinals', 'spec.reserveOrdinals', 'spec.revisionHistoryLimit',
      'spec.template', 'spec.volumeClaimTemplates',
    ],
  },
];

/** A path tree: each key a property kept, its value what to keep below it (`true`: everything). */
type Keep = { [property: string]: Keep | true };

function keepTree(paths: string[]): Keep {
  const root: Keep = {};
  for (const p of paths) {
    const parts = p.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = true;
        return;
      }
      const next = node[part];
      if (next === true) return;
      node = next ?? (node[part] = {});
    });
  }
  return root;
}

/** The schema with only the kept properties (and the required ones, reduced to their own required). */
function prune(schema: any, keep: Keep, where: string): any {
  if (schema.type === 'array' && schema.items) {
    return { ...schema, items: prune(schema.items, keep, `${where}[]`) };
  }
  const properties: { [name: string]: any } = schema.properties ?? {};
  for (const name of Object.keys(keep)) {
    if (!(name in properties)) {
      throw new Error(`keep path ${where}.${name} is not a property of the CRD: the properties are ${Object.keys(properties).sort().join(', ')}`);
    }
  }
  const required: string[] = schema.required ?? [];
  const kept: { [name: string]: any } = {};
  // the schema's order, so that the generated code keeps the order of a full import
  for (const [name, sub] of Object.entries(properties)) {
    const k = keep[name];
    if (k === true) kept[name] = sub;
    else if (k !== undefined) kept[name] = prune(sub, k, `${where}.${name}`);
    else if (required.includes(name)) kept[name] = prune(sub, {}, `${where}.${name}`);
  }
  const out = { ...schema };
  if (schema.properties !== undefined) out.properties = kept;
  return out;
}

function reducedCrd(text: string, imp: CrdImport): string {
  const docs = parseAllDocuments(text).map(d => d.toJS()).filter(d => d?.kind === 'CustomResourceDefinition');
  if (docs.length !== 1) throw new Error(`${imp.file} holds ${docs.length} CustomResourceDefinitions: expected 1`);
  const crd = docs[0];
  if (imp.versions !== undefined) {
    crd.spec.versions = crd.spec.versions.filter((v: any) => imp.versions!.includes(v.name));
  }
  if (imp.keep === '*') return stringify(crd);
  const keep = keepTree(['apiVersion', 'kind', 'metadata', ...imp.keep]);
  for (const version of crd.spec.versions) {
    version.schema.openAPIV3Schema = prune(version.schema.openAPIV3Schema, keep, version.name);
  }
  return stringify(crd);
}

function main(argv: string[]): void {
  const root = path.resolve(__dirname, '..');
  const at = argv.indexOf('--output');
  const output = at >= 0 ? path.resolve(argv[at + 1]) : path.join(root, 'src', 'imports');
  const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-staged-import-'));
  try {
    for (const imp of CRD_IMPORTS) {
      const reduced = path.join(tmp, imp.file);
      fs.writeFileSync(reduced, reducedCrd(fs.readFileSync(path.join(root, 'crds', imp.file), 'utf-8'), imp));
      execFileSync(cdk8s, ['import', `${imp.name}:=${reduced}`, '--language', 'typescript', '--output', output], {
        // not the project's root: cdk8s import would add the temporary file to cdk8s.yaml's imports
        cwd: tmp,
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2));
}

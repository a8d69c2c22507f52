import * as path from 'path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PodTemplateSpec, Service, ServiceAccount } from 'kubernetes-models/v1';
import * as ts from 'typescript';
import { crdProblems } from './crd-schema';

/**
 * Validate emitted objects against the Kubernetes API schema in two ways:
 * 1. kubernetes-models' validators: types, enums, required fields, formats;
 * 2. the TypeScript compiler's excess-property check against kubernetes-models' interfaces, which refuses
 *    any field the API does not define, at any depth (the validators in 1 let unknown fields through).
 * Returns the problems found; an empty list means valid.
 */
const MODELS: { [gvk: string]: { module: string; iface: string; validate: (o: any) => void } } = {
  'apps/v1/StatefulSet': { module: 'kubernetes-models/apps/v1/StatefulSet', iface: 'IStatefulSet', validate: o => new StatefulSet(o).validate() },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', iface: 'IDeployment', validate: o => new Deployment(o).validate() },
  'v1/Service': { module: 'kubernetes-models/v1/Service', iface: 'IService', validate: o => new Service(o).validate() },
  'v1/ServiceAccount': { module: 'kubernetes-models/v1/ServiceAccount', iface: 'IServiceAccount', validate: o => new ServiceAccount(o).validate() },
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', iface: 'IConfigMap', validate: o => new ConfigMap(o).validate() },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', iface: 'IPodDisruptionBudget', validate: o => new PodDisruptionBudget(o).validate() },
  'networking.k8s.io/v1/NetworkPolicy': { module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', iface: 'INetworkPolicy', validate: o => new NetworkPolicy(o).validate() },
};

const VIRTUAL = path.join(__dirname, '__schema_check__.ts');

export function schemaProblems(objects: any[]): string[] {
  const problems: string[] = [];
  const imports = new Set<string>();
  const decls: string[] = [];
  objects.forEach((obj, i) => {
    const gvk = `${obj.apiVersion}/${obj.kind}`;
    if (gvk === 'apps.kruise.io/v1beta1/StatefulSet') {
      // the CRD schema (unknown fields refused), then the pod template and claim templates, which the CRD
      // leaves open (x-kubernetes-preserve-unknown-fields), against the Kubernetes types
      problems.push(...crdProblems(obj).map(p => `${gvk} ${obj.metadata?.name}: ${p}`));
      try {
        new PodTemplateSpec(obj.spec.template).validate();
      } catch (e) {
        problems.push(`${gvk} ${obj.metadata?.name} template: ${(e as Error).message}`);
      }
      imports.add("import { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';");
      imports.add("import { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';");
      decls.push(`export const t${i}: IPodTemplateSpec = ${JSON.stringify(obj.spec.template)};`);
      decls.push(`export const c${i}: Array<IPersistentVolumeClaim> = ${JSON.stringify(obj.spec.volumeClaimTemplates ?? [])};`);
      return;
    }
    const model = MODELS[gvk];
    if (!model) {
      problems.push(`object ${i}: no schema for ${gvk}`);
      return;
    }
    try {
      model.validate(obj);
    } catch (e) {
      problems.push(`${gvk} ${obj.metadata?.name}: ${(e as Error).message}`);
    }
    imports.add(`import { ${model.iface} } from '${model.module}';`);
    decls.push(`export const o${i}: ${model.iface} = ${JSON.stringify(obj)};`);
  });
  if (decls.length === 0) {
    return problems;
  }
  const source = [...imports, ...decls].join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (file, lang, ...rest) => (file === VIRTUAL ? ts.createSourceFile(file, source, lang) : getSourceFile(file, lang, ...rest));
  const fileExists = host.fileExists;
  host.fileExists = f => f === VIRTUAL || fileExists(f);
  const program = ts.createProgram([VIRTUAL], options, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    problems.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return problems;
}

import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

/**
 * Validate objects against the openAPIV3Schema of the CRDs in crds/, the way the API server
 * does for a structural schema: types, enums, required fields, patterns, and unknown fields refused
 * (pruned, in the API server) everywhere except under `x-kubernetes-preserve-unknown-fields`.
 */
const crdDir = path.join(__dirname, '..', '..', 'crds');

function strict(schema: any): any {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(strict);
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as any).map(([pk, pv]) => [pk, strict(pv)])) : strict(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const validators = new Map<string, (obj: any) => string[]>();
const ajv = new Ajv({ strict: false, allErrors: true });
// the formats the CRDs use: integer ranges checked, the others accepted as the API server does for
// formats it does not know
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
for (const format of ['date-time', 'byte', 'duration']) ajv.addFormat(format, true);

function load(): void {
  if (validators.size > 0) return;
  for (const file of fs.readdirSync(crdDir)) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(crdDir, file), 'utf-8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = strict(version.schema.openAPIV3Schema);
        // metadata is validated by the API server itself
        schema.properties.metadata = { type: 'object' };
        const validate = ajv.compile(schema);
        validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, (obj: any) =>
          validate(obj) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty})` : ''}`));
      }
    }
  }
}

export function crdProblems(obj: any): string[] {
  load();
  const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) return [`no CRD for ${obj.apiVersion} ${obj.kind}`];
  return validate(obj);
}

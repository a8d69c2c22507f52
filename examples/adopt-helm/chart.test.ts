import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { AdoptHelmChart, RENDERED } from './chart';
import { byKindName, kustomizeBuild } from '../../test/support/kustomize';
import { schemaProblems } from '../../test/support/k8s-schema';

const committed = path.join(__dirname, '..', '..', 'dist', 'pg-keyvalue');
const rendered = parseAllDocuments(fs.readFileSync(RENDERED, 'utf-8')).map(d => d.toJS()).filter(o => o !== null);

describe('examples/adopt-helm (a helm template rendering adopted through Include)', () => {
  const chart = new AdoptHelmChart(Testing.app(), 'adopt-helm');

  test('read from the object: name, namespace, replicas, serviceName, ordinals', () => {
    expect([chart.app.name, chart.app.namespace, chart.app.replicas, chart.app.serviceName, chart.app.ordinalsStart])
      .toEqual(['pg-keyvalue', 'data', 3, 'pg-keyvalue-headless', 0]);
    expect(chart.app.workloads).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'pg-keyvalue', namespace: 'data' }]);
  });

  test('every object of the rendering, unchanged but for the hold partition, valid against the schema', () => {
    const objects = Testing.synth(chart);
    expect(objects.length).toBe(7);
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const expected = rendered.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    expect({ ...sts, spec: { ...sts.spec, updateStrategy: undefined } }).toEqual({ ...expected, spec: { ...expected.spec, updateStrategy: undefined } });
    // the others as rendered (the Service's `nodePort: null` is dropped, as kubectl drops it)
    for (const o of rendered.filter(r => r.kind !== 'StatefulSet')) {
      const out = objects.find(x => x.kind === o.kind && x.metadata.name === o.metadata.name);
      expect(out).toEqual(JSON.parse(JSON.stringify(o, (k, v) => (v === null ? undefined : v))));
    }
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the whole rendering lands in dist/pg-keyvalue/base/, nothing in a chart manifest', () => {
    expect(fs.readdirSync(path.join(committed, 'base')).sort()).toEqual([
      'configmap-pg-keyvalue-configuration.yaml', 'kustomization.yaml', 'networkpolicy-pg-keyvalue.yaml',
      'poddisruptionbudget-pg-keyvalue.yaml', 'service-pg-keyvalue-headless.yaml', 'service-pg-keyvalue.yaml',
      'serviceaccount-pg-keyvalue.yaml', 'statefulset-pg-keyvalue.yaml',
    ]);
    expect(fs.existsSync(path.join(committed, '..', 'adopt-helm.k8s.yaml'))).toBe(false);
  });

  test.each([
    ['00-hold', 2147483647],
    ['01-pods-1', 2],
    ['02-pods-2', 1],
    ['03-complete', 0],
  ])('stage %s builds with kustomize: partition %d, every object valid', (stage, partition) => {
    const built = kustomizeBuild(path.join(committed, 'stages', stage));
    expect(built.length).toBe(7);
    expect(byKindName(built)['StatefulSet/pg-keyvalue'].spec.updateStrategy.rollingUpdate.partition).toBe(partition);
    expect(schemaProblems(built)).toEqual([]);
  });
});

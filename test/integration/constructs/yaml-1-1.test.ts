import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { readsAsNonString, toYaml } from '../../../src/render/yaml';
import { tempDir } from '../../support/synth';

// strings a YAML 1.1 reader (go-yaml v2 in sigs.k8s.io/yaml, the yaml package with version 1.1) reads as
// something else when they are written plain
const TRAPS = [
  'on', 'off', 'On', 'OFF', 'oN', 'yes', 'no', 'Yes', 'NO', 'y', 'n', 'Y', 'N', 'true', 'False',
  '1_000', '0o17', '0O17', '017', '09', '0x1F', '0x_1F', '0b101', '0B101', '+1', '-1', '1e3', '1.5', '.5',
  '1:20', '190:20:30', '.inf', '-.Inf', '.NaN', '~', 'null', 'NULL', '2001-12-14', '2001-12-14T21:59:43Z', '<<',
];
// strings that stay plain
const PLAIN = ['nginx', 'nginx:1.25.4', 'v1', '3.18.0', 'a b', 'web-port', 'ReadWriteOnce', '1,000', 'true-ish', 'o', 'x1', '_1', 'yes please'];

describe('toYaml writes strings a YAML 1.1 reader reads back as the same strings', () => {
  const doc = { keys: Object.fromEntries([...TRAPS, ...PLAIN].map(v => [v, v])), list: [...TRAPS, ...PLAIN] };
  const out = toYaml(doc);

  test.each(['1.1', '1.2'] as const)('the yaml package with version %s reads every value and key back as the string written', version => {
    expect(parse(out, { version })).toEqual(doc);
  });

  test('each trap is double-quoted, each plain string stays plain', () => {
    for (const v of TRAPS) expect([v, out.includes(`\n  - ${JSON.stringify(v)}\n`)]).toEqual([v, true]);
    for (const v of PLAIN) expect([v, out.includes(`\n  - ${v}\n`)]).toEqual([v, true]);
    // what go-yaml v2 reads as non-strings beyond the yaml package's 1.1 schema is flagged by our own rule
    expect(['0o17', '0O17', '0x_1F', '<<', 'oN', '09'].filter(v => !readsAsNonString(v))).toEqual([]);
    expect(PLAIN.filter(readsAsNonString)).toEqual([]);
  });

  test('the yaml package\'s own 1.1 output (as cdk8s Yaml.stringify) leaves 0o17 and 0O17 plain: go-yaml v2 reads them as 15', () => {
    const cdk8sStyle = stringify({ a: '0o17', b: '0O17' }, { version: '1.1' });
    expect(cdk8sStyle).toBe('a: 0o17\nb: 0O17\n');
    expect(parse(cdk8sStyle)).toEqual({ a: 15, b: '0O17' }); // a YAML 1.2 reader already misreads 0o17
    expect(toYaml({ a: '0o17', b: '0O17' })).toBe('a: "0o17"\nb: "0O17"\n');
  });

  test('the plain YAML 1.2 output of before is misread by a YAML 1.1 reader (what this guards against)', () => {
    const before = stringify({ feature: 'on', count: '1_000', answer: 'no' }, { lineWidth: 0 });
    expect(before).toBe('feature: on\ncount: 1_000\nanswer: no\n');
    expect(parse(before, { version: '1.1' })).toEqual({ feature: true, count: 1000, answer: false });
  });

  test('byte-deterministic: the same object gives the same bytes; numbers and booleans stay unquoted', () => {
    expect(toYaml(doc)).toBe(out);
    expect(toYaml({ replicas: 3, on: true, port: 8080, n: null })).toBe('replicas: 3\n"on": true\nport: 8080\n"n": null\n');
  });
});

describe('kustomize keeps them strings', () => {
  test('kubectl kustomize turns the plain forms into numbers (what this guards against)', () => {
    const dir = tempDir('yaml11-');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1_000\n  b: 0o17\n');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - cm.yaml\n');
    expect(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf-8' })).toContain('data:\n  a: 1000\n  b: 15\n');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1_000', b: '0o17' } }));
    expect(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf-8' })).toContain('data:\n  a: "1_000"\n  b: "0o17"\n');
  });

  test('kubectl kustomize on a tree whose env value is 1_000 and label is on: the built output keeps both strings', () => {
    const dir = tempDir('yaml11-');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', labels: { feature: 'on', legacy: 'no' } },
      spec: {
        selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app', feature: 'on' } },
          spec: { containers: [{ name: 'main', image: 'busybox', env: [{ name: 'LIMIT', value: '1_000' }, { name: 'MODE', value: '0o17' }, { name: 'DAY', value: '2001-12-14' }, { name: 'Y', value: 'y' }] }] },
        },
      },
    };
    fs.writeFileSync(path.join(dir, 'deployment.yaml'), toYaml(deployment));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['deployment.yaml'], labels: [{ pairs: { tier: 'off' } }] }));
    const built = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf-8' });
    const [obj] = parseAllDocuments(built).map(d => d.toJS({}));
    const [obj11] = parseAllDocuments(built, { version: '1.1' }).map(d => d.toJS({}));
    for (const o of [obj, obj11]) {
      expect(o.metadata.labels).toEqual({ feature: 'on', legacy: 'no', tier: 'off' });
      expect(o.spec.template.metadata.labels).toEqual({ app: 'app', feature: 'on' });
      expect(o.spec.template.spec.containers[0].env).toEqual([
        { name: 'LIMIT', value: '1_000' }, { name: 'MODE', value: '0o17' }, { name: 'DAY', value: '2001-12-14' }, { name: 'Y', value: 'y' },
      ]);
    }
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { ArgoCdApplicationSet, DeploymentApp, RolloutPlan, StagedApp, StageSize, StatefulApp, StatefulSetBackend } from '../../../src';
import { runCli } from '../../../src/cli/cli';
import { treeDigestOf } from '../../../src/core/revision';
import { show } from '../../../src/core/validation';
import { readFiles } from '../../../src/io/read-files';
import { readTree, stagedApp, tempDir } from '../../support/synth';

/**
 * Issue 13, classes 1 (paths from committed content), 5 (bounded work), 6 (plain objects as
 * dictionaries), 7 (the gate), 9 (messages) and 10 (what the API server would refuse).
 */

const web = { name: 'web', image: 'nginx:1', ports: [{ name: 'http', containerPort: 8080 }] };

/** A synthesized web rollout in a temp repository (with .git so it is a repository), at the canary stage. */
function repo() {
  const root = tempDir('bounds-');
  fs.mkdirSync(path.join(root, '.git'));
  const outdir = path.join(root, 'dist');
  stagedApp({ replicas: 3, containers: [web], rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(1), steps: [] }) } }, { id: 'web', outdir }).app.synth();
  return { root, dir: path.join(outdir, 'web') };
}

function cli(args: string[], stdin: string | Buffer = '') {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => stdin });
  return { code, out, err };
}

function liveSts(over: { [k: string]: any } = {}, spec: { [k: string]: any } = {}, status: { [k: string]: any } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', generation: 2 },
    spec: { replicas: 3, updateStrategy: { rollingUpdate: { partition: 2147483647 } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } }, ...spec },
    status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 0, replicas: 3, ...status },
    ...over,
  };
}

describe('class 5: every input that sizes work has a bound, and the work is linear', () => {
  test.each([
    ['replicas over the bound', () => new StatefulApp(Testing.chart(), 'a', { replicas: 2147483647, containers: [web] }), 'replicas (2147483647) must be an integer between 0 and 10000'],
    ['replicas 1e6', () => new DeploymentApp(Testing.chart(), 'a', { replicas: 1e6, containers: [web] }), 'replicas (1000000) must be an integer between 0 and 10000'],
    ['a factor that grows too slowly', () => RolloutPlan.exponential({ factor: 1.0000001 }).resolve(100), 'factor (1.0000001) grows too slowly: 46051705 steps from 1 pod to every pod of 100, more than 10000; use a larger factor (a plan has at most 100 stages between hold and complete)'],
    ['too many stages', () => RolloutPlan.linear({ step: StageSize.pods(1) }).resolve(500), 'the plan (linear) has 499 stages between hold and complete at 500 replicas: at most 100 are allowed; use larger steps'],
    ['a huge Kruise reserve range', () => StatefulSetBackend.kruise({ reserveOrdinals: ['0-2000000000'] }), 'kruise.reserveOrdinals (["0-2000000000"]) reserves more than 10000 ordinals'],
  ])('fails %s', (_name, run, message) => {
    expect(run).toThrow(message);
  });

  test('10000 pods and 100 stages render PLAN.md in well under a second (linear in pods x stages)', () => {
    const outdir = path.join(tempDir(), 'dist');
    const { app } = stagedApp({ replicas: 10000, containers: [web], rollout: { plan: RolloutPlan.linear({ step: StageSize.pods(100) }) } }, { id: 'big', outdir });
    const start = process.hrtime.bigint();
    const files = app.renderFiles().big;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(Object.keys(files).filter(f => f.startsWith('stages/')).length).toBe(101);
    expect(files['PLAN.md'].split('\n').filter(l => l.startsWith('| ')).length).toBe(103);
    expect(ms).toBeLessThan(20000);
  });

  test('gate --live reads at most 16 MiB: /dev/zero is refused, exit 2', () => {
    const { dir } = repo();
    const r = cli(['gate', dir, '--live', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cdk8s-staged: --live ("/dev/zero") has more than ${16 * 1024 * 1024} bytes: pass the output of one \`kubectl get ... -o json\`\n`);
  });
});

describe('class 6: input keys never meet inherited properties', () => {
  test('label keys toString, valueOf and __proto__ are labels like any other', () => {
    const chart = Testing.chart();
    const labels = JSON.parse('{"toString":"x","valueOf":"y","hasOwnProperty":"z"}');
    new DeploymentApp(chart, 'a', { containers: [web], podLabels: labels, rollout: { canary: { trackLabel: 'toString2' } } });
    const sts = new StatefulApp(chart, 'b', { containers: [web], podLabels: labels });
    expect(sts.statefulSet.toJson().spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'b', 'toString': 'x', 'valueOf': 'y', 'hasOwnProperty': 'z' });
  });

  test('the label key constructor, which cdk8s cannot render, is refused saying so', () => {
    expect(() => new StatefulApp(Testing.chart(), 'b', { containers: [web], podLabels: { constructor: 'x' } })).toThrow('podLabels key ("constructor") is a valid label key that cdk8s cannot render');
  });

  test('the command "constructor" is an unknown command, not a stack trace', () => {
    const r = cli(['constructor', '--help']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('cdk8s-staged: unknown command "constructor"');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('a live container named __proto__ does not pass the image check', () => {
    const { dir } = repo();
    const live = liveSts({}, { template: { spec: { containers: [{ name: '__proto__', image: 'nginx:1' }] } } });
    const file = path.join(path.dirname(dir), 'live.json');
    fs.writeFileSync(file, JSON.stringify(live));
    const r = cli(['gate', dir, '--live', file]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('cdk8s-staged: not synced yet: the live template runs web=(none), the candidate web=nginx:1\n');
  });
});

describe('class 7: the gate', () => {
  const gate = (live: unknown, encode: (s: string) => Buffer = s => Buffer.from(s)) => {
    const { dir } = repo();
    return cli(['gate', dir, '--live', '-'], encode(JSON.stringify(live)));
  };

  test('a StatefulSet scaled below the plan does not converge', () => {
    const r = gate(liveSts({}, { replicas: 1 }, { readyReplicas: 1, replicas: 1 }));
    expect(r.code).toBe(1);
    expect(r.err).toBe('cdk8s-staged: the live spec.replicas (1) is not the plan\'s 3: the StatefulSet was scaled outside Git, or the agent has not synced yet; a stage is judged only at the replicas it was planned for\n');
  });

  test.each([
    ['a negative count', liveSts({}, {}, { readyReplicas: -3 }), 'the live object status.readyReplicas (-3) must be an integer >= 0'],
    ['a string partition', liveSts({}, { updateStrategy: { rollingUpdate: { partition: '2' } } }), 'the live object spec.updateStrategy.rollingUpdate.partition ("2") must be an integer >= 0'],
    ['a 20 MB value', liveSts({ metadata: { name: 'x'.repeat(20 * 1024 * 1024), generation: 1 } }), `the live object metadata.name ("${'x'.repeat(199)}... (20971522 characters)) must be "web", the app of this plan`],
  ])('exit 2 with a short message for %s', (_name, live, message) => {
    const r = gate(live);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cdk8s-staged: ${message}\n`);
  });

  test('a UTF-8 byte order mark is accepted; UTF-16 is refused saying so', () => {
    const withBom = gate(liveSts(), s => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]));
    expect([withBom.code, withBom.out]).toEqual([0, 'stage hold converged: hold: no pod updates, 3 of 3 ready\n']);
    const utf16 = gate(liveSts(), s => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));
    expect(utf16.code).toBe(2);
    expect(utf16.err).toBe('cdk8s-staged: --live ("-") is UTF-16 text: pass UTF-8, such as `kubectl get ... -o json > live.json` from a POSIX shell, or `Out-File -Encoding utf8` in PowerShell\n');
  });
});

describe('class 9: messages show the value as it is', () => {
  test.each([
    [Infinity, 'Infinity'], [NaN, 'NaN'], [-Infinity, '-Infinity'], [undefined, 'undefined'], [{ a: NaN }, '{"a":"NaN"}'], ['x'.repeat(300), `"${'x'.repeat(199)}... (302 characters)`],
  ])('show(%p)', (value, text) => {
    expect(show(value)).toBe(text);
  });

  test('an integer field states both bounds', () => {
    expect(() => new StatefulApp(Testing.chart(), 'a', { replicas: 2147483648, containers: [web] })).toThrow('replicas (2147483648) must be an integer between 0 and 10000');
    expect(() => new StatefulApp(Testing.chart(), 'a', { minReadySeconds: Infinity, containers: [web] })).toThrow('minReadySeconds (Infinity) must be an integer between 0 and 2147483647');
  });
});

describe('class 1: paths that come from committed content stay inside the tree', () => {
  test('an abort refuses a committed base object whose name would leave base/', () => {
    const { root, dir } = repo();
    cli(['promote', dir, '--no-code-check']);
    // a hand edit consistent enough to pass the digest: rewrite a base object's name, re-sign the tree
    const stateFile = path.join(root, 'rollout-state', 'web.json');
    const base = path.join(dir, 'base', 'service-web.yaml');
    fs.writeFileSync(base, fs.readFileSync(base, 'utf-8').replace(/^  name: web$/m, '  name: ../../../evil'));
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf-8'));
    state.treeDigest = treeDigestOf(readFiles(dir));
    state.stable = { ...state.candidate };
    fs.writeFileSync(stateFile, JSON.stringify(state, undefined, 2) + '\n');
    const before = readTree(root);
    const r = cli(['abort', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('cdk8s-staged: object Service metadata.name ("../../../evil") cannot name a file in base/: a name is a DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\', at most 253)\n');
    expect(readTree(root)).toEqual(before);
    expect(fs.existsSync(path.join(root, '..', 'evil.yaml'))).toBe(false);
  });

  test('plan.json stateFile may not leave the repository', () => {
    const { dir } = repo();
    const planFile = path.join(dir, 'plan.json');
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf-8'));
    plan.stateFile = '../../../../../../tmp/x.json';
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const r = cli(['status', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`field stateFile ("../../../../../../tmp/x.json") leaves the repository ${path.dirname(path.dirname(dir))}`);
  });
});

describe('class 10: what the API server would refuse is refused at synth', () => {
  const synth = (build: (chart: Chart) => void) => () => {
    const outdir = path.join(tempDir(), 'dist');
    const app = new StagedApp({ outdir, stateDirectory: path.join(path.dirname(outdir), 'state') });
    build(new Chart(app, 'c'));
    app.synth();
  };

  test('two objects of one kind and name in one namespace', () => {
    expect(synth(chart => {
      new DeploymentApp(chart, 'api', { containers: [web], rollout: { canary: {} } });
      new DeploymentApp(chart, 'api-canary', { containers: [web] });
    })).toThrow('Deployment "api-canary" is emitted twice, by c/api/Canary and c/api-canary/Resource: the API server keeps one object per kind, namespace and name; rename one of them');
  });

  test('a namespace that is not a DNS label', () => {
    expect(synth(chart => {
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'Bad NS' } });
    })).toThrow('[c/cm] ConfigMap "cm": metadata.namespace ("Bad NS") must be a DNS-1123 label');
  });

  test.each([
    ['an env var name with "="', () => new StatefulApp(Testing.chart(), 'a', { containers: [{ ...web, env: [{ name: 'A=B', value: '1' }] }] }),
      'containers[0].env[0].name ("A=B") must be a valid environment variable name: letters, digits, \'_\', \'-\' or \'.\', not starting with a digit (the API server refuses \'=\' and spaces)'],
    ['an image with a NUL', () => new StatefulApp(Testing.chart(), 'a', { containers: [{ ...web, image: 'nginx\u00001' }] }),
      'containers[0].image ("nginx\\u00001") must be a non-empty image reference with no spaces or control characters'],
    ['two ApplicationSet clusters with one name', () => new ArgoCdApplicationSet(Testing.chart(), 'fleet', { repoUrl: 'https://git.example.com/r.git', path: 'dist/web', clusters: [{ name: 'eu', server: 'https://a' }, { name: 'eu', server: 'https://b' }] }),
      'clusters[1].name ("eu") is also clusters[0].name: each cluster needs its own name, which names its Application "fleet-eu"'],
  ])('fails %s', (_what, make, message) => {
    expect(make).toThrow(message);
  });

  test('an annotation key that is not a qualified name', () => {
    expect(synth(chart => {
      new StatefulApp(chart, 'db', { containers: [web], annotations: { 'bad key!': 'x' } });
    })).toThrow('[c/db/Resource] StatefulSet "db": metadata.annotations key ("bad key!") must be a qualified name');
  });
});

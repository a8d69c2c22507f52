import * as fs from 'fs';
import * as path from 'path';
import { DeploymentAppProps, DeploymentStrategy, PercentOrAbsolute, RolloutDirectory } from '../../src';
import { runCli } from '../../src/cli/cli';
import { schemaProblems } from '../support/k8s-schema';
import { byKindName, kustomizeBuild } from '../support/kustomize';
import { podSecurityViolations } from '../support/pod-security';
import { readTree, stagedDeployment, tempDir } from '../support/synth';

const image = (tag: string) => `registry.example.com/shop:${tag}`;

function props(tag: string, rollout: DeploymentAppProps['rollout'], more: Partial<DeploymentAppProps> = {}): DeploymentAppProps {
  return {
    replicas: 10,
    selectorLabels: { app: 'shop' },
    strategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(25), maxUnavailable: PercentOrAbsolute.absolute(0) }),
    containers: [{ name: 'web', image: image(tag), ports: [{ name: 'http', containerPort: 8080 }] }],
    rollout,
    ...more,
  };
}

/** A repository root with dist/ and rollout-state/; each synth runs the code of that moment. */
function repo() {
  const root = tempDir();
  const outdir = path.join(root, 'dist');
  const synth = (p: DeploymentAppProps) => stagedDeployment(p, { id: 'shop', outdir }).app.synth();
  const dir = path.join(outdir, 'shop');
  const open = () => RolloutDirectory.open(dir);
  const promote = (to?: string) => open().promote({ to, force: true, codeCheck: false });
  const stateOf = () => JSON.parse(fs.readFileSync(path.join(root, 'rollout-state', 'shop.json'), 'utf-8'));
  const plan = () => JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8'));
  return { root, outdir, dir, synth, open, promote, stateOf, plan };
}

/** What one built stage runs: per Deployment [replicas, image, selector track/colour]; per Service its selector. */
function summary(objects: any[]) {
  const built = byKindName(objects);
  const out: { [key: string]: unknown } = {};
  for (const [key, o] of Object.entries(built)) {
    out[key] = o.kind === 'Deployment'
      ? [o.spec.replicas, o.spec.template.spec.containers[0].image, o.spec.selector.matchLabels]
      : o.spec.selector;
  }
  return out;
}

describe('canary: a stable and a canary Deployment behind one Service', () => {
  const r = repo();
  r.synth(props('v1', { canary: {} }));
  const first = r.stateOf();
  r.synth(props('v2', { canary: {} }));

  test('the first synth has nothing to stage: the last stage runs v1 on every pod', () => {
    expect(first.activeStage).toBe('complete');
    expect(first.stable).toBeNull();
    expect(first.candidate.images).toEqual({ web: image('v1') });
    expect(first.notes).toEqual(['First synth: no stable revision is known, so there is nothing to stage: the last stage (complete) runs the candidate on every pod. The next template change starts a staged rollout at hold.']);
  });

  test('a new template starts at hold; each stage sets the replica split, and complete rolls the stable Deployment', () => {
    expect(r.plan().activeStage).toBe('hold');
    const stable = { app: 'shop', track: 'stable' };
    const canary = { app: 'shop', track: 'canary' };
    const expected: { [stage: string]: unknown } = {
      '00-hold': { 'Service/shop': { app: 'shop' }, 'Deployment/shop': [10, image('v1'), stable], 'Deployment/shop-canary': [0, image('v2'), canary] },
      '01-canary': { 'Service/shop': { app: 'shop' }, 'Deployment/shop': [9, image('v1'), stable], 'Deployment/shop-canary': [1, image('v2'), canary] },
      '02-percent-50': { 'Service/shop': { app: 'shop' }, 'Deployment/shop': [5, image('v1'), stable], 'Deployment/shop-canary': [5, image('v2'), canary] },
      '03-complete': { 'Service/shop': { app: 'shop' }, 'Deployment/shop': [10, image('v2'), stable], 'Deployment/shop-canary': [0, image('v2'), canary] },
    };
    expect(fs.readdirSync(path.join(r.dir, 'stages'))).toEqual(Object.keys(expected));
    for (const [stage, want] of Object.entries(expected)) {
      const objects = kustomizeBuild(path.join(r.dir, 'stages', stage));
      expect([stage, summary(objects)]).toEqual([stage, want]);
      expect([stage, schemaProblems(objects)]).toEqual([stage, []]);
      for (const d of objects.filter(o => o.kind === 'Deployment')) {
        // each Deployment's selector matches its own pods only
        expect(d.spec.template.metadata.labels).toEqual(d.spec.selector.matchLabels);
        expect(podSecurityViolations(d.spec.template)).toEqual([]);
      }
    }
    // the root builds the active stage
    expect(summary(kustomizeBuild(r.dir))).toEqual(expected['00-hold']);
  });

  test('plan.json: the split, the traffic share and the rolling-update bounds (maxSurge 25% of 10 rounds up to 3)', () => {
    const plan = r.plan();
    expect(plan.layout).toEqual({
      style: 'canary',
      replicas: 10,
      label: 'track',
      deployments: ['shop', 'shop-canary'],
      labelValues: ['stable', 'canary'],
      service: 'shop',
      previewService: null,
      fenceposts: { maxSurge: 3, maxUnavailable: 0, maxPods: 13, minAvailable: 10 },
    });
    expect(plan.stages.map((s: any) => [s.name, s.deployments.map((d: any) => `${d.name}=${d.replicas}:${d.runs}${d.rolls ? ':rolls' : ''}`), s.candidatePods, s.candidateTraffic])).toEqual([
      ['hold', ['shop=10:stable', 'shop-canary=0:candidate'], 0, 0],
      ['canary', ['shop=9:stable', 'shop-canary=1:candidate'], 1, 10],
      ['percent-50', ['shop=5:stable', 'shop-canary=5:candidate'], 5, 50],
      ['complete', ['shop=10:candidate:rolls', 'shop-canary=0:candidate'], 10, 100],
    ]);
    const md = fs.readFileSync(path.join(r.dir, 'PLAN.md'), 'utf-8');
    expect(md).toContain('a rolling update with at most 13 pods and at least 10 available (maxSurge 3, rounded up; maxUnavailable 0, rounded down)');
    expect(md).toContain('| 01-canary | 9 × old | 1 × **new** | shop + shop-canary | 1 of 10 | 10% |');
  });

  test('promotion is a one-line diff of the root; status and the CLI say what the next stage changes', () => {
    const before = readTree(r.dir);
    const result = r.promote();
    expect(result.message).toBe('Promoted from hold to canary: shop 10 -> 9 replicas, shop-canary 0 -> 1 replica.');
    expect(result.partition).toBeUndefined();
    expect(result.changedFiles).toEqual(['PLAN.md', 'kustomization.yaml', 'plan.json']);
    const after = readTree(r.dir);
    expect(after['kustomization.yaml']).toBe(before['kustomization.yaml'].replace('stages/00-hold', 'stages/01-canary'));
    const s = r.open().status();
    expect(s).toMatchObject({ kind: 'Deployment', activeStage: 'canary', candidatePods: 1, candidateTraffic: 10, updatedPods: ['1 pod of shop-canary'], nextStage: 'percent-50', nextMoves: ['shop 9 -> 5 replicas', 'shop-canary 1 -> 5 replicas'] });
    expect(s.partition).toBeUndefined();
    let out = '';
    const code = runCli(['status', r.dir], { stdout: t => { out += t; }, stderr: t => { out += t; }, readStdin: () => '' });
    expect(code).toBe(0);
    expect(out).toContain('traffic:   10% to the candidate');
    expect(out).toContain('next:      percent-50: shop 9 -> 5 replicas, shop-canary 1 -> 5 replicas');
  });

  test('a new template mid-rollout is refused, naming the pods on each revision; nothing changes', () => {
    const before = readTree(r.outdir);
    const state = fs.readFileSync(path.join(r.root, 'rollout-state', 'shop.json'), 'utf-8');
    expect(() => r.synth(props('v3', { canary: {} }))).toThrow(/1 pod of shop-canary would move from candidate [0-9a-f]{10} straight to [0-9a-f]{10}, and 9 pods of shop would stay on stable [0-9a-f]{10}/);
    expect(readTree(r.outdir)).toEqual(before);
    expect(fs.readFileSync(path.join(r.root, 'rollout-state', 'shop.json'), 'utf-8')).toBe(state);
  });

  test('reverting the code aborts: the canary scales to 0 and the stable Deployment keeps v1', () => {
    r.synth(props('v1', { canary: {} }));
    const plan = r.plan();
    expect(plan.activeStage).toBe('complete');
    expect(plan.notes[0]).toMatch(/^Aborted: candidate [0-9a-f]{10} \(web=registry.example.com\/shop:v2\) was at stage canary\. The template is back at the stable revision [0-9a-f]{10} and 1 pod of shop-canary go back to it: the canary scales to 0 and shop runs every replica on the stable template\.$/);
    expect(summary(kustomizeBuild(r.dir))).toEqual({
      'Service/shop': { app: 'shop' },
      'Deployment/shop': [10, image('v1'), { app: 'shop', track: 'stable' }],
      'Deployment/shop-canary': [0, image('v1'), { app: 'shop', track: 'canary' }],
    });
  });

  test('a selector change is refused (the API server says the field is immutable) unless allowRecreate', () => {
    const more = { selectorLabels: { app: 'shop2' } };
    expect(() => r.synth(props('v1', { canary: {} }, more))).toThrow('shop.spec.selector, shop-canary.spec.selector of Deployment "shop" changed since the committed tree: the API server rejects the update ("spec.selector: Invalid value: ...: field is immutable") and Argo CD or Flux would retry and fail forever. Revert the change, or recreate the Deployment: set rollout.allowRecreate, then delete the Deployments shop, shop-canary before the sync (`kubectl delete deployment shop shop-canary`: their pods stop and the new Deployments start fresh ones), or sync with Argo CD\'s `Replace=true` sync option or Flux `force: true`');
    r.synth(props('v1', { canary: {}, allowRecreate: true }, more));
    // the selector labels are on the pods too: the template changed, so a new rollout starts at hold
    expect(r.plan().notes[0]).toBe('Recreate required: shop.spec.selector, shop-canary.spec.selector changed. Before this commit syncs, run `kubectl delete deployment shop shop-canary`, or sync with Argo CD\'s `Replace=true` sync option or Flux `force: true`.');
    expect(r.plan().notes[1]).toMatch(/^New rollout: stable [0-9a-f]{10} \(web=registry.example.com\/shop:v1\), candidate [0-9a-f]{10} /);
    expect(r.plan().activeStage).toBe('hold');
  });

  test('the same input gives byte-identical trees', () => {
    const a = repo();
    const b = repo();
    for (const x of [a, b]) {
      x.synth(props('v1', { canary: {} }));
      x.synth(props('v2', { canary: {} }));
    }
    expect(readTree(a.outdir)).toEqual(readTree(b.outdir));
  });
});

describe('blue/green: two colours, a Service that switches and a preview Service', () => {
  const r = repo();
  r.synth(props('v1', { blueGreen: {} }, { replicas: 3 }));
  const first = r.plan();
  r.synth(props('v2', { blueGreen: {} }, { replicas: 3 }));
  const blue = { app: 'shop', color: 'blue' };
  const green = { app: 'shop', color: 'green' };

  test('the first synth runs v1 on blue, the Service on blue, green at 0', () => {
    expect(first.activeStage).toBe('cleanup');
    expect(first.candidateColor).toBe('blue');
  });

  test('each stage: replicas of both colours and the selector of both Services', () => {
    const expected: { [stage: string]: unknown } = {
      '00-hold': { 'Service/shop': blue, 'Service/shop-preview': green, 'Deployment/shop-blue': [3, image('v1'), blue], 'Deployment/shop-green': [0, image('v2'), green] },
      '01-preview': { 'Service/shop': blue, 'Service/shop-preview': green, 'Deployment/shop-blue': [3, image('v1'), blue], 'Deployment/shop-green': [3, image('v2'), green] },
      '02-switch': { 'Service/shop': green, 'Service/shop-preview': blue, 'Deployment/shop-blue': [3, image('v1'), blue], 'Deployment/shop-green': [3, image('v2'), green] },
      '03-cleanup': { 'Service/shop': green, 'Service/shop-preview': blue, 'Deployment/shop-blue': [0, image('v1'), blue], 'Deployment/shop-green': [3, image('v2'), green] },
    };
    expect(fs.readdirSync(path.join(r.dir, 'stages'))).toEqual(Object.keys(expected));
    for (const [stage, want] of Object.entries(expected)) {
      const objects = kustomizeBuild(path.join(r.dir, 'stages', stage));
      expect([stage, summary(objects)]).toEqual([stage, want]);
      expect([stage, schemaProblems(objects)]).toEqual([stage, []]);
    }
    expect(r.plan().stages.map((s: any) => [s.name, s.candidatePods, s.stablePods, s.candidateTraffic])).toEqual([
      ['hold', 0, 3, 0], ['preview', 3, 3, 0], ['switch', 3, 3, 100], ['cleanup', 3, 0, 100],
    ]);
  });

  test('preview, then switch: the Service moves to green, the preview Service to blue', () => {
    expect(r.promote().message).toBe('Promoted from hold to preview: shop-green 0 -> 3 replicas.');
    expect(r.promote().message).toBe('Promoted from preview to switch: Service shop -> shop-green, Service shop-preview -> shop-blue.');
  });

  test('the gate judges both Deployments and the Services against the active stage', () => {
    const built = kustomizeBuild(r.dir);
    const live = (mutate: (o: any) => void = () => {}) => JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: built.map(o => {
        const copy = JSON.parse(JSON.stringify(o));
        copy.metadata.generation = 2;
        if (copy.kind === 'Deployment') {
          const n = copy.spec.replicas;
          copy.status = { observedGeneration: 2, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n };
        }
        mutate(copy);
        return copy;
      }),
    });
    const dir = r.open();
    expect(dir.gate(live())).toEqual({ converged: true, exitCode: 0, reason: 'stage switch converged: shop-blue 3 of 3 available, shop-green 3 of 3 available' });
    expect(dir.gate(live(o => { if (o.kind === 'Service' && o.metadata.name === 'shop') o.spec.selector.color = 'blue'; })))
      .toEqual({ converged: false, exitCode: 1, reason: 'not synced yet: the live Service shop selects color="blue", the active stage switch selects green' });
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-green') o.status.availableReplicas = 2; })))
      .toEqual({ converged: false, exitCode: 1, reason: 'Deployment shop-green: 2 of 3 updated replicas are available' });
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-green') { o.status.replicas = 4; } })))
      .toEqual({ converged: false, exitCode: 1, reason: 'Deployment shop-green: 1 old replicas are pending termination' });
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-blue') o.status.observedGeneration = 1; })).reason)
      .toBe('Deployment shop-blue: the controller has not observed the spec yet (observedGeneration 1 < generation 2)');
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-green') o.status.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "shop-green-5d" has timed out progressing.' }]; })).reason)
      .toBe('Deployment shop-green exceeded its progress deadline (Argo CD shows it Degraded): ReplicaSet "shop-green-5d" has timed out progressing.; abort, or fix the candidate and synth again');
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-green') o.spec.replicas = 0; })).reason)
      .toBe('not synced yet: the live Deployment shop-green has 0 replicas, the active stage switch has 3');
    expect(dir.gate(live(o => { if (o.metadata.name === 'shop-green') o.spec.template.spec.containers[0].image = image('v1'); })).reason)
      .toBe(`not synced yet: the live Deployment shop-green runs web=${image('v1')}, the active stage has web=${image('v2')} (the candidate revision)`);
    expect(dir.gate(JSON.stringify({ kind: 'List', items: [] }))).toMatchObject({ exitCode: 2 });
    expect(dir.gate('{"kind":"Deployment"}')).toMatchObject({ exitCode: 2 });
  });

  test('abort from the tree: the Service goes back to blue, green scales to 0, the stable colour runs the candidate again', () => {
    const result = r.open().abort();
    expect(result.from).toBe('switch');
    expect(result.to).toBe('cleanup');
    expect(result.message).toMatch(/^Aborted: candidate [0-9a-f]{10} \(web=registry.example.com\/shop:v2\) was at stage switch\. The template is back at the stable revision [0-9a-f]{10} and Service shop goes back to shop-blue, which still runs it; 3 pods of shop-green scale to 0\. Revert the template in code too/);
    expect(summary(kustomizeBuild(r.dir))).toEqual({
      'Service/shop': blue,
      'Service/shop-preview': green,
      'Deployment/shop-blue': [3, image('v1'), blue],
      'Deployment/shop-green': [0, image('v1'), green],
    });
    expect(r.plan().candidateColor).toBe('blue');
    expect(r.stateOf().candidateColor).toBe('blue');
    // the tree is consistent: it opens, and the code (still v2) starts a new rollout on green
    r.synth(props('v2', { blueGreen: {} }, { replicas: 3 }));
    expect(r.plan().activeStage).toBe('hold');
    expect(r.plan().candidateColor).toBe('green');
    expect(summary(kustomizeBuild(r.dir))['Deployment/shop-green']).toEqual([0, image('v2'), green]);
  });

  test('after cleanup the next template goes to the other colour', () => {
    r.promote('cleanup');
    r.synth(props('v3', { blueGreen: {} }, { replicas: 3 }));
    expect(r.plan().candidateColor).toBe('blue');
    expect(summary(kustomizeBuild(path.join(r.dir, 'stages', '02-switch')))).toEqual({
      'Service/shop': blue,
      'Service/shop-preview': green,
      'Deployment/shop-blue': [3, image('v3'), blue],
      'Deployment/shop-green': [3, image('v2'), green],
    });
  });

  test('a stage pinned in code cannot be promoted', () => {
    const p = repo();
    p.synth(props('v1', { blueGreen: {} }, { replicas: 2 }));
    p.synth(props('v2', { blueGreen: {}, activeStage: 'preview' }, { replicas: 2 }));
    expect(p.plan().activeStage).toBe('preview');
    expect(() => p.open().promote({ codeCheck: false })).toThrow('the active stage of shop is pinned in code (rollout.activeStage = "preview"): change the pin in code and run cdk8s synth instead');
  });
});

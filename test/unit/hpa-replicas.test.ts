import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import {
  AdoptedStatefulSet, ArgoCdApplication, ArgoCdApplicationSet, DeploymentApp, DeploymentRolloutStrategy, RolloutPlan, StageSize,
  StatefulApp, StatefulSetBackend,
} from '../../src';
import { RolloutDirectory } from '../../src/app/rollout-directory';
import { crdProblems } from '../support/crd-schema';
import { schemaProblems } from '../support/k8s-schema';
import { stagedApp } from '../support/synth';

const containers = [{ name: 'web', image: 'nginx:1.27' }];
const served = [{ name: 'api', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }];
const plan = RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(60)] });
const repoUrl = 'https://git.example.com/platform/deploy.git';

function yamlOf(file: string): any {
  return parse(fs.readFileSync(file, 'utf-8'));
}

describe('replicasManagedByHpa on a StatefulApp', () => {
  test('base/ has no spec.replicas, the stages patch only the partition, plan.json and PLAN.md say the HPA owns replicas', () => {
    const { app, outdir } = stagedApp({ name: 'web', replicas: 5, containers, replicasManagedByHpa: true, rollout: { plan } });
    app.synth();
    const dir = path.join(outdir, 'web');
    const sts = yamlOf(path.join(dir, 'base', 'statefulset-web.yaml'));
    expect(sts.spec.replicas).toBeUndefined();
    expect(Object.keys(sts.spec)).toEqual(['selector', 'serviceName', 'template', 'updateStrategy']);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    expect(schemaProblems([sts])).toEqual([]);
    const stages = fs.readdirSync(path.join(dir, 'stages')).sort();
    expect(stages).toEqual(['00-hold', '01-canary', '02-percent-60', '03-complete']);
    const patches = stages.map(s => yamlOf(path.join(dir, 'stages', s, 'kustomization.yaml')).patches.map((p: any) => parse(p.patch)));
    expect(patches).toEqual([
      [[{ op: 'replace', path: '/spec/updateStrategy/rollingUpdate/partition', value: 2147483647 }]],
      [[{ op: 'replace', path: '/spec/updateStrategy/rollingUpdate/partition', value: 4 }]],
      [[{ op: 'replace', path: '/spec/updateStrategy/rollingUpdate/partition', value: 2 }]],
      [[{ op: 'replace', path: '/spec/updateStrategy/rollingUpdate/partition', value: 0 }]],
    ]);
    const planJson = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8'));
    expect(planJson.replicas).toBe(5);
    expect(planJson.replicasManagedByHpa).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'PLAN.md'), 'utf-8')).toContain('- replicas: owned by a HorizontalPodAutoscaler (the StatefulSet is written without `spec.replicas`); the table counts 5; at more replicas every stage but hold runs `replicas - partition` pods on the new revision, more than the table shows, and the gate judges the live count');
  });

  test('without the prop, spec.replicas is written and plan.json has no replicasManagedByHpa', () => {
    const { app, outdir } = stagedApp({ name: 'web', replicas: 5, containers, rollout: { plan } });
    app.synth();
    const dir = path.join(outdir, 'web');
    expect(yamlOf(path.join(dir, 'base', 'statefulset-web.yaml')).spec.replicas).toBe(5);
    expect('replicasManagedByHpa' in JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'PLAN.md'), 'utf-8')).not.toContain('HorizontalPodAutoscaler');
  });

  test('the Advanced StatefulSet is written without spec.replicas too, valid against its CRD', () => {
    const c = Testing.chart();
    const sts = new StatefulApp(c, 'web', { replicas: 4, containers, replicasManagedByHpa: true, backend: StatefulSetBackend.kruise({}) });
    const obj = sts.statefulSet.toJson();
    expect(obj.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(obj.spec.replicas).toBeUndefined();
    expect(crdProblems(obj)).toEqual([]);
    expect(sts.workloads).toEqual([{ apiVersion: 'apps.kruise.io/v1beta1', kind: 'StatefulSet', name: 'web', replicasManagedByHpa: true }]);
  });

  test('refuses a replicasManagedByHpa that is not a boolean', () => {
    expect(() => new StatefulApp(Testing.chart(), 'web', { containers, replicasManagedByHpa: 'yes' as any })).toThrow('replicasManagedByHpa ("yes") must be true or false');
  });
});

describe('the gate judges the live replicas when an HPA owns them', () => {
  const live = (replicas: number, partition: number, updated: number, ready = replicas) => JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', generation: 3 },
    spec: { replicas, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } }, template: { spec: { containers } } },
    status: { observedGeneration: 3, replicas, readyReplicas: ready, updatedReplicas: updated },
  });
  const openAt = (stage: string, hpa: boolean) => {
    const { app, outdir } = stagedApp({ name: 'web', replicas: 5, containers, replicasManagedByHpa: hpa || undefined, rollout: { plan, activeStage: stage } });
    app.synth();
    return RolloutDirectory.open(path.join(outdir, 'web'));
  };

  test('scaled up to 8 at the canary (partition 4): 4 pods must be updated', () => {
    const dir = openAt('canary', true);
    expect(dir.gate(live(8, 4, 3))).toEqual({ converged: false, exitCode: 1, reason: '3 of 4 pods updated' });
    expect(dir.gate(live(8, 4, 4))).toEqual({ converged: true, exitCode: 0, reason: 'stage canary converged: 4 of 8 pods updated, 8 of 8 ready (8 replicas set by the HPA, the plan counts 5)' });
    expect(dir.gate(live(8, 4, 4, 7))).toEqual({ converged: false, exitCode: 1, reason: '7 of 8 pods ready' });
    expect(dir.gate(live(5, 4, 1))).toEqual({ converged: true, exitCode: 0, reason: 'stage canary converged: 1 of 5 pods updated, 5 of 5 ready' });
  });

  test('scaled down to the partition: no pod would run the candidate, the gate waits', () => {
    const dir = openAt('canary', true);
    expect(dir.gate(live(4, 4, 0))).toEqual({
      converged: false,
      exitCode: 1,
      reason: 'the HPA holds 4 replicas, not above the partition 4 of stage canary: no pod runs the candidate, so the stage cannot be judged until replicas grow above 4',
    });
  });

  test('the hold converges at any replica count', () => {
    const dir = openAt('hold', true);
    expect(dir.gate(live(9, 2147483647, 0))).toEqual({ converged: true, exitCode: 0, reason: 'stage hold converged: hold: no pod updates, 9 of 9 ready (9 replicas set by the HPA, the plan counts 5)' });
  });

  test('without the prop, other live replicas still wait for Git', () => {
    const dir = openAt('canary', false);
    expect(dir.gate(live(8, 4, 4))).toEqual({
      converged: false,
      exitCode: 1,
      reason: 'the live spec.replicas (8) is not the plan\'s 5: the StatefulSet was scaled outside Git, or the agent has not synced yet; a stage is judged only at the replicas it was planned for',
    });
  });
});

describe('replicasManagedByHpa on an AdoptedStatefulSet and a DeploymentApp', () => {
  const adopted = (spec: any) => {
    const c = Testing.chart();
    const sts = new ApiObject(c, 'sts', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'pg' },
      spec: { serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } }, ...spec },
    });
    return { c, sts };
  };

  test('the adopted StatefulSet keeps its replicas as the plan\'s count and loses them in the output', () => {
    const { c, sts } = adopted({ replicas: 3 });
    const a = new AdoptedStatefulSet(c, 'pg', { statefulSet: sts, plan: RolloutPlan.canary(), replicasManagedByHpa: true });
    expect(a.replicas).toBe(3);
    expect(a.stages.map(s => s.partition)).toEqual([2147483647, 2, 1, 0]);
    expect(sts.toJson().spec.replicas).toBeUndefined();
    expect(sts.toJson().spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    expect(a.workloads).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'pg', replicasManagedByHpa: true }]);
  });

  test('the adopted StatefulSet without spec.replicas is refused: the plan has nothing to count', () => {
    const { c, sts } = adopted({});
    expect(() => new AdoptedStatefulSet(c, 'pg', { statefulSet: sts, plan: RolloutPlan.canary(), replicasManagedByHpa: true }))
      .toThrow('statefulSet test/sts: spec.replicas is absent: with replicasManagedByHpa the plan counts the pods of spec.replicas, so set it on the object (the number the HPA usually runs); it is removed from the output');
  });

  test('a DeploymentApp without a rollout is written without spec.replicas', () => {
    const c = Testing.chart();
    const d = new DeploymentApp(c, 'api', { containers: served, replicasManagedByHpa: true });
    const obj = d.primary.toJson();
    expect(Object.keys(obj.spec)).toEqual(['selector', 'template']);
    expect(schemaProblems([obj])).toEqual([]);
  });

  test.each([
    ['canary', DeploymentRolloutStrategy.canary({})],
    ['blue/green', DeploymentRolloutStrategy.blueGreen({})],
  ])('a DeploymentApp with a %s rollout is refused: its stages write replicas', (_name, strategy) => {
    expect(() => new DeploymentApp(Testing.chart(), 'api', { containers: served, replicasManagedByHpa: true, rollout: { strategy } }))
      .toThrow('replicasManagedByHpa (true) cannot be set with a rollout: a canary or blue/green rollout scales its Deployments at every stage (each stage writes spec.replicas of both), which an HPA would fight; let an HPA own the replicas of a DeploymentApp without a rollout, or leave replicasManagedByHpa out');
  });
});

describe('ignoreReplicasOf on the Argo CD objects', () => {
  test('an Application: one entry per workload after the given ones, and RespectIgnoreDifferences=true', () => {
    const c = new Chart(Testing.app(), 'apps', { namespace: 'shop' });
    const web = new StatefulApp(c, 'web', { containers, replicasManagedByHpa: true, backend: StatefulSetBackend.kruise({}) });
    const api = new DeploymentApp(c, 'api', { containers: served, replicasManagedByHpa: true });
    new ArgoCdApplication(c, 'argo', {
      name: 'shop',
      repoUrl,
      path: 'dist/shop',
      syncOptions: ['ServerSideApply=true'],
      ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data'] }],
      ignoreReplicasOf: [web, api],
    });
    const obj = Testing.synth(c).find(o => o.kind === 'Application')!;
    expect(obj.spec.ignoreDifferences).toEqual([
      { kind: 'ConfigMap', jsonPointers: ['/data'] },
      { group: 'apps.kruise.io', kind: 'StatefulSet', name: 'web', namespace: 'shop', jsonPointers: ['/spec/replicas'] },
      { group: 'apps', kind: 'Deployment', name: 'api', namespace: 'shop', jsonPointers: ['/spec/replicas'] },
    ]);
    expect(obj.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'RespectIgnoreDifferences=true'] });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('an ApplicationSet: the entry and the sync option in the template; manual sync keeps them', () => {
    const c = Testing.chart();
    const web = new StatefulApp(c, 'web', { containers, replicasManagedByHpa: true });
    new ArgoCdApplicationSet(c, 'fleet', { repoUrl, path: 'dist/web', clusters: [{ name: 'eu', server: 'https://eu' }], automated: false, ignoreReplicasOf: [web] });
    const obj = Testing.synth(c).find(o => o.kind === 'ApplicationSet')!;
    expect(obj.spec.template.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'StatefulSet', name: 'web', jsonPointers: ['/spec/replicas'] }]);
    expect(obj.spec.template.spec.syncPolicy).toEqual({ syncOptions: ['RespectIgnoreDifferences=true'] });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('RespectIgnoreDifferences=true given already is not repeated', () => {
    const c = Testing.chart();
    const web = new StatefulApp(c, 'web', { containers, replicasManagedByHpa: true });
    new ArgoCdApplication(c, 'argo', { repoUrl, path: 'dist/web', syncOptions: ['RespectIgnoreDifferences=true'], ignoreReplicasOf: [web] });
    expect(Testing.synth(c).find(o => o.kind === 'Application')!.spec.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true']);
  });

  test.each([
    ['a workload whose replicas the library writes', (c: Chart) => ({ ignoreReplicasOf: [new StatefulApp(c, 'web', { containers, rollout: { plan } })] }),
      'ignoreReplicasOf[0] (StatefulSet "web") must have replicasManagedByHpa: true: the library writes its spec.replicas (a rollout\'s stages may change them), and ignoring them would leave that change unapplied'],
    ['an empty list', () => ({ ignoreReplicasOf: [] }), 'ignoreReplicasOf ([]) must list at least one app, or be left out'],
    ['RespectIgnoreDifferences turned off', (c: Chart) => ({ syncOptions: ['RespectIgnoreDifferences=false'], ignoreReplicasOf: [new StatefulApp(c, 'web', { containers, replicasManagedByHpa: true })] }),
      'syncOptions (["RespectIgnoreDifferences=false"]) must not turn RespectIgnoreDifferences off with ignoreReplicasOf: the sync would apply the manifest without the ignored replicas and remove them'],
  ])('refuses %s', (_name, options, message) => {
    const c = Testing.chart();
    expect(() => new ArgoCdApplication(c, 'argo', { repoUrl, path: 'dist/web', ...options(c) })).toThrow(message);
  });
});

test('of the committed examples only dist/web-hpa sets replicasManagedByHpa; every other StatefulSet writes its replicas', () => {
  const dist = path.join(__dirname, '..', '..', 'dist');
  const files = fs.readdirSync(dist, { recursive: true }).map(String);
  const plans = files.filter(f => f.endsWith('plan.json')).map(f => [f.split(path.sep)[0], JSON.parse(fs.readFileSync(path.join(dist, f), 'utf-8'))]);
  expect(plans.length).toBeGreaterThan(5);
  expect(plans.filter(([, p]) => 'replicasManagedByHpa' in p).map(([d, p]) => [d, p.replicasManagedByHpa])).toEqual([['web-hpa', true]]);
  const sts = files.filter(f => /base\/statefulset-[^/]+\.yaml$/.test(f))
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf-8')).map(d => d.toJS()));
  expect(sts.length).toBeGreaterThan(5);
  expect(sts.filter(o => o.spec.replicas === undefined).map(o => o.metadata.name)).toEqual(['web-hpa']);
});

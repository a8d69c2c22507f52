import * as path from 'path';
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import {
  ContainerProps, DeploymentApp, RolloutDirectory, DeploymentStrategy, PercentOrAbsolute, PodManagementPolicy, RolloutPlan,
  StagedApp, StageSize, StatefulApp, StatefulAppProps, StatefulSetBackend, UpdatePriority,
} from '../../../src';
import { resolveFenceposts } from '../../../src/core/fenceposts';
import { schemaProblems } from '../../support/k8s-schema';
import { podSecurityViolations } from '../../support/pod-security';
import { tempDir } from '../../support/synth';

const HOLD = 2147483647;
const SEED = 20261122;

/** A random valid plan for `replicas`. */
const planArb = (replicas: number): fc.Arbitrary<{ plan: RolloutPlan; label: string }> => fc.oneof(...[
  fc.constant({ plan: RolloutPlan.staged(), label: 'staged' }),
  fc.record({ first: fc.integer({ min: 1, max: 4 }), pct: fc.integer({ min: 1, max: 99 }) })
    .map(({ first, pct }) => ({ plan: RolloutPlan.canary({ canary: StageSize.pods(first), steps: [StageSize.percent(pct)] }), label: `canary ${first} ${pct}%` })),
  fc.oneof(fc.integer({ min: 1, max: 4 }).map(n => StageSize.pods(n)), fc.integer({ min: 5, max: 60 }).map(p => StageSize.percent(p)))
    .map(step => ({ plan: RolloutPlan.linear({ step }), label: `linear ${step}` })),
  fc.integer({ min: 2, max: 4 }).map(factor => ({ plan: RolloutPlan.exponential({ factor }), label: `exponential ${factor}` })),
  // explicit stages need room between hold and complete: at least 2 replicas
  ...(replicas >= 2 ? [fc.subarray(Array.from({ length: replicas - 1 }, (_, i) => i + 1), { minLength: 1 })
    .map(counts => ({ plan: RolloutPlan.fromStages(counts.map((c, i) => ({ name: `s${i + 1}`, size: StageSize.pods(c) }))), label: `stages ${counts}` }))] : []),
] as Array<fc.Arbitrary<{ plan: RolloutPlan; label: string }>>);

/** A random valid StatefulApp with a rollout. */
const configArb = fc.record({
  name: fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/),
  replicas: fc.integer({ min: 0, max: 9 }),
  ordinalsStart: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  containers: fc.integer({ min: 1, max: 3 }),
  ports: fc.boolean(),
  claims: fc.integer({ min: 0, max: 2 }),
  policy: fc.option(fc.constantFrom(PodManagementPolicy.ORDERED_READY, PodManagementPolicy.PARALLEL), { nil: undefined }),
  kruise: fc.constantFrom('no', 'plain', 'weight', 'reserved'),
  namespace: fc.option(fc.constantFrom('shop', 'db'), { nil: undefined }),
  image: fc.constantFrom('nginx:1.27', 'registry.example.com/team/app:2.0.1', 'postgres@sha256:' + 'a'.repeat(64)),
}).chain(c => planArb(c.replicas).map(p => ({ ...c, ...p })));

type Config = fc.Arbitrary<any> extends fc.Arbitrary<infer T> ? T : never;

function props(c: Config): StatefulAppProps {
  const containers: ContainerProps[] = Array.from({ length: c.containers }, (_, i) => ({
    name: `c${i}`,
    image: c.image,
    ports: c.ports ? [{ name: `http${i}`, containerPort: 8080 + i }] : undefined,
    volumeMounts: i === 0 && c.claims > 0 ? Array.from({ length: c.claims }, (_x, k) => ({ name: `data${k}`, mountPath: `/data/${k}` })) : undefined,
  }));
  const kruise = c.kruise === 'no' ? undefined
    : c.kruise === 'plain' ? StatefulSetBackend.kruise()
      : c.kruise === 'weight' ? StatefulSetBackend.kruise({ priority: UpdatePriority.weight([{ weight: 50, matchLabels: { role: 'idle' } }]), previewPodLabels: [] })
        : StatefulSetBackend.kruise({ reserveOrdinals: ['1', '3-4'] });
  return {
    name: c.name,
    replicas: c.replicas,
    ordinalsStart: c.ordinalsStart,
    containers,
    volumeClaimTemplates: Array.from({ length: c.claims }, (_, k) => ({ name: `data${k}`, storage: `${k + 1}Gi` })),
    podManagementPolicy: c.kruise === 'weight' ? PodManagementPolicy.PARALLEL : c.policy,
    backend: kruise,
    rollout: { plan: c.plan },
  };
}

function render(c: Config): { [file: string]: string } {
  const root = tempDir('prop-');
  const app = new StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'state') });
  new StatefulApp(new Chart(app, 'chart', { namespace: c.namespace }), 'app', props(c));
  return app.renderFiles()[c.name];
}

describe('invariants over random valid configurations', () => {
  const collected: any[] = [];
  let generated = 0;

  test('every synth: selector, serviceName, hold first, 0 last, decreasing partitions, the controller rule, restricted pods, byte-identical twice', () => {
    fc.assert(fc.property(configArb, c => {
      generated++;
      const files = render(c);
      expect(render(c)).toEqual(files);
      const plan = JSON.parse(files['plan.json']);
      const base = parse(files['base/kustomization.yaml']).resources.map((f: string) => parse(files[`base/${f}`]));
      const sts = base.find((o: any) => o.kind === 'StatefulSet');
      const svc = base.find((o: any) => o.kind === 'Service');
      collected.push(sts, svc);

      for (const [k, v] of Object.entries(sts.spec.selector.matchLabels)) expect(sts.spec.template.metadata.labels[k]).toBe(v);
      expect(sts.spec.serviceName).toBe(svc.metadata.name);
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
      expect(podSecurityViolations(sts.spec.template)).toEqual([]);
      expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(HOLD);

      const stages = plan.stages;
      expect(stages[0]).toMatchObject({ name: 'hold', partition: HOLD, updatedOrdinals: [] });
      expect(stages[stages.length - 1]).toMatchObject({ name: 'complete', partition: 0, updatedOrdinals: plan.podOrdinals });
      expect(plan.podOrdinals.length).toBe(c.replicas);
      for (let i = 1; i < stages.length; i++) expect(stages[i].partition).toBeLessThan(stages[i - 1].partition);
      const start = c.ordinalsStart ?? 0;
      for (const s of stages) {
        if (c.kruise === 'no') {
          // kube-controller-manager: a pod is updated when ordinal >= ordinals.start + partition
          expect(s.updatedOrdinals).toEqual(plan.podOrdinals.filter((o: number) => !(o < start + s.partition)));
        } else {
          // Kruise: replicas - partition pods (partition counts the pods kept), among the pods
          expect(s.updatedOrdinals.length).toBe(Math.max(0, Math.min(c.replicas, c.replicas - s.partition)));
          for (const o of s.updatedOrdinals) expect(plan.podOrdinals).toContain(o);
        }
        const overlay = parse(files[`${s.directory}/kustomization.yaml`]);
        expect(overlay.resources).toEqual(['../../base']);
        expect(overlay.patches.length).toBe(1);
        expect(parse(overlay.patches[0].patch)).toEqual([{ op: 'replace', path: '/spec/updateStrategy/rollingUpdate/partition', value: s.partition }]);
      }
    }), { numRuns: 1500, seed: SEED });
    expect(generated).toBe(1500);
  });

  test('every object of those synths validates against the Kubernetes and Kruise schemas', () => {
    expect(collected.length).toBe(3000);
    expect(schemaProblems(collected)).toEqual([]);
  });

  test('plans alone: thousands more resolutions follow the controller rule', () => {
    let runs = 0;
    const arb = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 9 }))
      .chain(([replicas, start]) => planArb(replicas).map(p => ({ replicas, start, plan: p.plan })));
    fc.assert(fc.property(arb, ({ replicas, start, plan }) => {
      runs++;
      const stages = plan.resolve(replicas, start);
      expect(stages[0].partition).toBe(HOLD);
      expect(stages[stages.length - 1].partition).toBe(0);
      stages.forEach((s, i) => {
        if (i > 0) expect(s.partition).toBeLessThan(stages[i - 1].partition);
        const expected = Array.from({ length: replicas }, (_, k) => start + k).filter(o => o >= start + s.partition);
        expect(s.updatedOrdinals).toEqual(expected);
        if (i > 0 && i < stages.length - 1) {
          expect(s.updatedOrdinals.length).toBeGreaterThanOrEqual(1);
          expect(s.updatedOrdinals.length).toBeLessThanOrEqual(replicas - 1);
        }
      });
    }), { numRuns: 3000, seed: SEED });
    expect(runs).toBe(3000);
  });
});

/** A random valid DeploymentApp with a canary or blue/green rollout, synthesized over a random history. */
const pctOrAbs = fc.oneof(fc.integer({ min: 0, max: 5 }).map(n => PercentOrAbsolute.absolute(n)), fc.integer({ min: 0, max: 100 }).map(n => PercentOrAbsolute.percent(n)));
const deploymentArb = fc.record({
  name: fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/),
  replicas: fc.integer({ min: 0, max: 12 }),
  style: fc.constantFrom('canary', 'blueGreen'),
  surge: pctOrAbs,
  unavailable: pctOrAbs,
  recreate: fc.boolean(),
  namespace: fc.option(fc.constantFrom('shop', 'web'), { nil: undefined }),
  // the images of successive synths, and promotions between them
  history: fc.array(fc.record({ tag: fc.constantFrom('1', '2', '3'), promotions: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 4 }),
}).filter(c => c.recreate || c.surge.value !== 0 || c.unavailable.value !== 0)
  .chain(c => planArb(c.replicas).map(p => ({ ...c, ...p })));

describe('invariants over random Deployment rollouts', () => {
  const collected: any[] = [];

  test('every synth: the split adds up to replicas, selectors match their own pods, one stage per overlay, byte-identical twice', () => {
    let runs = 0;
    fc.assert(fc.property(deploymentArb, c => {
      runs++;
      const root = tempDir('prop-deploy-');
      const outdir = path.join(root, 'dist');
      const build = (tag: string) => {
        const app = new StagedApp({ outdir, stateDirectory: path.join(root, 'state') });
        new DeploymentApp(new Chart(app, 'chart', { namespace: c.namespace }), 'app', {
          name: c.name,
          replicas: c.replicas,
          strategy: c.recreate ? DeploymentStrategy.recreate() : DeploymentStrategy.rollingUpdate({ maxSurge: c.surge, maxUnavailable: c.unavailable }),
          containers: [{ name: 'web', image: `registry.example.com/app:${tag}`, ports: [{ name: 'http', containerPort: 8080 }] }],
          rollout: c.style === 'canary' ? { canary: { plan: c.plan }, allowSupersede: true } : { blueGreen: {}, allowSupersede: true },
        });
        return app;
      };
      for (const step of c.history) {
        const files = build(step.tag).renderFiles()[c.name];
        expect(build(step.tag).renderFiles()[c.name]).toEqual(files);
        build(step.tag).synth();
        for (let k = 0; k < step.promotions; k++) {
          const dir = RolloutDirectory.open(path.join(outdir, c.name));
          if (dir.status().nextStage === undefined) break;
          dir.promote({ codeCheck: false });
        }
      }
      const files = build(c.history[c.history.length - 1].tag).renderFiles()[c.name];
      const plan = JSON.parse(files['plan.json']);
      const base = parse(files['base/kustomization.yaml']).resources.map((f: string) => parse(files[`base/${f}`]));
      collected.push(...base);
      for (const d of base.filter((o: any) => o.kind === 'Deployment')) {
        expect(d.spec.template.metadata.labels).toEqual(d.spec.selector.matchLabels);
        expect(podSecurityViolations(d.spec.template)).toEqual([]);
      }
      const f = plan.layout.fenceposts;
      if (f !== null) {
        expect(f).toEqual(resolveFenceposts(c.surge, c.unavailable, c.replicas));
        expect(f.maxSurge + f.maxUnavailable).toBeGreaterThanOrEqual(1);
      }
      plan.stages.forEach((s: any, i: number) => {
        const total = s.deployments.reduce((n: number, d: any) => n + d.replicas, 0);
        if (c.style === 'canary') {
          expect(total).toBe(c.replicas);
          expect(s.candidatePods + s.stablePods).toBe(c.replicas);
          if (i > 0 && c.replicas > 0) expect(s.candidatePods).toBeGreaterThan(plan.stages[i - 1].candidatePods);
          expect(s.services).toEqual([{ name: plan.serviceName, selects: plan.layout.deployments, color: null }]);
        } else {
          expect(total).toBe(s.candidatePods + s.stablePods);
          // the Service always selects exactly one colour, the preview Service the other
          expect(s.services.map((v: any) => v.color).sort()).toEqual(['blue', 'green']);
          expect(s.candidateTraffic).toBe(i >= 2 && c.replicas > 0 ? 100 : 0);
        }
        const overlay = parse(files[`${s.directory}/kustomization.yaml`]);
        expect(overlay.resources).toEqual(['../../base']);
        for (const p of overlay.patches) {
          for (const op of parse(p.patch)) expect(op.op).toBe('replace');
        }
      });
      expect(plan.stages.map((s: any) => s.name)).toContain(plan.activeStage);
    }), { numRuns: 200, seed: SEED });
    expect(runs).toBe(200);
  });

  test('every base object of those synths validates against the Kubernetes schema', () => {
    expect(collected.length).toBeGreaterThanOrEqual(600);
    expect(schemaProblems(collected)).toEqual([]);
  });
});

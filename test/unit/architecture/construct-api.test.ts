import * as fs from 'fs';
import * as path from 'path';
import { Chart, JsonPatch, Testing, YamlOutputType } from 'cdk8s';
import {
  DeploymentApp, DeploymentRolloutStrategy, FluxKustomization, IpFamilyPolicy, RolloutPlan, StagedApp, StageSize, StatefulApp, StatefulSetBackend,
} from '../../../src';
import { tempDir } from '../../support/synth';

const container = (image: string) => ({ name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }] });

describe('DeploymentApp: the rollout strategy as a union-like class, named accessors', () => {
  test('DeploymentRolloutStrategy.canary() and the deprecated canary prop give the same objects', () => {
    const render = (rollout: any) => {
      const chart = Testing.chart();
      new DeploymentApp(chart, 'shop', { replicas: 4, containers: [container('shop:1')], rollout });
      return Testing.synth(chart);
    };
    expect(render({ strategy: DeploymentRolloutStrategy.canary({ trackLabel: 'lane' }) })).toEqual(render({ canary: { trackLabel: 'lane' } }));
    expect(render({ strategy: DeploymentRolloutStrategy.blueGreen() })).toEqual(render({ blueGreen: {} }));
  });

  test('fails when neither or two strategies are given, or strategy is not a DeploymentRolloutStrategy', () => {
    const make = (rollout: any) => () => new DeploymentApp(Testing.chart(), 'shop', { containers: [container('shop:1')], rollout });
    expect(make({})).toThrow('rollout (neither strategy, canary nor blueGreen) must set exactly one of strategy (DeploymentRolloutStrategy.canary() or .blueGreen()), or the deprecated canary or blueGreen');
    expect(make({ strategy: DeploymentRolloutStrategy.canary(), blueGreen: {} })).toThrow('rollout (strategy and blueGreen) must set exactly one of strategy');
    expect(make({ strategy: { canaryOptions: {} } })).toThrow('rollout.strategy ({"canaryOptions":{}}) must be DeploymentRolloutStrategy.canary({...}) or DeploymentRolloutStrategy.blueGreen({...})');
  });

  test('primary, canary and green name the Deployments', () => {
    const chart = Testing.chart();
    const canary = new DeploymentApp(chart, 'shop', { containers: [container('shop:1')], rollout: { strategy: DeploymentRolloutStrategy.canary() } });
    expect([canary.primary.name, canary.canary?.name, canary.green]).toEqual(['shop', 'shop-canary', undefined]);
    const bg = new DeploymentApp(chart, 'cart', { containers: [container('cart:1')], rollout: { strategy: DeploymentRolloutStrategy.blueGreen() } });
    expect([bg.primary.name, bg.green?.name, bg.canary]).toEqual(['cart-blue', 'cart-green', undefined]);
    const plain = new DeploymentApp(chart, 'plain', { containers: [container('plain:1')] });
    expect([plain.primary.name, plain.deployments.length, plain.canary, plain.green]).toEqual(['plain', 1, undefined, undefined]);
  });

  test('an addJsonPatch on the primary Deployment\'s template becomes part of the candidate and reaches both Deployments', () => {
    const outdir = path.join(tempDir(), 'dist');
    const app = new StagedApp({ outdir, stateDirectory: path.join(path.dirname(outdir), 'state') });
    const shop = new DeploymentApp(new Chart(app, 'c'), 'shop', { replicas: 4, containers: [container('shop:1')], rollout: { strategy: DeploymentRolloutStrategy.canary() } });
    shop.primary.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'critical'));
    app.synth();
    const base = (f: string) => fs.readFileSync(path.join(outdir, 'shop', 'base', f), 'utf-8');
    expect(base('deployment-shop.yaml')).toContain('\n      priorityClassName: critical\n');
    expect(base('deployment-shop-canary.yaml')).toContain('\n      priorityClassName: critical\n');
    const state = JSON.parse(fs.readFileSync(path.join(path.dirname(outdir), 'state', 'shop.json'), 'utf-8'));
    expect(state.candidate.template.spec.priorityClassName).toBe('critical');
    expect(state.candidate.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'shop' });
  });
});

describe('workloads for GitOps health checks: one interface for both constructs', () => {
  test('Flux health checks carry the real apiVersion of an Advanced StatefulSet and both Deployments', () => {
    const chart = Testing.chart();
    const kruise = new StatefulApp(chart, 'db', { containers: [container('db:1')], backend: StatefulSetBackend.kruise() });
    const shop = new DeploymentApp(chart, 'shop', { containers: [container('shop:1')], rollout: { strategy: DeploymentRolloutStrategy.canary() } });
    new FluxKustomization(chart, 'db-flux', { sourceName: 'repo', path: 'dist/db', workload: kruise, targetNamespace: 'prod' });
    new FluxKustomization(chart, 'shop-flux', { sourceName: 'repo', path: 'dist/shop', deploymentApp: shop });
    const checks = Testing.synth(chart).filter(o => o.kind === 'Kustomization').map(o => o.spec.healthChecks);
    expect(checks).toEqual([
      [{ apiVersion: 'apps.kruise.io/v1beta1', kind: 'StatefulSet', name: 'db', namespace: 'prod' }],
      [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-canary' }],
    ]);
  });
});

describe('StagedApp honours the cdk8s AppProps it accepts', () => {
  test('fails on a yamlOutputType other than FILE_PER_CHART', () => {
    for (const t of [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]) {
      expect(() => new StagedApp({ outdir: tempDir(), yamlOutputType: t })).toThrow(`yamlOutputType (${JSON.stringify(t)}) must be YamlOutputType.FILE_PER_CHART: a StagedApp writes each rollout as its own tree of Kustomize directories and every other object into <chart id>.k8s.yaml`);
    }
  });

  test('recordConstructMetadata writes construct-metadata.json with every object, staged ones included', () => {
    const outdir = path.join(tempDir(), 'dist');
    const app = new StagedApp({ outdir, stateDirectory: path.join(path.dirname(outdir), 'state'), recordConstructMetadata: true });
    const chart = new Chart(app, 'c');
    new StatefulApp(chart, 'web', { replicas: 2, service: { name: 'web-hl' }, containers: [container('web:1')], rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(1), steps: [] }) } });
    app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf-8'))).toEqual({
      version: '1.0.0',
      resources: { 'web-hl': { path: 'c/web/Service' }, 'web': { path: 'c/web/Resource' } },
    });
  });
});

describe('props the library does not know are refused, naming the field (issue 14)', () => {
  test.each([
    ['StatefulApp', () => new StatefulApp(Testing.chart(), 'a', { containers: [container('a:1')], replicass: 3 } as any), 'replicass (3) is not a known field: allowed are containers, '],
    ['StatefulApp rollout', () => new StatefulApp(Testing.chart(), 'a', { containers: [container('a:1')], rollout: { plan: RolloutPlan.staged(), activestage: 'hold' } } as any), 'rollout.activestage ("hold") is not a known field: allowed are plan, activeStage, '],
    ['DeploymentApp', () => new DeploymentApp(Testing.chart(), 'a', { containers: [container('a:1')], strategyy: 1 } as any), 'strategyy (1) is not a known field: allowed are containers, '],
    ['DeploymentApp rollout', () => new DeploymentApp(Testing.chart(), 'a', { containers: [container('a:1')], rollout: { canary: {}, trackLabel: 'x' } } as any), 'rollout.trackLabel ("x") is not a known field: allowed are strategy, canary, blueGreen, activeStage, '],
  ])('fails an unknown prop of %s', (_what, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('the headless Service as published workloads write it (issue 14)', () => {
  test('one unnamed port (Cassandra), an explicit type, ipFamilyPolicy and appProtocol', () => {
    const chart = Testing.chart();
    new StatefulApp(chart, 'cassandra', {
      containers: [container('cassandra:4')],
      service: { ports: [{ port: 9042, appProtocol: 'kubernetes.io/h2c' }], explicitType: true, ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK },
    });
    const svc = Testing.synth(chart).find(o => o.kind === 'Service');
    expect(svc.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None', ipFamilyPolicy: 'PreferDualStack', selector: { 'app.kubernetes.io/name': 'cassandra' }, ports: [{ port: 9042, appProtocol: 'kubernetes.io/h2c' }] });
  });

  test.each([
    [{ ports: [{ port: 1 }, { port: 2 }] }, 'service.ports[0].name (undefined) must be set: a Service with more than one port names each one'],
    [{ ports: [{ port: 1, appProtocol: 'not a protocol' }] }, 'service.ports[0].appProtocol ("not a protocol") must be an IANA service name or a domain-prefixed name such as "kubernetes.io/h2c"'],
    [{ ipFamilyPolicy: 'Both' }, 'service.ipFamilyPolicy ("Both") must be one of "SingleStack", "PreferDualStack", "RequireDualStack"'],
  ])('fails the headless Service %j', (service, message) => {
    expect(() => new StatefulApp(Testing.chart(), 'a', { containers: [container('a:1')], service: service as any })).toThrow(message);
  });
});

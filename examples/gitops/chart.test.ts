import { Testing } from 'cdk8s';
import { GitOpsChart, REPO_URL } from './chart';
import { crdProblems } from '../../test/support/crd-schema';
import { KubiaChart } from '../kubia/chart';
import { KubiaBlueGreenChart } from '../kubia-blue-green/chart';
import { NginxCanaryChart } from '../nginx-canary/chart';
import { StagedHoldChart } from '../staged-hold/chart';
import { WebChart } from '../web/chart';
import { FleetChart } from '../fleet/chart';
import { WebHpaChart } from '../web-hpa/chart';

describe('examples/gitops', () => {
  const app = Testing.app();
  const chart = new GitOpsChart(app, 'gitops', {
    web: new WebChart(app, 'web').app,
    nginx: new NginxCanaryChart(app, 'nginx-canary').app,
    myapp: new StagedHoldChart(app, 'staged-hold').app,
    kubia: new KubiaChart(app, 'kubia').app,
    kubiaBlueGreen: new KubiaBlueGreenChart(app, 'kubia-blue-green').app,
    webHpa: new WebHpaChart(app, 'web-hpa').app,
    fleet: new FleetChart(app, 'fleet').app,
  });
  const objects = Testing.synth(chart);

  test('Applications, an ApplicationSet and Kustomizations, valid against their CRDs', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Application/web', 'ApplicationSet/nginx-statefulset', 'Kustomization/myapp', 'Kustomization/kubia', 'Application/kubia-bg', 'Application/web-hpa',
      'ApplicationSet/shop', 'Kustomization/shop-staging', 'Kustomization/shop-prod-eu', 'Kustomization/shop-prod-us']);
    for (const o of objects) expect(crdProblems(o)).toEqual([]);
  });

  test('each points at its rollout directory', () => {
    expect(objects[0].spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'HEAD', path: 'dist/web' });
    expect(objects[1].spec.template.spec.source.path).toBe('dist/nginx-statefulset');
    expect(objects[1].spec.generators[0].list.elements.map((e: any) => e.name)).toEqual(['staging', 'production']);
    expect(objects[2].spec.path).toBe('./dist/myapp');
    expect(objects[2].spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'myapp', namespace: 'myapp' }]);
    expect(objects[3].spec.path).toBe('./dist/kubia');
    // a canary stage is done when both Deployments have rolled out
    expect(objects[3].spec.healthChecks).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia', namespace: 'kubia' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia-canary', namespace: 'kubia' },
    ]);
    expect(objects[4].spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'HEAD', path: 'dist/kubia-bg' });
    expect(objects[4].spec.destination.namespace).toBe('kubia-bg');
  });

  test('the HPA-owned StatefulSet: its replicas ignored, and the ignore respected at sync', () => {
    expect(objects[5].spec.source.path).toBe('dist/web-hpa');
    expect(objects[5].spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'StatefulSet', name: 'web-hpa', jsonPointers: ['/spec/replicas'] }]);
    expect(objects[5].spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'] });
  });

  test('the fleet: one Application per cluster at its wave\'s root, RollingSync wave by wave; one Flux Kustomization per wave, each after the one before', () => {
    const set = objects.find(o => o.kind === 'ApplicationSet' && o.metadata.name === 'shop');
    expect(set.spec.generators[0].list.elements).toEqual([
      { name: 'staging', server: 'https://staging.k8s.example.com', wave: 'staging' },
      { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com', wave: 'prod-eu' },
      { name: 'prod-eu-2', server: 'https://prod-eu-2.k8s.example.com', wave: 'prod-eu' },
      { name: 'prod-us', server: 'https://prod-us.k8s.example.com', wave: 'prod-us' },
    ]);
    expect(set.spec.template.spec.source.path).toBe('dist/shop/clusters/{{wave}}');
    expect(set.spec.strategy.rollingSync.steps.map((s: any) => s.matchExpressions[0].values)).toEqual([['staging'], ['prod-eu'], ['prod-us']]);
    const flux = objects.filter(o => o.kind === 'Kustomization' && o.metadata.name.startsWith('shop-'));
    expect(flux.map(k => [k.spec.path, k.spec.kubeConfig?.secretRef?.name, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['./dist/shop/clusters/staging', 'staging-kubeconfig', undefined],
      ['./dist/shop/clusters/prod-eu', 'prod-eu-kubeconfig', ['shop-staging']],
      ['./dist/shop/clusters/prod-us', 'prod-us-kubeconfig', ['shop-prod-eu']],
    ]);
  });
});

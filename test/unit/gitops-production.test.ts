import { Chart, Testing } from 'cdk8s';
import {
  ArgoCdApplication, ArgoCdApplicationSet, FluxGitRepository, FluxKustomization, RolloutPlan, StatefulApp, StatefulSetBackend,
} from '../../src';
import { crdProblems } from '../support/crd-schema';

function chart(namespace?: string) {
  return new Chart(Testing.app(), 'gitops', { namespace });
}

const repoUrl = 'https://git.example.com/platform/deploy.git';

describe('production options of the Argo CD objects', () => {
  test('an Application with the resources finalizer, retry, ignoreDifferences, a sync wave and notifications', () => {
    const c = chart();
    new ArgoCdApplication(c, 'web', {
      repoUrl,
      path: 'dist/web',
      resourcesFinalizer: true,
      retry: { limit: 5 },
      ignoreDifferences: [{ group: 'apps', kind: 'StatefulSet', name: 'web', jsonPointers: ['/spec/replicas'] }],
      syncWave: -1,
      notifications: [{ trigger: 'on-sync-failed', service: 'slack', recipients: ['deploys', 'oncall'] }],
    });
    const [obj] = Testing.synth(c);
    expect(obj.metadata).toEqual({
      name: 'web',
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'deploys;oncall' },
    });
    expect(obj.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } });
    expect(obj.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'StatefulSet', name: 'web', jsonPointers: ['/spec/replicas'] }]);
    expect(crdProblems(obj)).toEqual([]);
  });

  test('a Go-template ApplicationSet: placeholders, options, the finalizer on each Application', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'fleet', { repoUrl, path: 'dist/web', clusters: [{ name: 'eu', server: 'https://eu.example.com' }], goTemplate: true, resourcesFinalizer: true, retry: { limit: -1, backoffDuration: '10s', backoffFactor: 3, backoffMaxDuration: '10m' }, syncWave: 2 });
    const [obj] = Testing.synth(c);
    expect(obj.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '2' });
    expect(obj.spec.goTemplate).toBe(true);
    expect(obj.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(obj.spec.template.metadata).toEqual({ name: 'fleet-{{.name}}', finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(obj.spec.template.spec.destination).toEqual({ server: '{{.server}}' });
    expect(obj.spec.template.spec.syncPolicy.retry).toEqual({ limit: -1, backoff: { duration: '10s', factor: 3, maxDuration: '10m' } });
    expect(crdProblems(obj)).toEqual([]);
  });

  test.each([
    [{ retry: { limit: 1.5 } }, 'retry.limit (1.5) must be an integer (a negative one retries forever)'],
    [{ retry: { limit: 1, backoffFactor: 0 } }, 'retry.backoffFactor (0) must be an integer of at least 1'],
    [{ syncWave: 0.5 }, 'syncWave (0.5) must be an integer'],
    [{ ignoreDifferences: [{ kind: 'StatefulSet', jsonPointers: ['spec/replicas'] }] }, 'ignoreDifferences[0].jsonPointers (["spec/replicas"]) must list JSON pointers, each starting with \'/\', such as "/spec/replicas"'],
    [{ notifications: [{ trigger: 'On Fail', service: 'slack', recipients: ['x'] }] }, 'notifications[0].trigger ("On Fail") must be lowercase letters, digits and \'-\', such as "on-sync-failed"'],
    [{ notifications: [{ trigger: 'on-deployed', service: 'slack', recipients: [] }] }, 'notifications[0].recipients ([]) must list at least one recipient, none empty or with \';\''],
  ])('fails on bad Application options %j', (options, message) => {
    expect(() => new ArgoCdApplication(chart(), 'web', { repoUrl, path: 'dist/web', ...options as any })).toThrow(message);
  });

  test('fails on goTemplateOptions without goTemplate', () => {
    expect(() => new ArgoCdApplicationSet(chart(), 'fleet', { repoUrl, path: 'dist/web', clusters: [{ name: 'eu', server: 'https://eu' }], goTemplateOptions: ['missingkey=zero'] }))
      .toThrow('goTemplateOptions (["missingkey=zero"]) need goTemplate: set goTemplate to true or leave them out');
  });
});

describe('production options of the Flux objects', () => {
  test('the Kruise health check has apps.kruise.io/v1beta1, and its namespace is targetNamespace when set', () => {
    const c = chart('shop');
    const web = new StatefulApp(c, 'web', { containers: [{ name: 'nginx', image: 'nginx:1' }], backend: StatefulSetBackend.kruise({}), rollout: { plan: RolloutPlan.canary() } });
    new FluxKustomization(c, 'flux', { name: 'web', sourceName: 'deploy', path: 'dist/web', workload: web, targetNamespace: 'shop-prod', dependsOn: [{ name: 'kruise' }, { name: 'crds', namespace: 'infra' }], serviceAccountName: 'shop-deployer', createTargetNamespace: true });
    const objects = Testing.synth(c);
    const ks = objects.find(o => o.kind === 'Kustomization')!;
    expect(ks.spec.healthChecks).toEqual([{ apiVersion: 'apps.kruise.io/v1beta1', kind: 'StatefulSet', name: 'web', namespace: 'shop-prod' }]);
    expect(ks.spec.dependsOn).toEqual([{ name: 'kruise' }, { name: 'crds', namespace: 'infra' }]);
    expect(ks.spec.serviceAccountName).toBe('shop-deployer');
    expect(objects.find(o => o.kind === 'Namespace')).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-prod' } });
    expect(crdProblems(ks)).toEqual([]);
  });

  test('a GitRepository source', () => {
    const c = chart();
    const source = new FluxGitRepository(c, 'deploy', { url: repoUrl, secretName: 'deploy-key' });
    new FluxKustomization(c, 'web', { sourceName: source.name, path: 'dist/web' });
    const [repo] = Testing.synth(c);
    expect(repo).toEqual({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'deploy', namespace: 'flux-system' }, spec: { interval: '1m', url: repoUrl, ref: { branch: 'main' }, secretRef: { name: 'deploy-key' } } });
  });

  test.each([
    [{ createTargetNamespace: true }, 'createTargetNamespace (true) needs targetNamespace: name the namespace to create'],
    [{ dependsOn: [{ name: 'Bad_Name' }] }, 'dependsOn[0].name'],
    [{ serviceAccountName: 'x y' }, 'serviceAccountName'],
  ])('fails on bad Kustomization options %j', (options, message) => {
    expect(() => new FluxKustomization(chart(), 'web', { sourceName: 'deploy', path: 'dist/web', ...options })).toThrow(message);
  });

  test('fails on a bad GitRepository url', () => {
    expect(() => new FluxGitRepository(chart(), 'deploy', { url: 'git.example.com:x' })).toThrow('url ("git.example.com:x") must be an http(s):// or ssh:// repository URL');
  });
});

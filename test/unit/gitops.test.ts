import { Chart, Testing } from 'cdk8s';
import {
  ArgoCdApplication, ArgoCdApplicationSet, FluxKustomization, FluxSourceKind, RolloutPlan, StatefulApp,
} from '../../src';
import { crdProblems } from '../support/crd-schema';

function chart(namespace?: string) {
  return new Chart(Testing.app(), 'gitops', { namespace });
}

const web = (c: Chart) => new StatefulApp(c, 'web', { containers: [{ name: 'nginx', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } });

describe('Argo CD', () => {
  test('an Application that follows a rollout directory, automated with prune and self-heal', () => {
    const c = chart();
    const app = web(c);
    new ArgoCdApplication(c, 'argo', { name: 'web', repoUrl: 'https://git.example.com/platform/deploy.git', path: `dist/${app.rolloutDirectory}`, destinationNamespace: 'shop' });
    const [obj] = Testing.synth(c).filter(o => o.kind === 'Application');
    expect(obj).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/platform/deploy.git', targetRevision: 'HEAD', path: 'dist/web' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('manual sync with options and a named cluster', () => {
    const c = chart();
    new ArgoCdApplication(c, 'web', { name: 'web-prod', project: 'platform', repoUrl: 'git@example.com:p/d.git', targetRevision: 'main', path: './dist/web', destinationName: 'prod-eu', automated: false, syncOptions: ['ServerSideApply=true'] });
    const [obj] = Testing.synth(c);
    expect(obj.spec).toEqual({
      project: 'platform',
      source: { repoURL: 'git@example.com:p/d.git', targetRevision: 'main', path: 'dist/web' },
      destination: { name: 'prod-eu' },
      syncPolicy: { syncOptions: ['ServerSideApply=true'] },
    });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('an ApplicationSet fans one directory out to listed clusters, or to clusters by label', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl: 'https://git.example.com/d.git', path: 'dist/web', clusters: [{ name: 'eu', server: 'https://eu.example.com' }, { name: 'us', server: 'https://us.example.com' }] });
    new ArgoCdApplicationSet(c, 'web-labelled', { repoUrl: 'https://git.example.com/d.git', path: 'dist/web', clusterSelector: { tier: 'prod' }, destinationNamespace: 'shop' });
    const [listed, selected] = Testing.synth(c);
    expect(listed).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'web', namespace: 'argocd' },
      spec: {
        generators: [{ list: { elements: [{ name: 'eu', server: 'https://eu.example.com' }, { name: 'us', server: 'https://us.example.com' }] } }],
        template: {
          metadata: { name: 'web-{{name}}' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://git.example.com/d.git', targetRevision: 'HEAD', path: 'dist/web' },
            destination: { server: '{{server}}' },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        },
      },
    });
    expect(selected.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { tier: 'prod' } } } }]);
    expect(selected.spec.template.spec.destination).toEqual({ server: '{{server}}', namespace: 'shop' });
    expect(crdProblems(listed)).toEqual([]);
    expect(crdProblems(selected)).toEqual([]);
  });

  test.each([
    ['fails a path outside the repository', () => new ArgoCdApplication(chart(), 'a', { repoUrl: 'r', path: '../x' }), 'path ("../x") must be a relative path inside the repository, such as "dist/web", with no ".." and no leading "/"'],
    ['fails an absolute path', () => new ArgoCdApplication(chart(), 'a', { repoUrl: 'r', path: '/dist/web' }), 'path ("/dist/web") must be a relative path inside the repository, such as "dist/web", with no ".." and no leading "/"'],
    ['fails an empty repoUrl', () => new ArgoCdApplication(chart(), 'a', { repoUrl: '', path: 'dist/web' }), 'repoUrl ("") must be a non-empty string'],
    ['fails both destinations', () => new ArgoCdApplication(chart(), 'a', { repoUrl: 'r', path: 'd', destinationServer: 'https://x', destinationName: 'x' }), 'destinationServer ("https://x") and destinationName ("x") cannot both be set: name the cluster one way'],
    ['fails prune without automated sync', () => new ArgoCdApplication(chart(), 'a', { repoUrl: 'r', path: 'd', automated: false, prune: true }), 'prune (true) and selfHeal (undefined) need automated sync: set automated to true or leave them out'],
    ['fails a bad Application name', () => new ArgoCdApplication(chart(), 'a', { name: 'Web', repoUrl: 'r', path: 'd' }), 'name ("Web") must be a DNS-1123 subdomain: at most 253 lowercase alphanumeric characters, \'-\' or \'.\', starting and ending with an alphanumeric character'],
    ['fails an ApplicationSet with no cluster choice', () => new ArgoCdApplicationSet(chart(), 'a', { repoUrl: 'r', path: 'd' }), 'clusters (undefined) and clusterSelector (undefined): set exactly one of them'],
    ['fails an ApplicationSet with an empty cluster list', () => new ArgoCdApplicationSet(chart(), 'a', { repoUrl: 'r', path: 'd', clusters: [] }), 'clusters ([]) must list at least one cluster'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });
});

describe('Flux', () => {
  test('a Kustomization with a health check on the StatefulSet', () => {
    const c = chart('shop');
    const app = web(c);
    new FluxKustomization(c, 'flux', { name: 'web', sourceName: 'deploy', path: `dist/${app.rolloutDirectory}`, app });
    const [obj] = Testing.synth(c).filter(o => o.kind === 'Kustomization');
    expect(obj).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'web', namespace: 'flux-system' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'deploy' },
        path: './dist/web',
        interval: '5m',
        prune: true,
        wait: false,
        timeout: '10m',
        force: false,
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', namespace: 'shop' }],
      },
    });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('every option', () => {
    const c = chart();
    new FluxKustomization(c, 'web', {
      name: 'web-prod',
      namespace: 'flux',
      sourceName: 'deploy',
      sourceKind: FluxSourceKind.OCI_REPOSITORY,
      sourceNamespace: 'sources',
      path: './dist/web',
      interval: '1m',
      retryInterval: '30s',
      prune: false,
      wait: true,
      timeout: '15m',
      targetNamespace: 'shop',
      force: true,
      healthChecks: [{ apiVersion: 'v1', kind: 'Service', name: 'web' }],
    });
    const [obj] = Testing.synth(c);
    expect(obj.spec).toEqual({
      sourceRef: { kind: 'OCIRepository', name: 'deploy', namespace: 'sources' },
      path: './dist/web',
      interval: '1m',
      retryInterval: '30s',
      prune: false,
      wait: true,
      timeout: '15m',
      targetNamespace: 'shop',
      force: true,
      healthChecks: [{ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' }],
    });
    expect(crdProblems(obj)).toEqual([]);
  });

  test.each([
    ['fails a malformed interval', () => new FluxKustomization(chart(), 'a', { sourceName: 's', path: 'd', interval: '5 minutes' }), 'interval ("5 minutes") must be a Go duration such as "30s", "5m" or "1h30m"'],
    ['fails a malformed timeout', () => new FluxKustomization(chart(), 'a', { sourceName: 's', path: 'd', timeout: '10' }), 'timeout ("10") must be a Go duration such as "30s", "5m" or "1h30m"'],
    ['fails a path with ..', () => new FluxKustomization(chart(), 'a', { sourceName: 's', path: './dist/../x' }), 'path ("./dist/../x") must be a relative path inside the repository, such as "dist/web", with no ".." and no leading "/"'],
    ['fails an unknown source kind', () => new FluxKustomization(chart(), 'a', { sourceName: 's', path: 'd', sourceKind: 'HelmRepository' as any }), 'sourceKind ("HelmRepository") must be one of "GitRepository", "OCIRepository", "Bucket"'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });

  test('the CRD check refuses unknown fields and bad enums', () => {
    const c = chart();
    new FluxKustomization(c, 'web', { sourceName: 'deploy', path: 'dist/web' });
    const [obj] = Testing.synth(c);
    obj.spec.healthcheck = [];
    obj.spec.sourceRef.kind = 'HelmRepository';
    expect(crdProblems(obj)).toEqual([
      '/spec must NOT have additional properties (healthcheck)',
      '/spec/sourceRef/kind must be equal to one of the allowed values',
    ]);
  });
});

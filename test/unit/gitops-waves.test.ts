import { Chart, Testing } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationSet, FluxKustomization } from '../../src';
import { crdProblems } from '../support/crd-schema';

function chart() {
  return new Chart(Testing.app(), 'gitops');
}

const repoUrl = 'https://git.example.com/platform/deploy.git';
const waves = ['staging', 'prod-eu', 'prod-us'];
const fleet = [
  { name: 'staging', server: 'https://staging.example.com' },
  { name: 'eu-1', server: 'https://eu-1.example.com', wave: 'prod-eu' },
  { name: 'eu-2', server: 'https://eu-2.example.com', wave: 'prod-eu' },
  { name: 'us-1', server: 'https://us-1.example.com', wave: 'prod-us' },
];

describe('ApplicationSet with waves', () => {
  test('list generator: each element carries its wave, the Application applies that wave\'s root and carries the label', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl, path: 'dist/web', clusters: fleet, waves: { names: waves } });
    const [obj] = Testing.synth(c);
    expect(obj.spec.generators).toEqual([{
      list: {
        elements: [
          { name: 'staging', server: 'https://staging.example.com', wave: 'staging' },
          { name: 'eu-1', server: 'https://eu-1.example.com', wave: 'prod-eu' },
          { name: 'eu-2', server: 'https://eu-2.example.com', wave: 'prod-eu' },
          { name: 'us-1', server: 'https://us-1.example.com', wave: 'prod-us' },
        ],
      },
    }]);
    expect(obj.spec.strategy).toBeUndefined();
    expect(obj.spec.template.metadata).toEqual({ name: 'web-{{name}}', labels: { 'cdk8s-staged-rollout/wave': '{{wave}}' } });
    expect(obj.spec.template.spec.source).toEqual({ repoURL: repoUrl, targetRevision: 'HEAD', path: 'dist/web/clusters/{{wave}}' });
    expect(obj.spec.template.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true } });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('rollingSync: one step per wave in order, matching the wave label; maxUpdate on every step', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl, path: 'dist/web', clusters: fleet, goTemplate: true, waves: { names: waves, rollingSync: true, maxUpdate: 1 } });
    const [obj] = Testing.synth(c);
    expect(obj.spec.strategy).toEqual({
      type: 'RollingSync',
      rollingSync: {
        steps: [
          { matchExpressions: [{ key: 'cdk8s-staged-rollout/wave', operator: 'In', values: ['staging'] }], maxUpdate: 1 },
          { matchExpressions: [{ key: 'cdk8s-staged-rollout/wave', operator: 'In', values: ['prod-eu'] }], maxUpdate: 1 },
          { matchExpressions: [{ key: 'cdk8s-staged-rollout/wave', operator: 'In', values: ['prod-us'] }], maxUpdate: 1 },
        ],
      },
    });
    expect(obj.spec.template.metadata).toEqual({ name: 'web-{{.name}}', labels: { 'cdk8s-staged-rollout/wave': '{{.wave}}' } });
    expect(obj.spec.template.spec.source.path).toBe('dist/web/clusters/{{.wave}}');
    expect(crdProblems(obj)).toEqual([]);
  });

  test('clusters generator, fasttemplate: the wave comes from the cluster Secret label, and only clusters of a listed wave are selected', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl, path: 'dist/web', clusterSelector: { team: 'shop' }, waves: { names: waves, rollingSync: true } });
    const [obj] = Testing.synth(c);
    expect(obj.spec.generators).toEqual([{
      clusters: {
        selector: {
          matchLabels: { team: 'shop' },
          matchExpressions: [{ key: 'cdk8s-staged-rollout/wave', operator: 'In', values: waves }],
        },
      },
    }]);
    expect(obj.spec.template.metadata.labels).toEqual({ 'cdk8s-staged-rollout/wave': '{{metadata.labels.cdk8s-staged-rollout/wave}}' });
    expect(obj.spec.template.spec.source.path).toBe('dist/web/clusters/{{metadata.labels.cdk8s-staged-rollout/wave}}');
    expect(obj.spec.strategy.rollingSync.steps[2]).toEqual({ matchExpressions: [{ key: 'cdk8s-staged-rollout/wave', operator: 'In', values: ['prod-us'] }] });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('clusters generator, goTemplate and a label of its own: the labels map is read with index', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl, path: 'dist/web', clusterSelector: {}, goTemplate: true, waves: { names: ['staging', 'prod'], label: 'example.com/wave' } });
    const [obj] = Testing.synth(c);
    expect(obj.spec.template.metadata.labels).toEqual({ 'example.com/wave': '{{index .metadata.labels "example.com/wave"}}' });
    expect(obj.spec.template.spec.source.path).toBe('dist/web/clusters/{{index .metadata.labels "example.com/wave"}}');
    expect(obj.spec.generators[0].clusters.selector.matchExpressions).toEqual([{ key: 'example.com/wave', operator: 'In', values: ['staging', 'prod'] }]);
    expect(crdProblems(obj)).toEqual([]);
  });

  test('without waves the ApplicationSet is as before: no wave in the elements, no label, the root at path', () => {
    const c = chart();
    new ArgoCdApplicationSet(c, 'web', { repoUrl, path: 'dist/web', clusters: [{ name: 'eu', server: 'https://eu' }] });
    const [obj] = Testing.synth(c);
    expect(obj.spec.generators).toEqual([{ list: { elements: [{ name: 'eu', server: 'https://eu' }] } }]);
    expect(obj.spec.template.metadata).toEqual({ name: 'web-{{name}}' });
    expect(obj.spec.template.spec.source.path).toBe('dist/web');
    expect(obj.spec.strategy).toBeUndefined();
  });

  const servers = (names: string[]) => names.map(n => ({ name: n, server: `https://${n}` }));
  test.each([
    [{ clusters: servers(['staging', 'eu']), waves: { names: ['staging', 'prod'] } },
      'clusters[1].wave ("eu", the cluster\'s name) must be one of waves.names ("staging", "prod"): set the wave of cluster "eu"'],
    [{ clusters: [{ name: 'eu', server: 'https://eu', wave: 'prod-asia' }], waves: { names: ['prod-eu'] } },
      'clusters[0].wave ("prod-asia") must be one of waves.names ("prod-eu"): set the wave of cluster "eu"'],
    [{ clusters: [{ name: 'eu', server: 'https://eu', wave: 'prod' }] },
      'clusters[0].wave ("prod") needs waves: list the rollout\'s waves in waves.names'],
    [{ clusters: servers(['staging']), waves: { names: ['staging', 'staging'] } },
      'waves.names[1] ("staging") is also waves.names[0]: each wave is named once'],
    [{ clusters: servers(['staging']), waves: { names: [] } },
      'waves.names ([]) must list the rollout\'s waves in order, at least one'],
    [{ clusters: servers(['staging']), waves: { names: ['Staging'] } },
      'waves.names[0] ("Staging") must be a DNS-1123 label'],
    [{ clusters: servers(['staging']), waves: { names: ['staging', 'prod-eu', 'prod-us'] } },
      'waves.names ("prod-eu", "prod-us") must each have a cluster: no cluster of clusters is in those waves'],
    [{ clusters: servers(['staging']), waves: { names: ['staging'], maxUpdate: 1 } },
      'waves.maxUpdate (1) needs waves.rollingSync: set rollingSync to true or leave maxUpdate out'],
    [{ clusters: servers(['staging']), waves: { names: ['staging'], rollingSync: true, maxUpdate: 0 } },
      'waves.maxUpdate (0) must be an integer between 1 and'],
    [{ clusterSelector: {}, waves: { names: ['staging'], label: 'bad key!' } },
      'waves.label key ("bad key!") must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 alphanumeric characters'],
  ])('refuses bad waves %#', (options, message) => {
    expect(() => new ArgoCdApplicationSet(chart(), 'web', { repoUrl, path: 'dist/web', ...options as any })).toThrow(message);
  });
});

describe('Application with a wave', () => {
  test('the path is the wave\'s root and the Application carries the wave label', () => {
    const c = chart();
    new ArgoCdApplication(c, 'web-staging', { repoUrl, path: 'dist/web', wave: 'staging', destinationName: 'staging' });
    const [obj] = Testing.synth(c);
    expect(obj.metadata).toEqual({ name: 'web-staging', namespace: 'argocd', labels: { 'cdk8s-staged-rollout/wave': 'staging' } });
    expect(obj.spec.source).toEqual({ repoURL: repoUrl, targetRevision: 'HEAD', path: 'dist/web/clusters/staging' });
    expect(crdProblems(obj)).toEqual([]);
  });

  test('refuses a wave that is not a DNS-1123 label', () => {
    expect(() => new ArgoCdApplication(chart(), 'web', { repoUrl, path: 'dist/web', wave: '../prod' })).toThrow('wave ("../prod") must be a DNS-1123 label');
  });
});

describe('Flux Kustomization per wave and cluster', () => {
  test('wave and kubeConfigSecretName: the wave\'s root, applied to a remote cluster, after the wave before it', () => {
    const c = chart();
    new FluxKustomization(c, 'staging', { name: 'web-staging', sourceName: 'deploy', path: 'dist/web', wave: 'staging', kubeConfigSecretName: 'staging-kubeconfig' });
    new FluxKustomization(c, 'eu', { name: 'web-prod-eu', sourceName: 'deploy', path: './dist/web', wave: 'prod-eu', kubeConfigSecretName: 'eu-kubeconfig', kubeConfigSecretKey: 'value.yaml', dependsOn: [{ name: 'web-staging' }] });
    const [staging, eu] = Testing.synth(c);
    expect(staging.spec).toEqual({
      sourceRef: { kind: 'GitRepository', name: 'deploy' },
      path: './dist/web/clusters/staging',
      interval: '5m',
      prune: true,
      wait: false,
      timeout: '10m',
      force: false,
      kubeConfig: { secretRef: { name: 'staging-kubeconfig' } },
    });
    expect(eu.spec.path).toBe('./dist/web/clusters/prod-eu');
    expect(eu.spec.kubeConfig).toEqual({ secretRef: { name: 'eu-kubeconfig', key: 'value.yaml' } });
    expect(eu.spec.dependsOn).toEqual([{ name: 'web-staging' }]);
    expect(crdProblems(staging)).toEqual([]);
    expect(crdProblems(eu)).toEqual([]);
  });

  test.each([
    [{ wave: 'Prod' }, 'wave ("Prod") must be a DNS-1123 label'],
    [{ kubeConfigSecretName: 'Bad_Name' }, 'kubeConfigSecretName ("Bad_Name") must be a DNS-1123 subdomain'],
    [{ kubeConfigSecretKey: 'value' }, 'kubeConfigSecretKey ("value") needs kubeConfigSecretName: name the Secret that holds the kubeconfig'],
    [{ kubeConfigSecretName: 'kc', kubeConfigSecretKey: 'a/b' }, 'kubeConfigSecretKey ("a/b") must be a Secret key: letters, digits, \'-\', \'_\' and \'.\''],
  ])('refuses %j', (options, message) => {
    expect(() => new FluxKustomization(chart(), 'web', { sourceName: 'deploy', path: 'dist/web', ...options })).toThrow(message);
  });
});

describe('a Flux Kustomization with the workload of a rollout in waves', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RolloutPlan, StatefulApp } = require('../../src');
  const shop = (c: Chart, rolloutWaves?: object[]) => new StatefulApp(c, 'shop', {
    replicas: 2,
    selectorLabels: { app: 'shop' },
    service: { name: 'shop' },
    containers: [{ name: 'web', image: 'web:1' }],
    rollout: { plan: RolloutPlan.canary(), waves: rolloutWaves },
  });

  test('the wave must be one of the rollout\'s; the construct lists them', () => {
    const c = chart();
    const app = shop(c, [{ name: 'staging' }, { name: 'prod' }]);
    expect(app.waveNames).toEqual(['staging', 'prod']);
    expect(() => new FluxKustomization(c, 'a', { sourceName: 'deploy', path: 'dist/shop', workload: app })).toThrow('wave (undefined) must name one of the waves of gitops/shop: "staging", "prod" (a rollout with waves has one root per wave, <path>/clusters/<wave>, and none at path)');
    expect(() => new FluxKustomization(c, 'b', { sourceName: 'deploy', path: 'dist/shop', workload: app, wave: 'qa' })).toThrow('wave ("qa") must name one of the waves of gitops/shop: "staging", "prod"');
    new FluxKustomization(c, 'c', { sourceName: 'deploy', path: 'dist/shop', workload: app, wave: 'prod' });
    expect(Testing.synth(c).find(o => o.kind === 'Kustomization').spec.path).toBe('./dist/shop/clusters/prod');
  });

  test('a wave for a rollout without waves, and a Namespace for a remote cluster, are refused', () => {
    const c = chart();
    const app = shop(c);
    expect(app.waveNames).toBeUndefined();
    expect(() => new FluxKustomization(c, 'a', { sourceName: 'deploy', path: 'dist/shop', workload: app, wave: 'prod' })).toThrow('wave ("prod"): the rollout of gitops/shop has no waves (rollout.waves); leave wave out');
    expect(() => new FluxKustomization(c, 'b', { sourceName: 'deploy', path: 'dist/shop', targetNamespace: 'shop', createTargetNamespace: true, kubeConfigSecretName: 'kc' }))
      .toThrow('createTargetNamespace (true) with kubeConfigSecretName ("kc"): the Namespace would be created beside the Kustomization, not in the remote cluster it applies to');
  });
});

import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { ArgoCdApplication, ArgoCdApplicationSet, DeploymentApp, FluxKustomization, StatefulApp } from '../../src';

/** The repository the rendered tree is committed to. */
export const REPO_URL = 'https://github.com/example-org/platform-deploy.git';

/** The rollouts the GitOps objects deliver. */
export interface GitOpsApps {
  readonly web: StatefulApp;
  readonly nginx: StatefulApp;
  readonly myapp: StatefulApp;
  readonly kubia: DeploymentApp;
  readonly kubiaBlueGreen: DeploymentApp;
  readonly webHpa: StatefulApp;
  readonly fleet: StatefulApp;
}

/**
 * How the rollout directories reach clusters: an Argo CD Application for `dist/web`, an ApplicationSet
 * that sends `dist/nginx-statefulset` to two clusters, a Flux Kustomization for `dist/myapp` that
 * waits for the StatefulSet, one for `dist/kubia` that waits for both Deployments of the canary, an
 * Application for the blue/green `dist/kubia-bg`, and one for `dist/web-hpa` that leaves the HPA's
 * replicas alone (`ignoreReplicasOf`); and for the fleet `dist/shop`, in waves, an ApplicationSet with one
 * Application per cluster at its wave's root (with Argo CD's RollingSync) and, for a Flux management
 * cluster, one Kustomization per wave applying to that cluster, each wave after the one before. Written to `dist/gitops.k8s.yaml`; apply it once (or from an app
 * of apps).
 */
export class GitOpsChart extends Chart {
  public constructor(scope: Construct, id: string, apps: GitOpsApps) {
    super(scope, id);
    new ArgoCdApplication(this, 'web', {
      repoUrl: REPO_URL,
      path: `dist/${apps.web.rolloutDirectory}`,
      destinationNamespace: 'web',
      syncOptions: ['CreateNamespace=true'],
    });
    new ArgoCdApplicationSet(this, 'nginx-statefulset', {
      repoUrl: REPO_URL,
      path: `dist/${apps.nginx.rolloutDirectory}`,
      destinationNamespace: 'nginx',
      clusters: [
        { name: 'staging', server: 'https://staging.k8s.example.com' },
        { name: 'production', server: 'https://production.k8s.example.com' },
      ],
    });
    new FluxKustomization(this, 'myapp', {
      sourceName: 'platform-deploy',
      path: `dist/${apps.myapp.rolloutDirectory}`,
      targetNamespace: 'myapp',
      workload: apps.myapp,
    });
    new FluxKustomization(this, 'kubia', {
      sourceName: 'platform-deploy',
      path: `dist/${apps.kubia.rolloutDirectory}`,
      targetNamespace: 'kubia',
      workload: apps.kubia,
    });
    new ArgoCdApplication(this, 'kubia-bg', {
      repoUrl: REPO_URL,
      path: `dist/${apps.kubiaBlueGreen.rolloutDirectory}`,
      destinationNamespace: 'kubia-bg',
      syncOptions: ['CreateNamespace=true'],
    });
    new ArgoCdApplication(this, 'web-hpa', {
      repoUrl: REPO_URL,
      path: `dist/${apps.webHpa.rolloutDirectory}`,
      destinationNamespace: 'web-hpa',
      syncOptions: ['CreateNamespace=true'],
      ignoreReplicasOf: [apps.webHpa],
    });
    // the fleet: each cluster applies dist/shop/clusters/<its wave>; a promotion commit moves one wave
    const waves = apps.fleet.waveNames!;
    new ArgoCdApplicationSet(this, 'shop', {
      repoUrl: REPO_URL,
      path: `dist/${apps.fleet.rolloutDirectory}`,
      destinationNamespace: 'shop',
      syncOptions: ['CreateNamespace=true'],
      clusters: [
        { name: 'staging', server: 'https://staging.k8s.example.com' },
        { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com', wave: 'prod-eu' },
        { name: 'prod-eu-2', server: 'https://prod-eu-2.k8s.example.com', wave: 'prod-eu' },
        { name: 'prod-us', server: 'https://prod-us.k8s.example.com' },
      ],
      waves: { names: waves, rollingSync: true },
    });
    waves.forEach((wave, i) => new FluxKustomization(this, `shop-${wave}`, {
      sourceName: 'platform-deploy',
      path: `dist/${apps.fleet.rolloutDirectory}`,
      wave,
      targetNamespace: 'shop',
      kubeConfigSecretName: `${wave}-kubeconfig`,
      workload: apps.fleet,
      dependsOn: i === 0 ? undefined : [{ name: `shop-${waves[i - 1]}` }],
    }));
  }
}

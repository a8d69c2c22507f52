import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { AccessMode, RolloutPlan, StatefulApp } from '../../src';

/** nginx built to run as a non-root user (uid 101), listening on 8080. */
export const IMAGE = 'nginxinc/nginx-unprivileged:1.26.1';

/**
 * Seed 001, the StatefulSet tutorial: headless Service `nginx` and StatefulSet `web` with two replicas,
 * each with its own 1Gi volume `www`. Rolled out as a canary: hold, 1 pod, complete.
 *
 * The tutorial's `registry.k8s.io/nginx-slim:0.8` runs as root, which the restricted defaults refuse
 * (`runAsNonRoot: true`): this uses the same nginx built to run as uid 101 on port 8080
 * (`nginxinc/nginx-unprivileged`), behind Service port 80, and `fsGroup: 101` so that nginx can write
 * the claim (`kubectl exec web-0 -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html'`).
 */
export class WebChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.app = new StatefulApp(this, 'web', {
      replicas: 2,
      selectorLabels: { app: 'nginx' },
      service: { name: 'nginx', ports: [{ name: 'web', port: 80, targetPortName: 'web' }] },
      podSecurityContext: { fsGroup: 101 },
      containers: [{
        name: 'nginx',
        image: IMAGE,
        ports: [{ name: 'web', containerPort: 8080 }],
        volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
      }],
      volumeClaimTemplates: [{ name: 'www', storage: '1Gi', accessModes: [AccessMode.READ_WRITE_ONCE] }],
      rollout: { plan: RolloutPlan.canary() },
    });
  }
}

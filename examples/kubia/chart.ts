import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { DeploymentApp, DeploymentRolloutStrategy, DeploymentStrategy, PercentOrAbsolute, RolloutPlan, ServiceType } from '../../src';

/** The image the pods ran before (seed 003). */
export const OLD_IMAGE = 'luksa/kubia:v1';
/** The image the canary releases (seed 003's `kubectl set image deployment kubia nodejs=luksa/kubia:v3`). */
export const NEW_IMAGE = 'luksa/kubia:v3';

/**
 * Seed 003: Deployment `kubia` (3 replicas, container `nodejs`, maxSurge 1, maxUnavailable 0,
 * minReadySeconds 10, a readiness probe GET / on 8080 every second) behind the LoadBalancer Service
 * `kubia` (8000 -> 8080). Instead of `kubectl set image`, `luksa/kubia:v3` is released as a canary: a
 * `kubia-canary` Deployment beside `kubia`, 1 pod, then 2, then `kubia` takes v3 and the canary goes.
 * The committed rollout state (rollout-state/kubia.json) has it at the canary stage.
 */
export class KubiaChart extends Chart {
  public readonly app: DeploymentApp;

  public constructor(scope: Construct, id: string, image: string = NEW_IMAGE) {
    super(scope, id);
    this.app = new DeploymentApp(this, 'kubia', {
      replicas: 3,
      selectorLabels: { app: 'kubia' },
      minReadySeconds: 10,
      strategy: DeploymentStrategy.rollingUpdate({
        maxSurge: PercentOrAbsolute.absolute(1),
        maxUnavailable: PercentOrAbsolute.absolute(0),
      }),
      containers: [{
        name: 'nodejs',
        image,
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { periodSeconds: 1, httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8080) } },
        // luksa/kubia (node:7 with /app.js) has no USER, so it would run as root: run it as the node user
        securityContext: { runAsUser: 1000 },
      }],
      service: { type: ServiceType.LOAD_BALANCER, ports: [{ port: 8000, targetPort: 8080 }] },
      rollout: { strategy: DeploymentRolloutStrategy.canary({ plan: RolloutPlan.canary() }) },
    });
  }
}

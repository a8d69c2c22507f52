import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { DeploymentApp, DeploymentRolloutStrategy, ServiceType } from '../../src';

/** The image the live colour ran before (seed 003's ReplicationController kubia-v1). */
export const OLD_IMAGE = 'luksa/kubia:v1';
/** The image the other colour brings. */
export const NEW_IMAGE = 'luksa/kubia:v2';

/**
 * Seed 003's blue/green ("create the new pods, switch the Service's selector to them, delete the old
 * pods if the new ones work, else switch the selector back"), as reviewed commits: Deployments
 * `kubia-bg-blue` and `kubia-bg-green` (3 replicas each when up), Service `kubia-bg` (LoadBalancer,
 * 8000 -> 8080) on one colour and the preview Service `kubia-bg-preview` on the other. The committed
 * rollout state (rollout-state/kubia-bg.json) has `luksa/kubia:v2` on green at the switch stage: the
 * traffic is on green, blue still runs v1 behind the preview Service, ready to switch back.
 */
export class KubiaBlueGreenChart extends Chart {
  public readonly app: DeploymentApp;

  public constructor(scope: Construct, id: string, image: string = NEW_IMAGE) {
    super(scope, id);
    this.app = new DeploymentApp(this, 'kubia-bg', {
      replicas: 3,
      selectorLabels: { app: 'kubia-bg' },
      minReadySeconds: 10,
      containers: [{
        name: 'nodejs',
        image,
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { periodSeconds: 1, httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8080) } },
        // luksa/kubia (node:7 with /app.js) has no USER, so it would run as root: run it as the node user
        securityContext: { runAsUser: 1000 },
      }],
      service: { type: ServiceType.LOAD_BALANCER, ports: [{ port: 8000, targetPort: 8080 }] },
      rollout: { strategy: DeploymentRolloutStrategy.blueGreen() },
    });
  }
}

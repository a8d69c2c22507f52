import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { RolloutPlan, StageSize, StatefulApp } from '../../src';

/** nginx built to run as a non-root user (uid 101), listening on 8080. */
export const IMAGE = 'nginxinc/nginx-unprivileged:1.26.1';

/**
 * A StatefulSet whose replicas a HorizontalPodAutoscaler owns (3 to 10 pods on CPU): `replicasManagedByHpa`
 * writes the StatefulSet without `spec.replicas`, and the plan counts the 3 pods the HPA starts from. The
 * HPA is created in the StatefulApp's scope, so it goes into the rollout's `base/` beside the StatefulSet.
 * Argo CD ignores the replicas by `ignoreReplicasOf` (examples/gitops).
 */
export class WebHpaChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.app = new StatefulApp(this, 'web-hpa', {
      replicas: 3,
      replicasManagedByHpa: true,
      selectorLabels: { app: 'web-hpa' },
      containers: [{
        name: 'nginx',
        image: IMAGE,
        ports: [{ name: 'web', containerPort: 8080 }],
        // the HPA's CPU utilization is relative to the request
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      }],
      rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(1) }) },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this.app, 'Hpa', {
      metadata: { name: 'web-hpa' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: this.app.name },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  }
}

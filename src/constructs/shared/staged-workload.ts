import { IConstruct } from 'constructs';

/** A workload a GitOps agent waits for: what its health checks name. */
export interface WorkloadReference {
  /** Its apiVersion: `apps/v1`, or `apps.kruise.io/v1beta1` for an Advanced StatefulSet. */
  readonly apiVersion: string;
  /** Its kind. */
  readonly kind: string;
  /** Its name. */
  readonly name: string;
  /**
   * Its namespace.
   * @default - none set on the object or its chart
   */
  readonly namespace?: string;
  /**
   * True when a HorizontalPodAutoscaler owns its `spec.replicas` (the library writes it without them).
   * @default - the library writes `spec.replicas`
   */
  readonly replicasManagedByHpa?: boolean;
}

/** A construct whose workloads a GitOps agent checks (StatefulApp, DeploymentApp). */
export interface IStagedWorkload extends IConstruct {
  /** The workloads, in the order they are rendered. */
  readonly workloads: WorkloadReference[];
  /**
   * The names of the rollout's waves, in order.
   * @default - none: the rollout has no waves
   */
  readonly waveNames?: string[];
}

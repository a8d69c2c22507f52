import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkDuration, checkRepoPath } from './common';
import * as flux from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { IStagedWorkload } from '../constructs/shared/staged-workload';
import { checkDnsLabel, show } from '../core/validation';

/** The kind of a Flux source. */
export enum FluxSourceKind {
  /** A GitRepository. */
  GIT_REPOSITORY = 'GitRepository',
  /** An OCIRepository. */
  OCI_REPOSITORY = 'OCIRepository',
  /** A Bucket. */
  BUCKET = 'Bucket',
}

/** An object Flux waits for before it reports the Kustomization ready. */
export interface FluxHealthCheck {
  /** The object's apiVersion, such as `apps/v1`. */
  readonly apiVersion: string;
  /** The object's kind. */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /**
   * The object's namespace.
   * @default - the Kustomization's targetNamespace
   */
  readonly namespace?: string;
}

/** Props of `FluxKustomization`. */
export interface FluxKustomizationProps {
  /**
   * The Kustomization name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the Kustomization.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /** The source's name (a GitRepository, usually). */
  readonly sourceName: string;
  /**
   * The source's kind.
   * @default FluxSourceKind.GIT_REPOSITORY
   */
  readonly sourceKind?: FluxSourceKind;
  /**
   * The source's namespace.
   * @default - the Kustomization's namespace
   */
  readonly sourceNamespace?: string;
  /** The rollout directory in the source, such as `./dist/web`. */
  readonly path: string;
  /**
   * How often Flux reconciles.
   * @default '5m'
   */
  readonly interval?: string;
  /**
   * How soon Flux retries a failed reconciliation.
   * @default - the interval
   */
  readonly retryInterval?: string;
  /**
   * Delete objects removed from the source.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Wait for every applied object to be ready (instead of only `healthChecks`).
   * @default false
   */
  readonly wait?: boolean;
  /**
   * How long to wait for the health checks.
   * @default '10m'
   */
  readonly timeout?: string;
  /**
   * The namespace objects without one are applied to.
   * @default - none: the objects' own namespace
   */
  readonly targetNamespace?: string;
  /**
   * Recreate objects whose immutable fields changed (it deletes the StatefulSet and its pods: prefer
   * `kubectl delete statefulset NAME --cascade=orphan` before the sync).
   * @default false
   */
  readonly force?: boolean;
  /**
   * The app (a StatefulApp or a DeploymentApp) whose workloads are health checks: Flux (kstatus)
   * reports a StatefulSet ready once `observedGeneration` caught up, every pod is ready and
   * `updatedReplicas >= replicas - partition`, and each Deployment (both of a canary or of blue/green)
   * once it has rolled out, so a stage is done when all are.
   * @default - no health check from an app
   */
  readonly workload?: IStagedWorkload;
  /**
   * The StatefulApp whose StatefulSet is a health check.
   * @default - no StatefulSet health check from an app
   * @deprecated use `workload`
   */
  readonly app?: IStagedWorkload;
  /**
   * The DeploymentApp whose Deployments are health checks.
   * @default - no Deployment health checks from an app
   * @deprecated use `workload`
   */
  readonly deploymentApp?: IStagedWorkload;
  /**
   * More health checks.
   * @default - none
   */
  readonly healthChecks?: FluxHealthCheck[];
}

/**
 * A Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1) that applies a rollout directory from a source
 * and reports Ready once the active stage has converged.
 */
export class FluxKustomization extends Construct {
  /** The Kustomization object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    const namespace = props.namespace ?? 'flux-system';
    checkDnsLabel('namespace', namespace);
    checkDnsSubdomain('sourceName', props.sourceName);
    if (props.sourceNamespace !== undefined) checkDnsLabel('sourceNamespace', props.sourceNamespace);
    checkRepoPath('path', props.path);
    const interval = props.interval ?? '5m';
    checkDuration('interval', interval);
    if (props.retryInterval !== undefined) checkDuration('retryInterval', props.retryInterval);
    const timeout = props.timeout ?? '10m';
    checkDuration('timeout', timeout);
    if (props.targetNamespace !== undefined) checkDnsLabel('targetNamespace', props.targetNamespace);
    const sourceKind = props.sourceKind ?? FluxSourceKind.GIT_REPOSITORY;
    if (!Object.values(FluxSourceKind).includes(sourceKind)) {
      throw new Error(`sourceKind (${show(sourceKind)}) must be one of ${Object.values(FluxSourceKind).map(k => JSON.stringify(k)).join(', ')}`);
    }

    const checks: flux.KustomizationSpecHealthChecks[] = [];
    for (const workload of [props.workload, props.app, props.deploymentApp]) {
      for (const w of workload?.workloads ?? []) {
        checks.push({ apiVersion: w.apiVersion, kind: w.kind, name: w.name, namespace: w.namespace ?? props.targetNamespace });
      }
    }
    (props.healthChecks ?? []).forEach((h, i) => {
      checkDnsSubdomain(`healthChecks[${i}].name`, h.name);
      checks.push({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace ?? props.targetNamespace });
    });

    const path = props.path.startsWith('./') ? props.path : `./${props.path}`;
    this.resource = new flux.Kustomization(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        sourceRef: { kind: sourceKind as unknown as flux.KustomizationSpecSourceRefKind, name: props.sourceName, namespace: props.sourceNamespace },
        path,
        interval,
        retryInterval: props.retryInterval,
        prune: props.prune ?? true,
        wait: props.wait ?? false,
        timeout,
        targetNamespace: props.targetNamespace,
        force: props.force ?? false,
        healthChecks: checks.length > 0 ? checks : undefined,
      },
    });
  }
}

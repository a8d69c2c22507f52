import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkDuration, checkRepoPath } from './common';
import { IStagedWorkload } from '../constructs/shared/staged-workload';
import { checkDnsLabel, show } from '../core/validation';
import * as flux from '../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';

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
   * The wave of a rollout with `rollout.waves` this Kustomization applies: the path becomes that wave's
   * root, `<path>/clusters/<wave>` (a rollout with waves has no root at `path`).
   * @default - no waves: the root at `path`
   */
  readonly wave?: string;
  /**
   * The Secret (in the Kustomization's namespace) holding the kubeconfig of a remote cluster
   * (`spec.kubeConfig.secretRef`): the Kustomization then applies to that cluster, so one management
   * cluster can run one Kustomization per cluster of a fleet. With `serviceAccountName`, Flux impersonates
   * that account on the remote cluster.
   * @default - the cluster the kustomize-controller runs in
   */
  readonly kubeConfigSecretName?: string;
  /**
   * The key of `kubeConfigSecretName` that holds the kubeconfig.
   * @default - Flux's default: `value`, else `value.yaml`
   */
  readonly kubeConfigSecretKey?: string;
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
  /**
   * Kustomizations that must be ready before this one is applied (`dependsOn`), such as the one that
   * installs the Kruise CRDs. Flux looks them up in the cluster its kustomize-controller runs in, and
   * waits until each is Ready and, when it reads the same source, has applied the source's current
   * revision. So on one management cluster (the Kustomizations applying to their clusters by
   * `kubeConfigSecretName`), the Kustomization of wave `prod-eu` depending on the one of `staging`
   * applies a commit only after staging applied it and passed its health checks; with a Flux in each
   * cluster the other cluster's Kustomization is not there to depend on.
   * @default - none
   */
  readonly dependsOn?: FluxDependency[];
  /**
   * The service account Flux impersonates to apply the objects (`serviceAccountName`), for multi-tenant
   * clusters.
   * @default - Flux's own service account
   */
  readonly serviceAccountName?: string;
  /**
   * Also write a `v1 Namespace` object for `targetNamespace`, beside the Kustomization: Flux does not
   * create a target namespace (it has no `createNamespace` field, unlike Argo CD's `CreateNamespace=true`).
   * @default false - the namespace must exist
   */
  readonly createTargetNamespace?: boolean;
}

/** A Kustomization another one depends on. */
export interface FluxDependency {
  /** Its name. */
  readonly name: string;
  /**
   * Its namespace.
   * @default - the namespace of the dependent Kustomization
   */
  readonly namespace?: string;
}

/**
 * A Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1) that applies a rollout directory from a source
 * and reports Ready once the active stage has converged.
 */
export class FluxKustomization extends Construct {
  /** The Kustomization object. */
  public readonly resource: ApiObject;
  /**
   * The Namespace object of `createTargetNamespace`.
   * @default - none
   */
  public readonly namespaceObject?: ApiObject;

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
    if (props.wave !== undefined) checkDnsLabel('wave', props.wave);
    // a rollout with waves has one root per wave and none at its directory
    for (const workload of [props.workload, props.app, props.deploymentApp]) {
      const waves = workload?.waveNames;
      if (waves === undefined) {
        if (workload !== undefined && props.wave !== undefined) {
          throw new Error(`wave (${show(props.wave)}): the rollout of ${workload.node.path} has no waves (rollout.waves); leave wave out`);
        }
        continue;
      }
      if (props.wave === undefined || !waves.includes(props.wave)) {
        throw new Error(`wave (${show(props.wave)}) must name one of the waves of ${workload!.node.path}: ${waves.map(w => JSON.stringify(w)).join(', ')} (a rollout with waves has one root per wave, <path>/clusters/<wave>, and none at path)`);
      }
    }
    if (props.kubeConfigSecretName !== undefined) checkDnsSubdomain('kubeConfigSecretName', props.kubeConfigSecretName);
    if (props.kubeConfigSecretKey !== undefined) {
      if (props.kubeConfigSecretName === undefined) throw new Error(`kubeConfigSecretKey (${show(props.kubeConfigSecretKey)}) needs kubeConfigSecretName: name the Secret that holds the kubeconfig`);
      if (!/^[-._a-zA-Z0-9]+$/.test(props.kubeConfigSecretKey)) throw new Error(`kubeConfigSecretKey (${show(props.kubeConfigSecretKey)}) must be a Secret key: letters, digits, '-', '_' and '.'`);
    }
    const sourceKind = props.sourceKind ?? FluxSourceKind.GIT_REPOSITORY;
    if (!Object.values(FluxSourceKind).includes(sourceKind)) {
      throw new Error(`sourceKind (${show(sourceKind)}) must be one of ${Object.values(FluxSourceKind).map(k => JSON.stringify(k)).join(', ')}`);
    }

    // Flux sets targetNamespace on every object it applies, so the workloads live there when it is set
    const checks: flux.KustomizationSpecHealthChecks[] = [];
    for (const workload of [props.workload, props.app, props.deploymentApp]) {
      for (const w of workload?.workloads ?? []) {
        checks.push({ apiVersion: w.apiVersion, kind: w.kind, name: w.name, namespace: props.targetNamespace ?? w.namespace });
      }
    }
    (props.dependsOn ?? []).forEach((d, i) => {
      checkDnsSubdomain(`dependsOn[${i}].name`, d.name);
      if (d.namespace !== undefined) checkDnsLabel(`dependsOn[${i}].namespace`, d.namespace);
    });
    if (props.serviceAccountName !== undefined) checkDnsSubdomain('serviceAccountName', props.serviceAccountName);
    if (props.createTargetNamespace && props.targetNamespace === undefined) {
      throw new Error('createTargetNamespace (true) needs targetNamespace: name the namespace to create');
    }
    if (props.createTargetNamespace && props.kubeConfigSecretName !== undefined) {
      throw new Error(`createTargetNamespace (true) with kubeConfigSecretName (${show(props.kubeConfigSecretName)}): the Namespace would be created beside the Kustomization, not in the remote cluster it applies to; create it in that cluster (for example in the rollout's tree with addToTree) and leave createTargetNamespace out`);
    }
    (props.healthChecks ?? []).forEach((h, i) => {
      checkDnsSubdomain(`healthChecks[${i}].name`, h.name);
      checks.push({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace ?? props.targetNamespace });
    });

    const root = props.path.startsWith('./') ? props.path : `./${props.path}`;
    const path = props.wave !== undefined ? `${root}/clusters/${props.wave}` : root;
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
        dependsOn: props.dependsOn?.map(d => ({ name: d.name, namespace: d.namespace })),
        serviceAccountName: props.serviceAccountName,
        kubeConfig: props.kubeConfigSecretName !== undefined ? { secretRef: { name: props.kubeConfigSecretName, key: props.kubeConfigSecretKey } } : undefined,
      },
    });
    if (props.createTargetNamespace) {
      this.namespaceObject = new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.targetNamespace! } });
      if (Chart.of(this).namespace !== undefined) {
        // a Namespace is cluster-scoped: drop the chart's namespace cdk8s puts on every object
        this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
  }
}

/** Props of `FluxGitRepository`. */
export interface FluxGitRepositoryProps {
  /**
   * The GitRepository name (what `FluxKustomization.sourceName` refers to).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Its namespace.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /** The repository URL (`https://` or `ssh://`). */
  readonly url: string;
  /**
   * The branch to follow.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * How often Flux fetches.
   * @default '1m'
   */
  readonly interval?: string;
  /**
   * The Secret with the credentials.
   * @default - none: a public repository
   */
  readonly secretName?: string;
}

/**
 * A Flux `GitRepository` (source.toolkit.fluxcd.io/v1): the source the Kustomizations of the rollout
 * directories read. Written as a plain ApiObject (no generated types for the source CRD).
 */
export class FluxGitRepository extends Construct {
  /** The GitRepository object. */
  public readonly resource: ApiObject;
  /** Its name. */
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: FluxGitRepositoryProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    const namespace = props.namespace ?? 'flux-system';
    checkDnsLabel('namespace', namespace);
    if (!/^(https?|ssh):\/\/\S+$/.test(props.url)) {
      throw new Error(`url (${show(props.url)}) must be an http(s):// or ssh:// repository URL`);
    }
    const interval = props.interval ?? '1m';
    checkDuration('interval', interval);
    const branch = props.branch ?? 'main';
    if (branch.trim() === '' || /\s/.test(branch)) throw new Error(`branch (${show(branch)}) must be a branch name`);
    if (props.secretName !== undefined) checkDnsSubdomain('secretName', props.secretName);
    this.name = name;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name, namespace },
      spec: { interval, url: props.url, ref: { branch }, ...(props.secretName ? { secretRef: { name: props.secretName } } : {}) },
    });
  }
}

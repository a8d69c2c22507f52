import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkNonEmpty, checkRepoPath } from './common';
import * as app from '../imports/argocd-application-argoproj.io';
import * as appset from '../imports/argocd-applicationset-argoproj.io';
import { checkDnsLabel, checkLabels, show } from '../core/validation';

/** What Argo CD applications built here have in common. */
export interface ArgoCdSyncOptions {
  /**
   * The Argo CD namespace the Application lives in.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /** The Git repository URL. */
  readonly repoUrl: string;
  /**
   * The branch, tag or commit to follow.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /** The rollout directory in the repository, such as `dist/web`: Argo CD builds its root kustomization. */
  readonly path: string;
  /**
   * The namespace objects without one are applied to.
   * @default - none: the objects' own namespace
   */
  readonly destinationNamespace?: string;
  /**
   * Sync automatically on every commit (so a promotion commit is a release).
   * @default true
   */
  readonly automated?: boolean;
  /**
   * With automated sync, delete objects removed from Git.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * With automated sync, revert changes made in the cluster (a `kubectl patch` of the partition).
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Sync options such as `CreateNamespace=true` or `ServerSideApply=true`.
   * @default - none
   */
  readonly syncOptions?: string[];
}

/** Props of `ArgoCdApplication`. */
export interface ArgoCdApplicationProps extends ArgoCdSyncOptions {
  /**
   * The Application name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The destination cluster's API server URL.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in), unless destinationName is set
   */
  readonly destinationServer?: string;
  /**
   * The destination cluster's name in Argo CD, instead of `destinationServer`.
   * @default - use destinationServer
   */
  readonly destinationName?: string;
}

function syncPolicy(o: ArgoCdSyncOptions): app.ApplicationSpecSyncPolicy | undefined {
  const automated = o.automated ?? true;
  if (!automated && (o.prune !== undefined || o.selfHeal !== undefined)) {
    throw new Error(`prune (${show(o.prune)}) and selfHeal (${show(o.selfHeal)}) need automated sync: set automated to true or leave them out`);
  }
  if (!automated && o.syncOptions === undefined) {
    return undefined;
  }
  return {
    automated: automated ? { prune: o.prune ?? true, selfHeal: o.selfHeal ?? true } : undefined,
    syncOptions: o.syncOptions,
  };
}

function sourceOf(o: ArgoCdSyncOptions): app.ApplicationSpecSource {
  return { repoUrl: o.repoUrl, targetRevision: o.targetRevision ?? 'HEAD', path: o.path.replace(/^\.\//, '') };
}

function checkCommon(o: ArgoCdSyncOptions): void {
  checkDnsLabel('namespace', o.namespace ?? 'argocd');
  checkNonEmpty('project', o.project ?? 'default');
  checkNonEmpty('repoUrl', o.repoUrl);
  checkNonEmpty('targetRevision', o.targetRevision ?? 'HEAD');
  checkRepoPath('path', o.path);
  if (o.destinationNamespace !== undefined) checkDnsLabel('destinationNamespace', o.destinationNamespace);
}

/**
 * An Argo CD `Application` that applies a rollout directory from Git. Argo CD builds the root
 * kustomization (the active stage), applies it, and reports the StatefulSet Healthy once
 * `observedGeneration` caught up, every pod is ready and `updatedReplicas >= replicas - partition`
 * (gitops-engine's StatefulSet health): a stage is done when the Application is Synced and Healthy.
 */
export class ArgoCdApplication extends Construct {
  /** The Application object (use `addJsonPatch` for fields these props do not cover). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    checkCommon(props);
    if (props.destinationServer !== undefined && props.destinationName !== undefined) {
      throw new Error(`destinationServer (${show(props.destinationServer)}) and destinationName (${show(props.destinationName)}) cannot both be set: name the cluster one way`);
    }
    this.resource = new app.Application(this, 'Resource', {
      metadata: { name, namespace: props.namespace ?? 'argocd' },
      spec: {
        project: props.project ?? 'default',
        source: sourceOf(props),
        destination: {
          server: props.destinationName === undefined ? props.destinationServer ?? 'https://kubernetes.default.svc' : undefined,
          name: props.destinationName,
          namespace: props.destinationNamespace,
        },
        syncPolicy: syncPolicy(props),
      },
    });
  }
}

/** A cluster of an ApplicationSet's list generator. */
export interface ArgoCdCluster {
  /** The cluster's name (used in the Application name `<name>-<cluster>`). */
  readonly name: string;
  /** The cluster's API server URL. */
  readonly server: string;
}

/** Props of `ArgoCdApplicationSet`. */
export interface ArgoCdApplicationSetProps extends ArgoCdSyncOptions {
  /**
   * The ApplicationSet name; each generated Application is `<name>-<cluster name>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The clusters, listed (a list generator).
   * @default - use clusterSelector
   */
  readonly clusters?: ArgoCdCluster[];
  /**
   * The clusters registered in Argo CD whose labels match (a clusters generator).
   * @default - use clusters
   */
  readonly clusterSelector?: { [label: string]: string };
}

/**
 * An Argo CD `ApplicationSet` that fans one rollout directory out to many clusters: every cluster gets an
 * Application for the same path, so a promotion commit moves every cluster to the next stage.
 */
export class ArgoCdApplicationSet extends Construct {
  /** The ApplicationSet object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsSubdomain('name', name);
    checkCommon(props);
    if ((props.clusters === undefined) === (props.clusterSelector === undefined)) {
      throw new Error(`clusters (${show(props.clusters)}) and clusterSelector (${show(props.clusterSelector)}): set exactly one of them`);
    }
    const generator: appset.ApplicationSetSpecGenerators = props.clusters !== undefined
      ? { list: { elements: props.clusters.map((c, i) => {
        checkDnsLabel(`clusters[${i}].name`, c.name);
        checkNonEmpty(`clusters[${i}].server`, c.server);
        return { name: c.name, server: c.server };
      }) } }
      : { clusters: { selector: { matchLabels: (checkLabels('clusterSelector', props.clusterSelector!), props.clusterSelector) } } };
    if (props.clusters !== undefined && props.clusters.length === 0) {
      throw new Error('clusters ([]) must list at least one cluster');
    }
    const sync = syncPolicy(props);
    this.resource = new appset.ApplicationSet(this, 'Resource', {
      metadata: { name, namespace: props.namespace ?? 'argocd' },
      spec: {
        generators: [generator],
        template: {
          metadata: { name: `${name}-{{name}}` },
          spec: {
            project: props.project ?? 'default',
            source: sourceOf(props),
            destination: { server: '{{server}}', namespace: props.destinationNamespace },
            syncPolicy: sync && { automated: sync.automated, syncOptions: sync.syncOptions },
          },
        },
      },
    });
  }
}

import { k8s } from 'cdk8s-plus-27';

/** `spec.podManagementPolicy`. */
export enum PodManagementPolicy {
  /** Create pods in order and wait for each to be Ready (the Kubernetes default). */
  ORDERED_READY = 'OrderedReady',
  /** Create and delete pods in parallel. */
  PARALLEL = 'Parallel',
}

/** `persistentVolumeClaimRetentionPolicy` values. */
export enum PvcRetention {
  /** Keep the claims (the Kubernetes default). */
  RETAIN = 'Retain',
  /** Delete the claims. */
  DELETE = 'Delete',
}

/** A network protocol. */
export enum Protocol {
  /** TCP (the Kubernetes default). */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

/** `imagePullPolicy`. */
export enum ImagePullPolicy {
  /** Always pull. */
  ALWAYS = 'Always',
  /** Pull when the image is not on the node. */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Never pull. */
  NEVER = 'Never',
}

/** `dnsPolicy` of a pod. */
export enum DnsPolicy {
  /** The cluster DNS first, then the node's upstream servers (the Kubernetes default). */
  CLUSTER_FIRST = 'ClusterFirst',
  /** ClusterFirst for a pod on the host network. */
  CLUSTER_FIRST_WITH_HOST_NET = 'ClusterFirstWithHostNet',
  /** The node's resolution (`/etc/resolv.conf` of the node). */
  DEFAULT = 'Default',
  /** Only what `dnsConfig` gives (it must list at least one nameserver). */
  NONE = 'None',
}

/** `volumeMode` of a persistent volume claim. */
export enum VolumeMode {
  /** A mounted filesystem (the Kubernetes default). */
  FILESYSTEM = 'Filesystem',
  /** A raw block device (mount it with `volumeDevices`). */
  BLOCK = 'Block',
}

/** Access modes of a persistent volume claim. */
export enum AccessMode {
  /** Read-write by one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Read-write by one pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/** `persistentVolumeClaimRetentionPolicy` of a StatefulSet. */
export interface PvcRetentionPolicy {
  /**
   * What happens to the claims when the StatefulSet is deleted.
   * @default PvcRetention.RETAIN
   */
  readonly whenDeleted?: PvcRetention;
  /**
   * What happens to the claims of pods removed by a scale-down.
   * @default PvcRetention.RETAIN
   */
  readonly whenScaled?: PvcRetention;
}

/** A port of a Service: the headless Service of a StatefulApp, the Service of a DeploymentApp. */
export interface ServicePort {
  /**
   * The port name (an IANA service name). A StatefulApp's headless Service names every port; a
   * DeploymentApp's Service needs names when it has more than one port.
   * @default - none (refused for a headless Service)
   */
  readonly name?: string;
  /** The port number. */
  readonly port: number;
  /**
   * The container port: a number, or the name of a container port (`targetPortName`).
   * @default - the same as `port`
   */
  readonly targetPort?: number;
  /**
   * The name of a container port to target instead of a number.
   * @default - `targetPort`
   */
  readonly targetPortName?: string;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
  /**
   * The node port (NodePort and LoadBalancer Services of a DeploymentApp).
   * @default - allocated by the cluster
   */
  readonly nodePort?: number;
  /**
   * The application protocol (`appProtocol`): an IANA service name or a domain-prefixed name.
   * @default - not emitted
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol
   */
  readonly appProtocol?: string;
}

/** `spec.ipFamilyPolicy` of a Service. */
export enum IpFamilyPolicy {
  /** One IP family (the cluster's default). */
  SINGLE_STACK = 'SingleStack',
  /** Both families where the cluster has them. */
  PREFER_DUAL_STACK = 'PreferDualStack',
  /** Both families, or the Service is refused. */
  REQUIRE_DUAL_STACK = 'RequireDualStack',
}

/** The headless Service bound to the StatefulSet by `serviceName`. */
export interface HeadlessServiceOptions {
  /**
   * The Service name (a DNS-1035 label): it names the pods' DNS domain.
   * @default - the StatefulSet name
   */
  readonly name?: string;
  /**
   * The Service ports.
   * @default - one port for each named container port: same number, same name, targetPort the name
   */
  readonly ports?: ServicePort[];
  /**
   * Publish DNS records for pods that are not ready, so peers can find each other while they start.
   * @default - not emitted (Kubernetes: false)
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * The Service labels. They replace the app's `labels` (they are not merged with them): set them to
   * label the Service differently from the StatefulSet.
   * @default - the app's `labels`
   */
  readonly labels?: { [key: string]: string };
  /**
   * Service annotations.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Write `type: ClusterIP` (a headless Service is always ClusterIP; some manifests say so explicitly).
   * @default false - not emitted
   */
  readonly explicitType?: boolean;
  /**
   * The IP family policy.
   * @default - not emitted (the cluster's default, SingleStack)
   * @see https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services
   */
  readonly ipFamilyPolicy?: IpFamilyPolicy;
}

/** A claim template: each pod gets its own PersistentVolumeClaim `<name>-<statefulset>-<ordinal>`. */
export interface VolumeClaimTemplate {
  /** The claim name (a DNS-1123 label); mount it in a container under this name. */
  readonly name: string;
  /** The requested size, a quantity such as `1Gi`. */
  readonly storage: string;
  /**
   * The access modes.
   * @default [AccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: AccessMode[];
  /**
   * The storage class.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * Labels of the claims.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the claims (such as a storage provisioner's options).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * A label query over the persistent volumes to bind (a pre-provisioned volume).
   * @default - any volume of the storage class
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#selector
   */
  readonly selector?: k8s.LabelSelector;
  /**
   * A filesystem or a raw block device.
   * @default - not emitted (Filesystem)
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-mode
   */
  readonly volumeMode?: VolumeMode;
  /**
   * Populate each claim from a VolumeSnapshot (`apiGroup: snapshot.storage.k8s.io`) or another
   * PersistentVolumeClaim.
   * @default - an empty volume
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support
   */
  readonly dataSource?: k8s.TypedLocalObjectReference;
}

import { k8s } from 'cdk8s-plus-27';
import { Protocol, ServicePort } from './types';
import { checkInteger, checkOneOf, checkPortName, show } from '../../core/validation';

/** What kind of Service the ports belong to. */
export interface ServicePortRules {
  /** A headless Service (StatefulSet): every port named; no port at all is allowed. */
  readonly headless: boolean;
  /** NodePort or LoadBalancer: `nodePort` is allowed. */
  readonly nodePorts: boolean;
}

/**
 * Check and render the ports of a Service. Without `given`, one port per named container port (same
 * number, same name, targetPort the name). Port names must be unique; a Service that is not headless
 * needs at least one port, and names on each when it has several.
 */
export function renderServicePorts(given: ServicePort[] | undefined, containers: k8s.Container[], rules: ServicePortRules): k8s.ServicePort[] {
  const ports: k8s.ServicePort[] = given !== undefined
    ? given.map((p, i) => renderServicePort(i, p, rules))
    : containers.flatMap(c => (c.ports ?? []).filter(p => p.name !== undefined).map((p): k8s.ServicePort => ({
      name: p.name, port: p.containerPort, targetPort: k8s.IntOrString.fromString(p.name!), protocol: p.protocol,
    })));
  if (!rules.headless && ports.length === 0) {
    throw new Error(`service.ports (${show(given ?? [])}) must list at least one port: no container port is named, so none can be derived`);
  }
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && p.name === undefined) {
      throw new Error(`service.ports[${i}].name (undefined) must be set: a Service with more than one port names each one`);
    }
    if (p.name !== undefined && seen.has(p.name)) {
      throw new Error(`service port name (${show(p.name)}) is used twice: Service port names must be unique`);
    }
    if (p.name !== undefined) seen.add(p.name);
  });
  return ports;
}

function renderServicePort(i: number, p: ServicePort, rules: ServicePortRules): k8s.ServicePort {
  // a single port may go unnamed (Cassandra's headless Service has one); several need names (checked above)
  if (p.name !== undefined) checkPortName(`service.ports[${i}].name`, p.name);
  checkInteger(`service.ports[${i}].port`, p.port, 1, 65535);
  if (p.targetPort !== undefined && p.targetPortName !== undefined) {
    throw new Error(`service.ports[${i}] (${show(p.name ?? p.port)}) must set targetPort or targetPortName, not both`);
  }
  if (p.targetPort !== undefined) checkInteger(`service.ports[${i}].targetPort`, p.targetPort, 1, 65535);
  if (p.targetPortName !== undefined) checkPortName(`service.ports[${i}].targetPortName`, p.targetPortName);
  if (p.protocol !== undefined) checkOneOf(`service.ports[${i}].protocol`, p.protocol, Object.values(Protocol));
  if (p.nodePort !== undefined) {
    if (!rules.nodePorts) {
      throw new Error(`service.ports[${i}].nodePort (${p.nodePort}) needs service.type NodePort or LoadBalancer, not ClusterIP`);
    }
    checkInteger(`service.ports[${i}].nodePort`, p.nodePort, 1, 65535);
  }
  const target = p.targetPortName !== undefined
    ? k8s.IntOrString.fromString(p.targetPortName)
    : p.targetPort !== undefined ? k8s.IntOrString.fromNumber(p.targetPort) : undefined;
  if (p.appProtocol !== undefined && (typeof p.appProtocol !== 'string' || !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(p.appProtocol) || p.appProtocol.length > 316)) {
    throw new Error(`service.ports[${i}].appProtocol (${show(p.appProtocol)}) must be an IANA service name or a domain-prefixed name such as "kubernetes.io/h2c"`);
  }
  return { name: p.name, port: p.port, targetPort: target, protocol: p.protocol, appProtocol: p.appProtocol, nodePort: p.nodePort };
}

import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  ArgoCdApplication, DeploymentApp, DeploymentAppProps, DeploymentStrategy, FluxKustomization, ServiceType, KruisePodUpdatePolicy, PercentOrAbsolute, PodManagementPolicy, RolloutPlan,
  StagedApp, StageSize, StatefulApp, StatefulAppProps, StatefulSetBackend, StatefulSetUpdateStrategy, UpdatePriority,
} from '../../../src';
import { runCli } from '../../../src/cli/cli';
import { readTree, stagedApp, stagedDeployment, tempDir } from '../../support/synth';

/**
 * The bad-input corpus: every case must fail with a plain Error (or, for the CLI, a non-zero exit and no
 * stack trace) whose message names the field, shows the value and says what is allowed; nothing on disk
 * changes.
 */
interface Case {
  /** What is wrong. */
  readonly name: string;
  /** Words the message must contain: the field, the value as shown, and what is allowed. */
  readonly says: string[];
}
interface ConstructCase extends Case { readonly run: () => unknown }
interface CliCase extends Case {
  /** Break the committed tree (root is the repository, dir the rollout directory); return the CLI arguments. */
  readonly tamper: (dir: string, root: string) => string[];
  readonly exit?: number;
}

const c = { name: 'c', image: 'nginx:1' };
const app = (props: Partial<StatefulAppProps>) => () => new StatefulApp(new Chart(Testing.app(), 'x'), 'app', { containers: [c], ...props } as StatefulAppProps);

const constructCases: ConstructCase[] = [
  { name: 'name with capitals', run: app({ name: 'Web' }), says: ['name', '"Web"', 'DNS-1123 label'] },
  { name: 'name with a dot', run: app({ name: 'web.1' }), says: ['name', '"web.1"', 'DNS-1123 label'] },
  { name: 'name too long for revision labels', run: app({ name: 'a'.repeat(60) }), says: ['name', 'a'.repeat(60), 'at most 52'] },
  { name: 'replicas negative', run: app({ replicas: -3 }), says: ['replicas', '(-3)', 'integer between 0 and 10000'] },
  { name: 'replicas NaN', run: app({ replicas: NaN }), says: ['replicas', '(NaN)', 'integer between 0 and 10000'] },
  { name: 'ordinalsStart fractional', run: app({ ordinalsStart: 0.5 }), says: ['ordinalsStart', '(0.5)', 'integer between 0 and 2147483647'] },
  { name: 'revisionHistoryLimit negative', run: app({ revisionHistoryLimit: -1 }), says: ['revisionHistoryLimit', '(-1)', 'integer between 0 and 2147483647'] },
  { name: 'terminationGracePeriodSeconds negative', run: app({ terminationGracePeriodSeconds: -10 }), says: ['terminationGracePeriodSeconds', '(-10)', 'integer between 0 and 2147483647'] },
  { name: 'podManagementPolicy unknown', run: app({ podManagementPolicy: 'Serial' as any }), says: ['podManagementPolicy', '"Serial"', '"OrderedReady", "Parallel"'] },
  { name: 'no containers', run: app({ containers: [] }), says: ['containers', '([])', 'at least one container'] },
  { name: 'container name with underscore', run: app({ containers: [{ name: 'my_c', image: 'i' }] }), says: ['containers[0].name', '"my_c"', 'DNS-1123 label'] },
  { name: 'image with a space', run: app({ containers: [{ name: 'c', image: 'nginx 1' }] }), says: ['containers[0].image', '"nginx 1"', 'no spaces'] },
  { name: 'imagePullPolicy unknown', run: app({ containers: [{ ...c, imagePullPolicy: 'Sometimes' as any }] }), says: ['containers[0].imagePullPolicy', '"Sometimes"', '"Always", "IfNotPresent", "Never"'] },
  { name: 'containerPort 0', run: app({ containers: [{ ...c, ports: [{ containerPort: 0 }] }] }), says: ['containers[0].ports[0].containerPort', '(0)', 'between 1 and 65535'] },
  { name: 'port name with --', run: app({ containers: [{ ...c, ports: [{ containerPort: 80, name: 'we--b' }] }] }), says: ['containers[0].ports[0].name', '"we--b"', 'IANA service name'] },
  { name: 'port name twice', run: app({ containers: [{ ...c, ports: [{ containerPort: 80, name: 'web' }, { containerPort: 81, name: 'web' }] }] }), says: ['containers[0].ports[1].name', '"web"', 'unique'] },
  { name: 'port protocol unknown', run: app({ containers: [{ ...c, ports: [{ containerPort: 80, protocol: 'HTTP' as any }] }] }), says: ['containers[0].ports[0].protocol', '"HTTP"', '"TCP", "UDP", "SCTP"'] },
  { name: 'env name twice', run: app({ containers: [{ ...c, env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] }), says: ['containers[0].env[1].name', '"A"', 'unique'] },
  { name: 'env value and valueFrom', run: app({ containers: [{ ...c, env: [{ name: 'A', value: '1', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }), says: ['containers[0].env[0]', '"A"', 'value or valueFrom, not both'] },
  { name: 'resource request malformed', run: app({ containers: [{ ...c, resources: { requests: { cpu: 'half' } } }] }), says: ['containers[0].resources.requests.cpu', '"half"', 'Kubernetes quantity'] },
  { name: 'mount of an unknown volume', run: app({ containers: [{ ...c, volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }), says: ['containers[0].volumeMounts[0].name', '"data"', 'volumeClaimTemplate or a volume'] },
  { name: 'mount path relative', run: app({ containers: [{ ...c, volumeMounts: [{ name: 'data', mountPath: 'd' }] }], volumeClaimTemplates: [{ name: 'data', storage: '1Gi' }] }), says: ['containers[0].volumeMounts[0].mountPath', '"d"', 'absolute path'] },
  { name: 'claim size malformed', run: app({ volumeClaimTemplates: [{ name: 'data', storage: 'ten gigs' }] }), says: ['volumeClaimTemplates[0].storage', '"ten gigs"', 'Kubernetes quantity'] },
  { name: 'claim access mode unknown', run: app({ volumeClaimTemplates: [{ name: 'data', storage: '1Gi', accessModes: ['ReadWriteSometimes' as any] }] }), says: ['volumeClaimTemplates[0].accessModes[0]', '"ReadWriteSometimes"', '"ReadWriteOnce"'] },
  { name: 'claim access modes empty', run: app({ volumeClaimTemplates: [{ name: 'data', storage: '1Gi', accessModes: [] }] }), says: ['volumeClaimTemplates[0].accessModes', '([])', 'at least one access mode'] },
  { name: 'storage class with capitals', run: app({ volumeClaimTemplates: [{ name: 'data', storage: '1Gi', storageClassName: 'Fast' }] }), says: ['volumeClaimTemplates[0].storageClassName', '"Fast"', 'DNS-1123 subdomain'] },
  { name: 'Service port with an empty name', run: app({ service: { ports: [{ port: 80, name: '' }] } }), says: ['service.ports[0].name', '("")', 'must be an IANA service name'] },
  { name: 'Service ports unnamed', run: app({ service: { ports: [{ port: 80 }, { port: 81 }] } }), says: ['service.ports[0].name', '(undefined)', 'must be set: a Service with more than one port names each one'] },
  { name: 'Service port out of range', run: app({ service: { ports: [{ port: 70000, name: 'web' }] } }), says: ['service.ports[0].port', '(70000)', 'between 1 and 65535'] },
  { name: 'Service port with both targets', run: app({ service: { ports: [{ port: 80, name: 'web', targetPort: 8080, targetPortName: 'http' }] } }), says: ['service.ports[0]', '"web"', 'targetPort or targetPortName, not both'] },
  { name: 'Service name starting with a digit', run: app({ service: { name: '9web' } }), says: ['service.name', '"9web"', 'DNS-1035 label'] },
  { name: 'selector empty', run: app({ selectorLabels: {} }), says: ['selectorLabels', '({})', 'may not be empty'] },
  { name: 'selector label key invalid', run: app({ selectorLabels: { 'app name': 'x' } }), says: ['selectorLabels key', '"app name"', 'label key'] },
  { name: 'selector not matching template labels', run: app({ selectorLabels: { app: 'a' }, podLabels: { app: 'b' } }), says: ['podLabels["app"]', '"b"', 'selector must match the template labels'] },
  { name: 'label value too long', run: app({ labels: { team: 'x'.repeat(64) } }), says: ['labels["team"]', 'x'.repeat(64), 'at most 63'] },
  { name: 'PVC retention unknown', run: app({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' as any } }), says: ['persistentVolumeClaimRetentionPolicy.whenDeleted', '"Keep"', '"Retain", "Delete"'] },
  { name: 'OnDelete with a rollout', run: app({ updateStrategy: StatefulSetUpdateStrategy.onDelete(), rollout: { plan: RolloutPlan.staged() } }), says: ['updateStrategy', 'OnDelete', 'RollingUpdate'] },
  { name: 'partition beside a rollout', run: app({ updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 }), rollout: { plan: RolloutPlan.staged() } }), says: ['updateStrategy.rollingUpdate.partition', '(2)', 'cannot be set with a rollout plan'] },
  { name: 'partition negative', run: () => StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }), says: ['updateStrategy.rollingUpdate.partition', '(-1)', 'between 0 and 2147483647'] },
  { name: 'maxUnavailable 0', run: () => StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(0) }), says: ['updateStrategy.rollingUpdate.maxUnavailable', '(0)', 'count >= 1 or a percentage between 1% and 100%'] },
  { name: 'maxUnavailable 150%', run: () => StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(150) }), says: ['updateStrategy.rollingUpdate.maxUnavailable', '(150%)', 'between 1% and 100%'] },
  { name: 'unknown active stage', run: app({ replicas: 3, rollout: { plan: RolloutPlan.canary(), activeStage: 'prod' } }), says: ['rollout.activeStage', '"prod"', '"hold", "canary", "percent-50", "complete"'] },
  { name: 'rollout directory absolute', run: app({ rollout: { plan: RolloutPlan.staged(), directory: '/etc/web' } }), says: ['rollout.directory', '"/etc/web"', 'relative path below the output directory'] },
  { name: 'rollout directory escaping', run: app({ rollout: { plan: RolloutPlan.staged(), directory: 'a/../../b' } }), says: ['rollout.directory', '"a/../../b"', "no '..'"] },
  { name: 'rollout plan of the wrong type', run: app({ rollout: { plan: {} as any } }), says: ['rollout.plan', '({})', 'RolloutPlan'] },
  // plans
  { name: 'empty plan', run: () => RolloutPlan.fromStages([]), says: ['stages', '([])', 'at least one stage', 'RolloutPlan.staged()'] },
  { name: 'stage name twice', run: () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.pods(1) }, { name: 'a', size: StageSize.pods(2) }]).resolve(4), says: ['stage name', '"a"', 'used twice', 'unique'] },
  { name: 'stage named complete', run: () => RolloutPlan.fromStages([{ name: 'complete', size: StageSize.pods(1) }]).resolve(4), says: ['stage name', '"complete"', 'used twice'] },
  { name: 'partitions not decreasing', run: () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.pods(2) }, { name: 'b', size: StageSize.pods(1) }]).resolve(4), says: ['stage "b"', 'partition 3', 'strictly decrease'] },
  { name: 'stage equal to its neighbour', run: () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.percent(10) }, { name: 'b', size: StageSize.percent(20) }]).resolve(4), says: ['stage "b"', 'the same partition as stage "a"', 'strictly decrease'] },
  { name: 'stage updating every pod', run: () => RolloutPlan.fromStages([{ name: 'all', size: StageSize.pods(4) }]).resolve(4), says: ['stage "all"', '4 of 4 pods', 'at most replicas - 1 (3)'] },
  { name: 'malformed percentage "%50"', run: () => StageSize.parse('%50'), says: ['stage size', '"%50"', 'percentage such as "25%"'] },
  { name: 'percentage with three decimals', run: () => StageSize.percent(33.333), says: ['stage size', '(33.333%)', 'at most two decimals'] },
  { name: 'zero pods', run: () => StageSize.pods(0), says: ['stage size', '(0)', '>= 1'] },
  { name: 'exponential factor 0.5', run: () => RolloutPlan.exponential({ factor: 0.5 }), says: ['factor', '(0.5)', 'greater than 1'] },
  { name: 'negative ordinals.start in resolve', run: () => RolloutPlan.staged().resolve(3, -1), says: ['ordinals.start', '(-1)', 'integer between 0 and 2147483647'] },
  // Kruise
  { name: 'Kruise priority without Parallel', run: app({ podManagementPolicy: PodManagementPolicy.ORDERED_READY, backend: StatefulSetBackend.kruise({ priority: UpdatePriority.order(['rank']) }) }), says: ['kruise.priority', '"OrderedReady"', 'needs podManagementPolicy Parallel'] },
  { name: 'Kruise weight 200', run: () => UpdatePriority.weight([{ weight: 200, matchLabels: { a: 'b' } }]), says: ['priority.weight[0].weight', '(200)', 'between 0 and 100'] },
  { name: 'Kruise minReadySeconds 301', run: () => StatefulSetBackend.kruise({ minReadySeconds: 301 }), says: ['kruise.minReadySeconds', '(301)', 'between 0 and 300'] },
  { name: 'Kruise reserve range reversed', run: () => StatefulSetBackend.kruise({ reserveOrdinals: ['9-2'] }), says: ['kruise.reserveOrdinals[0]', '"9-2"', 'a <= b'] },
  { name: 'Kruise grace period without in-place', run: () => StatefulSetBackend.kruise({ podUpdatePolicy: KruisePodUpdatePolicy.RECREATE, inPlaceGracePeriodSeconds: 3 }), says: ['kruise.inPlaceGracePeriodSeconds', '(3)', 'InPlaceIfPossible or InPlaceOnly'] },
  // GitOps
  { name: 'Argo CD path escaping the repository', run: () => new ArgoCdApplication(new Chart(Testing.app(), 'g'), 'a', { repoUrl: 'r', path: 'dist/../../x' }), says: ['path', '"dist/../../x"', 'relative path inside the repository'] },
  { name: 'Argo CD namespace invalid', run: () => new ArgoCdApplication(new Chart(Testing.app(), 'g'), 'a', { repoUrl: 'r', path: 'd', namespace: 'Argo' }), says: ['namespace', '"Argo"', 'DNS-1123 label'] },
  { name: 'Flux interval malformed', run: () => new FluxKustomization(new Chart(Testing.app(), 'g'), 'f', { sourceName: 's', path: 'd', interval: '1 hour' }), says: ['interval', '"1 hour"', 'Go duration'] },
  { name: 'Flux source name invalid', run: () => new FluxKustomization(new Chart(Testing.app(), 'g'), 'f', { sourceName: 'My Repo', path: 'd' }), says: ['sourceName', '"My Repo"', 'DNS-1123 subdomain'] },
];

const dc = { name: 'c', image: 'nginx:1', ports: [{ name: 'http', containerPort: 8080 }] };
const deployment = (props: Partial<DeploymentAppProps>) => () => new DeploymentApp(new Chart(Testing.app(), 'x'), 'app', { containers: [dc], ...props } as DeploymentAppProps);

/** DeploymentApp: the Deployment knobs and the two rollout styles. */
const deploymentCases: ConstructCase[] = [
  { name: 'Deployment replicas negative', run: deployment({ replicas: -1 }), says: ['replicas', '(-1)', 'integer between 0 and 10000'] },
  { name: 'Deployment replicas fractional', run: deployment({ replicas: 1.5 }), says: ['replicas', '(1.5)', 'integer'] },
  { name: 'Deployment maxSurge and maxUnavailable both 0%', run: () => DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(0), maxUnavailable: PercentOrAbsolute.percent(0) }), says: ['maxUnavailable', '(0%)', 'may not be 0 when maxSurge is 0'] },
  { name: 'Deployment maxUnavailable 150%', run: () => DeploymentStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(150) }), says: ['maxUnavailable', '(150%)', 'not be greater than 100%'] },
  { name: 'Deployment maxUnavailable a plain number', run: () => DeploymentStrategy.rollingUpdate({ maxUnavailable: 2 as any }), says: ['maxUnavailable', '(2)', 'PercentOrAbsolute'] },
  { name: 'Deployment progressDeadlineSeconds below minReadySeconds', run: deployment({ minReadySeconds: 60, progressDeadlineSeconds: 30 }), says: ['progressDeadlineSeconds', '(30)', 'greater than minReadySeconds (60)'] },
  { name: 'Deployment minReadySeconds above the default deadline', run: deployment({ minReadySeconds: 900 }), says: ['progressDeadlineSeconds', '600, the Kubernetes default', 'greater than minReadySeconds (900)'] },
  { name: 'Deployment progressDeadlineSeconds fractional', run: deployment({ progressDeadlineSeconds: 10.5 }), says: ['progressDeadlineSeconds', '(10.5)', 'integer between 1 and 2147483647'] },
  { name: 'Deployment Service name with a digit first', run: deployment({ service: { name: '1api' } }), says: ['service.name', '"1api"', 'DNS-1035 label'] },
  { name: 'Deployment Service port 0', run: deployment({ service: { ports: [{ port: 0 }] } }), says: ['service.ports[0].port', '(0)', 'between 1 and 65535'] },
  { name: 'Deployment Service port names repeated', run: deployment({ service: { ports: [{ name: 'web', port: 80 }, { name: 'web', port: 81 }] } }), says: ['service port name', '"web"', 'unique'] },
  { name: 'Deployment Service target port and name both', run: deployment({ service: { ports: [{ port: 80, targetPort: 8080, targetPortName: 'http' }] } }), says: ['service.ports[0]', '(80)', 'not both'] },
  { name: 'Deployment nodePort on ClusterIP', run: deployment({ service: { type: ServiceType.CLUSTER_IP, ports: [{ port: 80, nodePort: 30001 }] } }), says: ['nodePort', '(30001)', 'NodePort or LoadBalancer'] },
  { name: 'Deployment rollout with canary and blueGreen', run: deployment({ rollout: { canary: {}, blueGreen: {} } }), says: ['rollout', 'canary and blueGreen', 'exactly one'] },
  { name: 'Deployment canary track label in podLabels', run: deployment({ podLabels: { track: 'x' }, rollout: { canary: {} } }), says: ['trackLabel', '"track"', 'choose another key'] },
  { name: 'Deployment canary name invalid', run: deployment({ rollout: { canary: { canaryName: 'App_Canary' } } }), says: ['rollout.canary.canaryName', '"App_Canary"', 'DNS-1123 label'] },
  { name: 'Deployment blue/green colour label in the selector', run: deployment({ selectorLabels: { app: 'a', color: 'red' }, rollout: { blueGreen: {} } }), says: ['colorLabel', '"color"', 'choose another key'] },
  { name: 'Deployment blue/green name too long for the colours', run: deployment({ name: 'a'.repeat(60), service: { name: 'api' }, rollout: { blueGreen: {} } }), says: ['name', `"${'a'.repeat(60)}"`, 'at most 57'] },
  { name: 'Deployment canary name too long for the canary', run: deployment({ name: 'b'.repeat(60), rollout: { canary: {} } }), says: ['name', `"${'b'.repeat(60)}"`, 'at most 56'] },
  { name: 'Deployment preview Service type unknown', run: deployment({ rollout: { blueGreen: { previewServiceType: 'Ingress' as any } } }), says: ['previewServiceType', '"Ingress"', 'must be one of'] },
  { name: 'Deployment pinned stage of another style', run: deployment({ replicas: 4, rollout: { canary: {}, activeStage: 'switch' } }), says: ['rollout.activeStage', '"switch"', '"hold", "canary", "percent-50", "complete"'] },
];

/** Replace a JSON field of a file. */
function editJson(file: string, edit: (o: any) => void): void {
  const o = JSON.parse(fs.readFileSync(file, 'utf-8'));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o, undefined, 2) + '\n');
}

const cliCases: CliCase[] = [
  { name: 'plan.json not JSON', tamper: d => { fs.writeFileSync(path.join(d, 'plan.json'), '{ "app": '); return ['status', d]; }, says: ['plan.json', 'not valid JSON', 'run cdk8s synth'] },
  { name: 'plan.json schemaVersion 2', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.schemaVersion = 2; }); return ['status', d]; }, says: ['field schemaVersion', '(2)', 'must be 1'] },
  { name: 'plan.json app missing', tamper: d => { editJson(path.join(d, 'plan.json'), o => { delete o.app; }); return ['plan', d]; }, says: ['field app', '(undefined)', 'non-empty string'] },
  { name: 'plan.json replicas negative', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.replicas = -1; }); return ['status', d]; }, says: ['field replicas', '(-1)', 'integer >= 0'] },
  { name: 'plan.json stage directory outside the tree', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.stages[1].directory = '../../etc'; }); return ['promote', d, '--no-code-check']; }, says: ['stages[1]', '"../../etc"', 'inside the tree'] },
  { name: 'plan.json partitions not decreasing', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.stages[2].partition = 5; }); return ['status', d]; }, says: ['stages[2].partition', '(5)', 'lower than stages[1].partition'] },
  { name: 'plan.json active stage unknown', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.activeStage = 'prod'; }); return ['status', d]; }, says: ['field activeStage', '"prod"', '"hold", "canary"'] },
  { name: 'plan.json stateFile absolute', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.stateFile = '/etc/passwd'; }); return ['status', d]; }, says: ['field stateFile', '"/etc/passwd"', 'relative path to the rollout state .json file'] },
  { name: 'plan.json podOrdinals short', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.podOrdinals = [0]; }); return ['status', d]; }, says: ['field podOrdinals', '[0]', 'a list of 3 ordinals'] },
  { name: 'kustomization.yaml selecting another stage', tamper: d => { const f = path.join(d, 'kustomization.yaml'); fs.writeFileSync(f, fs.readFileSync(f, 'utf-8').replace('stages/00-hold', 'stages/03-complete')); return ['promote', d, '--no-code-check']; }, says: ['kustomization.yaml', 'from "hold" to "complete"', 'skips "canary", "percent-50"', '--allow-skip'] },
  { name: 'kustomization.yaml listing two stages', tamper: d => { fs.appendFileSync(path.join(d, 'kustomization.yaml'), '  - stages/01-canary\n'); return ['status', d]; }, says: ['kustomization.yaml', 'resources (["stages/00-hold","stages/01-canary"]) is not one directory', 'restore it from git'] },
  { name: 'kustomization.yaml missing', tamper: d => { fs.rmSync(path.join(d, 'kustomization.yaml')); return ['status', d]; }, says: ['kustomization.yaml', 'is missing', 'restore it from git'] },
  { name: 'state file missing', tamper: (d, r) => { fs.rmSync(path.join(r, 'rollout-state', 'web.json')); return ['status', d]; }, says: ['rollout state', 'web.json', 'does not exist'] },
  { name: 'state file not JSON', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'rollout-state', 'web.json'), 'nope'); return ['status', d]; }, says: ['rollout state', 'not valid JSON', 'restore it from git'] },
  { name: 'state file stage differs', tamper: (d, r) => { editJson(path.join(r, 'rollout-state', 'web.json'), o => { o.activeStage = 'canary'; }); return ['status', d]; }, says: ['rollout state', 'stage "canary"', 'does not match plan.json'] },
  { name: 'a stage file edited by hand', tamper: d => { fs.appendFileSync(path.join(d, 'stages', '01-canary', 'kustomization.yaml'), '# edit\n'); return ['promote', d, '--no-code-check']; }, says: ['tree', 'not the one last written', 'restore them from git'] },
  { name: 'unknown stage name for --to', tamper: d => ['promote', d, '--to', 'prod', '--no-code-check'], says: ['--to', '"prod"', '"hold", "canary", "percent-50", "complete"'] },
  { name: 'a directory outside any tree', tamper: (_d, r) => ['status', path.join(r, 'nowhere')], says: ['nowhere', 'not a rollout directory', 'plan.json'] },
  { name: 'live document not JSON', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), 'kind: StatefulSet'); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['live status', 'not JSON', 'kubectl get statefulset web -o json'], exit: 2 },
  { name: 'live document of another kind', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'Deployment', metadata: { name: 'web' } })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['kind', '"Deployment"', 'must be "StatefulSet"'], exit: 2 },
  { name: 'live document without generation', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'StatefulSet', metadata: { name: 'web' }, spec: { replicas: 3 } })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['metadata.generation', '(undefined)', 'must be an integer'], exit: 2 },
  { name: 'live status with a string count', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'StatefulSet', metadata: { name: 'web', generation: 1 }, spec: { replicas: 3 }, status: { readyReplicas: 'three' } })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['status.readyReplicas', '"three"', 'must be an integer'], exit: 2 },
];

/** A blue/green tree at hold (v1 then v2), for the Deployment CLI cases. */
const deploymentCliCases: CliCase[] = [
  { name: 'Deployment plan.json style unknown', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.style = 'rainbow'; }); return ['status', d]; }, says: ['field style', '"rainbow"', '"canary" or "blueGreen"'] },
  { name: 'Deployment plan.json layout with one Deployment', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.layout.deployments = ['shop-blue']; }); return ['status', d]; }, says: ['field layout', 'two deployments', 'run cdk8s synth'] },
  { name: 'Deployment plan.json candidate colour red', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.candidateColor = 'red'; }); return ['status', d]; }, says: ['field candidateColor', '"red"', '"blue" or "green"'] },
  { name: 'Deployment plan.json stage replicas negative', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.stages[1].deployments[0].replicas = -3; }); return ['promote', d, '--no-code-check']; }, says: ['stages[1]', '"replicas":-3', 'the replicas of shop-blue and shop-green'] },
  { name: 'Deployment plan.json apiVersion of a StatefulSet', tamper: d => { editJson(path.join(d, 'plan.json'), o => { o.apiVersion = 'apps.kruise.io/v1beta1'; }); return ['status', d]; }, says: ['field apiVersion', '"apps.kruise.io/v1beta1"', '"apps/v1"'] },
  { name: 'Deployment base edited by hand', tamper: d => { fs.appendFileSync(path.join(d, 'base', 'deployment-shop-green.yaml'), '# edit\n'); return ['abort', d]; }, says: ['tree', 'not the one last written', 'restore them from git'] },
  { name: 'Deployment live status not a List', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'Deployment', metadata: { name: 'shop-blue' } })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['live status', 'List with items', 'kubectl get deployment shop-blue shop-green -o json'], exit: 2 },
  { name: 'Deployment live List without the green Deployment', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'List', items: [{ kind: 'Deployment', metadata: { name: 'shop-blue', generation: 1 }, spec: { replicas: 2 } }] })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['0 Deployments named "shop-green"', 'it needs one', 'kubectl get deployment'], exit: 2 },
  { name: 'Deployment live status with a string count', tamper: (d, r) => { fs.writeFileSync(path.join(r, 'live.json'), JSON.stringify({ kind: 'List', items: [{ kind: 'Deployment', metadata: { name: 'shop-blue', generation: 1 }, spec: { replicas: 2 }, status: { availableReplicas: 'two' } }] })); return ['gate', d, '--live', path.join(r, 'live.json')]; }, says: ['shop-blue status.availableReplicas', '"two"', 'must be an integer'], exit: 2 },
  { name: 'Deployment abort with no stable revision', tamper: (d, r) => { editJson(path.join(r, 'rollout-state', 'shop.json'), o => { o.stable = null; }); return ['abort', d]; }, says: ['shop', 'no stable revision', 'change the template in code'] },
];

describe('the bad-input corpus', () => {
  test(`holds at least 110 cases (${constructCases.length + cliCases.length + deploymentCases.length + deploymentCliCases.length})`, () => {
    expect(constructCases.length + cliCases.length + deploymentCases.length + deploymentCliCases.length).toBeGreaterThanOrEqual(110);
  });

  test.each([...constructCases, ...deploymentCases].map(k => [k.name, k] as const))('construct: fails %s', (_name, k) => {
    let error: unknown;
    try {
      k.run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    for (const word of k.says) expect((error as Error).message).toContain(word);
  });

  test('construct errors at synth write nothing: a StagedApp with a bad app leaves the output as it was', () => {
    const root = tempDir('bad-');
    const outdir = path.join(root, 'dist');
    stagedApp({ name: 'web', replicas: 3, containers: [c], rollout: { plan: RolloutPlan.canary() } }, { outdir }).app.synth();
    const before = readTree(root);
    const staged = new StagedApp({ outdir, stateDirectory: path.join(root, 'rollout-state') });
    new StatefulApp(new Chart(staged, 'c'), 'web', { name: 'web', replicas: 3, containers: [c], rollout: { plan: RolloutPlan.canary() } });
    new StatefulApp(new Chart(staged, 'd'), 'web', { name: 'web', replicas: 3, containers: [c], rollout: { plan: RolloutPlan.canary() } });
    expect(() => staged.synth()).toThrow('rollout directory ("web") overlaps rollout directory ("web")');
    expect(readTree(root)).toEqual(before);
  });

  /** Tamper with a committed tree written by `synth` into root/dist, run the CLI, check the refusal. */
  function refuses(k: CliCase, synth: (outdir: string) => string): void {
    const root = tempDir('bad-cli-');
    const dir = path.join(root, 'dist', synth(path.join(root, 'dist')));
    const args = k.tamper(dir, root);
    const before = readTree(root);
    let out = '';
    let err = '';
    const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
    expect(code).toBe(k.exit ?? 1);
    expect(out).toBe('');
    expect(err.startsWith('cdk8s-staged: ')).toBe(true);
    expect(err).not.toMatch(/\n\s+at /);
    for (const word of k.says) expect(err).toContain(word);
    expect(readTree(root)).toEqual(before);
  }

  test.each(cliCases.map(k => [k.name, k] as const))('cli: fails %s, exits non-zero without a stack trace, changes nothing', (_name, k) => {
    refuses(k, outdir => {
      stagedApp({ name: 'web', replicas: 3, containers: [c], rollout: { plan: RolloutPlan.canary() } }, { outdir }).app.synth();
      return 'web';
    });
  });

  test.each(deploymentCliCases.map(k => [k.name, k] as const))('cli: fails %s, exits non-zero without a stack trace, changes nothing', (_name, k) => {
    refuses(k, outdir => {
      const props = (image: string): DeploymentAppProps => ({ replicas: 2, containers: [{ ...dc, image }], rollout: { blueGreen: {} } });
      stagedDeployment(props('nginx:1'), { id: 'shop', outdir }).app.synth();
      stagedDeployment(props('nginx:2'), { id: 'shop', outdir }).app.synth();
      return 'shop';
    });
  });
});

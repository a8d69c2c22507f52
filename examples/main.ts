// The app that `cdk8s synth` runs (see cdk8s.yaml): every example, into dist/, with the rollout state of
// each in rollout-state/.
import { AdoptHelmChart } from './adopt-helm/chart';
import { FleetChart } from './fleet/chart';
import { GitOpsChart } from './gitops/chart';
import { KruiseIdleFirstChart } from './kruise-idle-first/chart';
import { KubiaChart } from './kubia/chart';
import { KubiaBlueGreenChart } from './kubia-blue-green/chart';
import { NginxCanaryChart } from './nginx-canary/chart';
import { StagedHoldChart } from './staged-hold/chart';
import { WebChart } from './web/chart';
import { WebHpaChart } from './web-hpa/chart';
import { ZooKeeperChart } from './zookeeper/chart';
import { StagedApp, StagedAppProps } from '../src';

export function buildExamples(props: StagedAppProps = {}): StagedApp {
  const app = new StagedApp(props);
  const web = new WebChart(app, 'web');
  const nginx = new NginxCanaryChart(app, 'nginx-canary');
  const myapp = new StagedHoldChart(app, 'staged-hold');
  new KruiseIdleFirstChart(app, 'kruise-idle-first');
  const kubia = new KubiaChart(app, 'kubia');
  const kubiaBlueGreen = new KubiaBlueGreenChart(app, 'kubia-blue-green');
  new ZooKeeperChart(app, 'zookeeper');
  new AdoptHelmChart(app, 'adopt-helm');
  const fleet = new FleetChart(app, 'fleet');
  const webHpa = new WebHpaChart(app, 'web-hpa');
  new GitOpsChart(app, 'gitops', { web: web.app, nginx: nginx.app, myapp: myapp.app, kubia: kubia.app, kubiaBlueGreen: kubiaBlueGreen.app, webHpa: webHpa.app, fleet: fleet.app });
  return app;
}

if (require.main === module) {
  buildExamples().synthOrExit();
}

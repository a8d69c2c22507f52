import * as path from 'path';
import { Chart } from 'cdk8s';
import { KruiseIdleFirstChart, NEW_IMAGE as SAMPLE_NEW, OLD_IMAGE as SAMPLE_OLD } from './kruise-idle-first/chart';
import { KubiaChart, NEW_IMAGE as KUBIA_NEW, OLD_IMAGE as KUBIA_OLD } from './kubia/chart';
import { KubiaBlueGreenChart, NEW_IMAGE as BG_NEW, OLD_IMAGE as BG_OLD } from './kubia-blue-green/chart';
import { NginxCanaryChart, NEW_IMAGE as NGINX_NEW, OLD_IMAGE as NGINX_OLD } from './nginx-canary/chart';
import { StagedHoldChart, NEW_IMAGE as MYAPP_NEW, OLD_IMAGE as MYAPP_OLD } from './staged-hold/chart';
import { ZooKeeperChart } from './zookeeper/chart';
import { AdoptHelmChart } from './adopt-helm/chart';
import { FleetChart, NEW_IMAGE as FLEET_NEW, OLD_IMAGE as FLEET_OLD } from './fleet/chart';
import { WebHpaChart } from './web-hpa/chart';
import { RolloutDirectory, StagedApp } from '../src';

/**
 * How the committed rollout states of the examples came about, replayed under `root` (root/dist and
 * root/rollout-state): each step is what a person did, a synth of the code or a promotion.
 * `npx ts-node --project tsconfig.dev.json examples/history.ts DIR` replays into DIR; a test checks the
 * result equals the committed files.
 */
export function replayHistory(root: string): void {
  const outdir = path.join(root, 'dist');
  const stateDirectory = path.join(root, 'rollout-state');
  const synth = (build: (app: StagedApp) => Chart) => {
    const app = new StagedApp({ outdir, stateDirectory });
    build(app);
    app.synth();
  };
  const promote = (dir: string, to?: string, wave?: string) =>
    RolloutDirectory.open(path.join(outdir, dir)).promote({ to, force: true, codeCheck: false, wave });

  // seed 002: nginx 1.25.4 released to every pod, then 1.26.1 staged at hold and promoted to the canary
  synth(app => new NginxCanaryChart(app, 'nginx-canary', NGINX_OLD));
  promote('nginx-statefulset', 'complete');
  synth(app => new NginxCanaryChart(app, 'nginx-canary', NGINX_NEW));
  promote('nginx-statefulset');

  // seed 000: myapp v1 released, then v2 staged at hold (nothing moves until a promotion)
  synth(app => new StagedHoldChart(app, 'staged-hold', MYAPP_OLD));
  promote('myapp', 'complete');
  synth(app => new StagedHoldChart(app, 'staged-hold', MYAPP_NEW));

  // seed 004: alpine 3.18.2 on every pod, then 3.18.0 staged and promoted to the idle pods (1 and 3)
  synth(app => new KruiseIdleFirstChart(app, 'kruise-idle-first', SAMPLE_OLD));
  promote('sample', 'complete');
  synth(app => new KruiseIdleFirstChart(app, 'kruise-idle-first', SAMPLE_NEW));
  promote('sample');

  // seed 003: kubia v1 deployed (a first synth goes straight to the last stage), then v3 as a canary
  synth(app => new KubiaChart(app, 'kubia', KUBIA_OLD));
  synth(app => new KubiaChart(app, 'kubia', KUBIA_NEW));
  promote('kubia');

  // seed 003's blue/green: v1 on blue, then v2 on green, previewed and switched to
  synth(app => new KubiaBlueGreenChart(app, 'kubia-blue-green', BG_OLD));
  synth(app => new KubiaBlueGreenChart(app, 'kubia-blue-green', BG_NEW));
  promote('kubia-bg');
  promote('kubia-bg');

  // the ZooKeeper tutorial and the adopted helm rendering: first synths, at hold
  synth(app => new ZooKeeperChart(app, 'zookeeper'));
  synth(app => new AdoptHelmChart(app, 'adopt-helm'));

  // a StatefulSet whose replicas an HPA owns: first synth, at hold
  synth(app => new WebHpaChart(app, 'web-hpa'));

  // the fleet: 1.26.1 complete in every wave, one wave after the other; then 1.27.0 through staging
  // and to the canary of prod-eu
  synth(app => new FleetChart(app, 'fleet', FLEET_OLD));
  for (const wave of ['staging', 'prod-eu', 'prod-us']) promote('shop', 'complete', wave);
  synth(app => new FleetChart(app, 'fleet', FLEET_NEW));
  promote('shop', 'complete', 'staging');
  promote('shop', 'canary', 'prod-eu');
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: ts-node examples/history.ts DIR\n');
    process.exit(2);
  }
  replayHistory(path.resolve(target));
}

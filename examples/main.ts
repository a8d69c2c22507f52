// The app that `cdk8s synth` runs (see cdk8s.yaml): every example, into dist/, with the rollout state of
// each in rollout-state/.
import { NginxCanaryChart } from './nginx-canary/chart';
import { StagedHoldChart } from './staged-hold/chart';
import { WebChart } from './web/chart';
import { StagedApp, StagedAppProps } from '../src';

export function buildExamples(props: StagedAppProps = {}): StagedApp {
  const app = new StagedApp(props);
  new WebChart(app, 'web');
  new NginxCanaryChart(app, 'nginx-canary');
  new StagedHoldChart(app, 'staged-hold');
  return app;
}

if (require.main === module) {
  buildExamples().synth();
}

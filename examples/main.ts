// The app that `cdk8s synth` runs (see cdk8s.yaml): every example, into dist/.
import { NginxCanaryChart } from './nginx-canary/chart';
import { StagedHoldChart } from './staged-hold/chart';
import { WebChart } from './web/chart';
import { StagedApp } from '../src';

export function buildExamples(outdir?: string): StagedApp {
  const app = new StagedApp(outdir === undefined ? {} : { outdir });
  new WebChart(app, 'web');
  new NginxCanaryChart(app, 'nginx-canary');
  new StagedHoldChart(app, 'staged-hold');
  return app;
}

if (require.main === module) {
  buildExamples().synth();
}

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { DeploymentApp, DeploymentAppProps, StagedApp, StatefulApp, StatefulAppProps } from '../../src';

/** A fresh temporary directory. */
export function tempDir(prefix = 'staged-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir`, relative path -> content, sorted by path. */
export function readTree(dir: string): { [file: string]: string } {
  const out: { [file: string]: string } = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf-8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** One StatefulApp in one chart of a StagedApp writing to `<temp>/dist`, its state in `<temp>/rollout-state`. */
export function stagedApp(props: StatefulAppProps, options: { id?: string; namespace?: string; outdir?: string; stateDirectory?: string } = {}) {
  const outdir = options.outdir ?? path.join(tempDir(), 'dist');
  const stateDirectory = options.stateDirectory ?? path.join(path.dirname(outdir), 'rollout-state');
  const app = new StagedApp({ outdir, stateDirectory });
  const chart = new Chart(app, 'chart', { namespace: options.namespace });
  const sts = new StatefulApp(chart, options.id ?? 'app', props);
  return { app, chart, sts, outdir, stateDirectory };
}

/** One DeploymentApp in one chart of a StagedApp writing to `<temp>/dist`, its state in `<temp>/rollout-state`. */
export function stagedDeployment(props: DeploymentAppProps, options: { id?: string; namespace?: string; outdir?: string; stateDirectory?: string } = {}) {
  const outdir = options.outdir ?? path.join(tempDir(), 'dist');
  const stateDirectory = options.stateDirectory ?? path.join(path.dirname(outdir), 'rollout-state');
  const app = new StagedApp({ outdir, stateDirectory });
  const chart = new Chart(app, 'chart', { namespace: options.namespace });
  const deployment = new DeploymentApp(chart, options.id ?? 'app', props);
  return { app, chart, deployment, outdir, stateDirectory };
}

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readFiles } from './read-files';

/** Find the cdk8s.yaml above a directory. */
export function findCdk8sYaml(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'cdk8s.yaml');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Run the cdk8s app of `cdk8s.yaml` the way `cdk8s synth` does (its `app` command, in its directory),
 * but into a temporary output directory and with the rollout state read-only, and return the files it
 * renders for the rollout directory `dir`. Throws when the app fails.
 */
export function renderFromCode(dir: string): { [file: string]: string } {
  const config = findCdk8sYaml(dir);
  if (!config) {
    throw new Error(`no cdk8s.yaml above ${dir}: cannot check the tree against the code (pass --no-code-check to skip the check)`);
  }
  const root = path.dirname(config);
  // yaml (about 70 modules) loaded here, for the code check only: not at every start of the CLI
  const { parse } = require('yaml') as typeof import('yaml');
  const { app, output } = parse(fs.readFileSync(config, 'utf-8')) ?? {};
  if (typeof app !== 'string') {
    throw new Error(`${config} has no "app" command: cannot check the tree against the code (pass --no-code-check to skip the check)`);
  }
  const outdir = path.resolve(root, typeof output === 'string' ? output : 'dist');
  const relative = path.relative(outdir, path.resolve(dir));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${dir} is not inside the output directory of ${config} (${outdir}): cannot check the tree against the code (pass --no-code-check to skip the check)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-staged-check-'));
  try {
    const run = spawnSync(app, {
      cwd: root,
      shell: true,
      encoding: 'utf-8',
      // like `npm run`, put the project's local tools (ts-node, ...) on the PATH
      env: { ...process.env, PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter), CDK8S_OUTDIR: tmp, CDK8S_STAGED_COMMITTED_OUTDIR: outdir, CDK8S_STAGED_READ_ONLY_STATE: '1', CDK8S_CHECK_UPGRADE: 'false' },
    });
    if (run.status !== 0) {
      throw new Error(`the cdk8s app (${app}) failed while checking the tree against the code: ${errorMessage(run.stderr || run.stdout || '')}`);
    }
    return readFiles(path.join(tmp, relative));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The message of the error a Node program died with, without its stack; else its last lines. */
export function errorMessage(output: string): string {
  const match = /^[A-Za-z]*Error: ([\s\S]*?)(?=\n\s+at |\s*$)/m.exec(output);
  return match ? match[1].trim() : output.trim().split('\n').slice(-5).join('\n');
}

import type * as ChildProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gitTopLevel } from './paths';
import { readFiles } from './read-files';

/** `child_process`, loaded on first use: the command line's status and promote start no process. */
function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('child_process');
}

/** The default time the code check gives the cdk8s app, in seconds (CDK8S_STAGED_CHECK_TIMEOUT overrides it). */
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 300;
/** How much of a failing app's output goes into the message. */
export const MAX_MESSAGE_BYTES = 4096;

/**
 * Find the cdk8s.yaml of the repository that holds `from`: in `from` or a directory above it, but never
 * above the repository root (the directory holding `.git`). Outside a git repository: none.
 */
export function findCdk8sYaml(from: string): string | undefined {
  const top = gitTopLevel(from);
  if (!top) return undefined;
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'cdk8s.yaml');
    if (fs.existsSync(candidate)) return candidate;
    if (dir === top || path.dirname(dir) === dir) return undefined;
  }
}

/** Options of `renderFromCode`. */
export interface CodeCheckOptions {
  /** @default - CDK8S_STAGED_CHECK_TIMEOUT (seconds), else 300 s */
  readonly timeoutSeconds?: number;
}

/**
 * Runs the app in its own process group and reports as one JSON line: the exit status or signal,
 * whether it timed out, and the last 64 KB of its output (stdout and stderr interleaved). It ends the
 * whole group on timeout, when it gets SIGINT, SIGTERM or SIGHUP, and when its parent (the CLI) dies,
 * and after the app exits (a background child of the app cannot write later).
 */
const SUPERVISOR = `
const { spawn } = require('child_process');
const [command, timeoutMs] = [process.argv[1], Number(process.argv[2])];
const CAP = 65536;
let tail = Buffer.alloc(0);
let total = 0;
const keep = chunk => { total += chunk.length; tail = Buffer.concat([tail, chunk]); if (tail.length > CAP) tail = tail.subarray(tail.length - CAP); };
const child = spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.on('data', keep);
child.stderr.on('data', keep);
let timedOut = false;
let ended = false;
const killGroup = sig => { try { process.kill(-child.pid, sig); } catch (e) {} };
const end = sig => { if (ended) return; ended = true; killGroup('SIGTERM'); setTimeout(() => { killGroup('SIGKILL'); process.exit(sig ? 128 : 0); }, 2000).unref(); };
const timer = setTimeout(() => { timedOut = true; killGroup('SIGTERM'); setTimeout(() => killGroup('SIGKILL'), 2000).unref(); }, timeoutMs);
const parent = process.ppid;
const watch = setInterval(() => { if (process.ppid !== parent) { killGroup('SIGKILL'); process.exit(1); } }, 200);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { killGroup('SIGKILL'); process.exit(128); });
child.on('error', e => { keep(Buffer.from(String(e.message))); });
child.on('close', (status, signal) => {
  clearTimeout(timer); clearInterval(watch);
  killGroup('SIGKILL');
  process.stdout.write(JSON.stringify({ status, signal, timedOut, total, tail: tail.toString('utf-8') }) + '\\n');
});
`;

/**
 * Run the cdk8s app of `cdk8s.yaml` the way `cdk8s synth` does (its `app` command, in its directory),
 * but into a temporary output directory and with the rollout state read-only, and return the files it
 * renders for the rollout directory `dir`. The app runs in its own process group with a timeout; the
 * whole group ends on timeout or when this process is interrupted. Throws when the app fails.
 *
 * The app runs with CDK8S_STAGED_CHECK_OUTDIR set: a `StagedApp` then writes only there, whatever
 * `outdir` the code gives, and never writes its state files.
 */
export function renderFromCode(dir: string, options: CodeCheckOptions = {}): { [file: string]: string } {
  const config = findCdk8sYaml(dir);
  if (!config) {
    const top = gitTopLevel(dir);
    throw new Error(top
      ? `no cdk8s.yaml above ${dir} inside the repository ${top}: cannot check the tree against the code (pass --no-code-check to skip the check)`
      : `no cdk8s.yaml above ${dir}: cannot check the tree against the code (pass --no-code-check to skip the check)`);
  }
  const root = path.dirname(config);
  // yaml (about 70 modules) loaded here, for the code check only: not at every start of the CLI
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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
  const timeoutSeconds = checkTimeout(options.timeoutSeconds);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-staged-check-'));
  try {
    const run = childProcess().spawnSync(process.execPath, ['-e', SUPERVISOR, app, String(timeoutSeconds * 1000)], {
      cwd: root,
      encoding: 'utf-8',
      maxBuffer: 1024 * 1024,
      // like `npm run`, put the project's local tools (ts-node, ...) on the PATH
      env: {
        ...process.env,
        PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter),
        CDK8S_OUTDIR: tmp,
        CDK8S_STAGED_CHECK_OUTDIR: tmp,
        CDK8S_STAGED_COMMITTED_OUTDIR: outdir,
        CDK8S_STAGED_READ_ONLY_STATE: '1',
        CDK8S_CHECK_UPGRADE: 'false',
      },
    });
    let report: { status: number | null; signal: string | null; timedOut: boolean; total: number; tail: string };
    try {
      report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
    } catch {
      throw new Error(`the code check of ${dir} was interrupted (${run.signal ?? `exit ${run.status}`}) while running the cdk8s app (${app}): the app was stopped; nothing was written`);
    }
    if (report.timedOut) {
      throw new Error(`the cdk8s app (${app}) did not finish within ${timeoutSeconds} s while checking the tree against the code: it was stopped (set CDK8S_STAGED_CHECK_TIMEOUT to allow more seconds, or pass --no-code-check)`);
    }
    if (report.status !== 0) {
      const how = report.signal ? `was killed by ${report.signal}` : `failed (exit ${report.status})`;
      throw new Error(`the cdk8s app (${app}) ${how} while checking the tree against the code: ${capMessage(errorMessage(report.tail))}`);
    }
    return readFiles(path.join(tmp, relative));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkTimeout(option: number | undefined): number {
  if (option !== undefined) {
    if (!Number.isFinite(option) || option <= 0) throw new Error(`timeoutSeconds (${option}) must be a number of seconds > 0`);
    return option;
  }
  const env = process.env.CDK8S_STAGED_CHECK_TIMEOUT;
  if (env === undefined || env === '') return DEFAULT_CHECK_TIMEOUT_SECONDS;
  const n = Number(env);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`CDK8S_STAGED_CHECK_TIMEOUT (${JSON.stringify(env)}) must be a number of seconds > 0`);
  }
  return n;
}

/** At most the last MAX_MESSAGE_BYTES of a message, marked when cut. */
function capMessage(text: string): string {
  const bytes = Buffer.from(text, 'utf-8');
  if (bytes.length <= MAX_MESSAGE_BYTES) return text;
  const kept = bytes.subarray(Math.max(0, bytes.length - MAX_MESSAGE_BYTES)).toString('utf-8').replace(/^\uFFFD+/, '');
  return `[earlier output omitted] ${kept}`;
}

/** The message of the error a Node program died with, without its stack; else its last lines. */
export function errorMessage(output: string): string {
  const match = /^[A-Za-z]*Error: ([\s\S]*?)(?=\n\s+at |\s*$)/m.exec(output);
  return match ? match[1].trim() : output.trim().split('\n').slice(-5).join('\n');
}

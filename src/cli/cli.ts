import { parseArgs } from 'util';
import type * as AnalysisGate from '../app/analysis-gate';
import { RolloutDirectory } from '../app/rollout-directory';
import type * as Verify from '../app/verify';
import { MAX_LIVE_BYTES } from '../core/limits';
import { describeImages } from '../core/revision';
import { hasOwn } from '../core/validation';
import { readText } from '../io/files';
import { readLimited } from '../io/read-limited';
import { decodeLiveStatus } from '../model/live-status';

// `gate`, `advance` and `verify` load their modules (Prometheus, git, the code check) on first use: `status`
// and `promote` start faster without them
function analysisGate(): typeof AnalysisGate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../app/analysis-gate');
}
function verifyModule(): typeof Verify {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../app/verify');
}

/** Where the CLI reads and writes; injected in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole standard input (for `--live -`), at most MAX_LIVE_BYTES. */
  readStdin(): string | Buffer;
}

const USAGE: { [command: string]: string } = {
  '': `usage: cdk8s-staged <command> DIR [options]

Drive a staged rollout written by cdk8s-staged-rollout (DIR is the rollout directory, such as dist/web).

commands:
  plan DIR                  print the plan: which pod runs which revision at each stage
  status DIR                the active stage, the stable and candidate revisions, what the next stage changes
  promote DIR [--to STAGE]  move the active stage forward by one (or to STAGE)
  abort DIR                 put the stable template back and take the canary pods back to it
  gate DIR --live FILE|-    exit 0 when the live workload has converged on the active stage (and passed its
                            bake time and analyses, with --prometheus URL), else 1
  advance DIR --live FILE|- gate, then promote and git commit (for CI)
  verify [DIR] --base REV   check a change (a pull request) of the rollout trees against REV

The root kustomization.yaml is the promotion: a tree whose root was edited by hand to select the next
stage (and nothing else) is at that stage; --allow-skip accepts an edit that skips stages.

options: --json (machine output), --allow-skip, --help (per command), --version
exit codes: 0 done (gate: converged), 1 refused or not converged, 2 bad usage or malformed input
`,
  'plan': `usage: cdk8s-staged plan DIR [--json]

Print the stages table of PLAN.md (old = stable revision, new = candidate): a column per pod for a
StatefulSet, per Deployment and Service for a Deployment rollout. --json prints the stage names.
`,
  'status': `usage: cdk8s-staged status DIR [--wave WAVE] [--json]

Print the active stage (its partition, or its replica split and share of traffic for Deployments), the
stable and candidate revisions, and what the next stage changes. A rollout with waves lists every
wave's stage; the stage lines describe --wave WAVE (default: the wave to promote next).
`,
  'promote': `usage: cdk8s-staged promote DIR [--wave WAVE] [--to STAGE] [--force] [--no-code-check] [--json]

Move the active stage forward by one, or to STAGE: the one resources line of DIR/kustomization.yaml
changes, plan.json, PLAN.md and the rollout state file follow. Commit the result for review. A rollout
with waves moves one wave: the line of DIR/clusters/WAVE/kustomization.yaml changes; a wave leaves the
first stage only once the wave before it reached its nextWaveAfter stage.

  --wave WAVE       the wave to move (default: the first wave not at the last stage)
  --to STAGE        the stage to move to (default: the next one)
  --force           allow skipping stages
  --no-code-check   do not run the cdk8s app to check that the tree is up to date with the code

Refuses (exit 1, nothing changed) to move back, past complete, to skip stages without --force, to move a
stage pinned in code, and to act on a tree that differs from what cdk8s synth would write now.
`,
  'abort': `usage: cdk8s-staged abort DIR [--json]

Put the stable template back in DIR/base and select the last stage, so the pods on the candidate go back
to the stable revision (StatefulSet: partition 0 rolls them back; canary: the canary scales to 0;
blue/green: the Service goes back to the stable colour). Then revert the template in code too. Refuses (exit 1) when
there is no stable revision, the rollout is complete or the stage is pinned in code, and says what to
change in code instead.
`,
  'verify': `usage: cdk8s-staged verify [DIR] --base REV [--allow-skip] [--allow-recreate] [--allow-supersede] [--no-code-check] [--json]

Check a change of rollout trees, such as a pull request: every rollout tree (a directory with plan.json)
whose files or state file differ between the merge base of REV and HEAD and the working tree. DIR is
any directory in the git repository (default: the working directory). For each tree:

  hand-edits   nothing was edited by hand beyond the root kustomization.yaml's stage line
  stage-move   the active stage moves one stage forward, or aborts back to the stable template at the
               last stage; a new template starts at the first stage after complete
  immutable    no immutable field (a selector, serviceName, ...) changes
  code         the tree is the one the cdk8s app renders (skipped with --no-code-check)

  --base REV        the base of the change, such as origin/main
  --allow-skip      allow a stage move that skips stages
  --allow-recreate  allow an immutable field change (the workload is recreated)
  --allow-supersede allow a new template in the middle of a rollout

Exit 0 when every tree passes, 1 when one fails, 2 when REV or the repository cannot be read.
`,
  'gate': `usage: cdk8s-staged gate DIR --live FILE|- [--wave WAVE] [--prometheus URL] [--json]

Read the live workload from FILE (or - for standard input) and exit 0 when the active stage has converged
by the rule kubectl, Argo CD and Flux share. Exit 1 with the reason when it has not, 2 when the input is
malformed.

StatefulSet: \`kubectl get statefulset NAME -o json\`. The live object must be the committed stage
(partition and images), observedGeneration >= generation, readyReplicas == replicas and updatedReplicas >=
replicas - partition.

Deployments: \`kubectl get deployment A B -o json\` (both Deployments of the rollout; add service/NAME to
check the Services' selectors). Each must have the stage's replicas and images, observedGeneration >=
generation, no ProgressDeadlineExceeded, updatedReplicas == replicas, no old replicas left and
availableReplicas >= updatedReplicas.

Gates (rollout.gates in code, in plan.json): once converged, the active stage must have baked for its
bake time, counted from the commit that last changed DIR/kustomization.yaml (the promotion), and each
analysis must pass against the Prometheus HTTP API at --prometheus URL. Exit 1 says "not yet" or
"failed its analysis" (--json: status not-yet or fail), 2 an unreachable Prometheus or a bad query.
`,
  'advance': `usage: cdk8s-staged advance DIR --live FILE|- [--wave WAVE] [--prometheus URL] [--abort-on-failure] [--push REMOTE:BRANCH] [--no-code-check] [--json]

One step for CI: the gate of the active stage (convergence, bake time, analyses); when it passes,
promote to the next stage and git commit DIR and its state file ("chore(rollout): promote APP from A to
B"), optionally push. Idempotent: a stage that is not done changes nothing (exit 1); a complete rollout
has nothing to do (exit 0). A failed analysis exits 1 and changes nothing, or with --abort-on-failure
aborts and commits the abort ("fix(rollout): abort APP at STAGE").
`,
};

class UsageError extends Error {}

/** Run the command line; returns the exit code. Never throws. */
export function runCli(argv: string[], io: CliIo): number | Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : '';
  if (command !== '' && !hasOwn(USAGE, command)) {
    io.stderr(`cdk8s-staged: unknown command ${JSON.stringify(command)}\n\n${USAGE['']}`);
    return 2;
  }
  let values: { [k: string]: any };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: command === '' ? argv : argv.slice(1),
      allowPositionals: true,
      strict: true,
      options: {
        'help': { type: 'boolean', short: 'h' },
        'version': { type: 'boolean' },
        'json': { type: 'boolean' },
        'to': { type: 'string' },
        'force': { type: 'boolean' },
        'no-code-check': { type: 'boolean' },
        'live': { type: 'string' },
        'prometheus': { type: 'string' },
        'abort-on-failure': { type: 'boolean' },
        'push': { type: 'string' },
        'allow-skip': { type: 'boolean' },
        'wave': { type: 'string' },
        'base': { type: 'string' },
        'allow-recreate': { type: 'boolean' },
        'allow-supersede': { type: 'boolean' },
      },
    }));
  } catch (e) {
    io.stderr(`cdk8s-staged: ${(e as Error).message}\n\n${USAGE[command]}`);
    return 2;
  }
  if (command === '' && values.version && !values.help) {
    // package.json is two levels up from both src/cli/ and lib/cli/
    io.stdout(`cdk8s-staged ${JSON.parse(readText(`${__dirname}/../../package.json`)).version}\n`);
    return 0;
  }
  if (values.help || command === '') {
    (values.help ? io.stdout : io.stderr)(USAGE[command]);
    return values.help ? 0 : 2;
  }
  const fail = (e: unknown) => {
    io.stderr(`cdk8s-staged: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  };
  try {
    const code = run(command, positionals, values, io);
    return typeof code === 'number' ? code : code.catch(fail);
  } catch (e) {
    return fail(e);
  }
}

function run(command: string, positionals: string[], values: { [k: string]: any }, io: CliIo): number | Promise<number> {
  const allowed: { [c: string]: string[] } = {
    plan: ['json', 'allow-skip'],
    status: ['json', 'allow-skip', 'wave'],
    promote: ['json', 'to', 'force', 'no-code-check', 'allow-skip', 'wave'],
    abort: ['json', 'allow-skip'],
    gate: ['json', 'live', 'prometheus', 'allow-skip', 'wave'],
    advance: ['json', 'live', 'prometheus', 'abort-on-failure', 'push', 'no-code-check', 'wave'],
    verify: ['json', 'base', 'allow-skip', 'allow-recreate', 'allow-supersede', 'no-code-check'],
  };
  for (const option of Object.keys(values)) {
    if (!allowed[command].includes(option)) {
      throw new UsageError(`${command} does not take --${option}\n\n${USAGE[command]}`);
    }
  }
  if (command === 'verify') {
    return verify(positionals, values, io);
  }
  if (positionals.length !== 1) {
    throw new UsageError(`${command} takes one rollout directory, got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals)}\n\n${USAGE[command]}`);
  }
  const json = values.json === true;
  const out = (value: unknown, text: string) => io.stdout(json ? JSON.stringify(value, undefined, 2) + '\n' : text);
  const dir = RolloutDirectory.open(positionals[0], { allowSkip: values['allow-skip'] === true || values.force === true });

  switch (command) {
    case 'plan': {
      out({ app: dir.status().app, stages: dir.stageNames }, dir.planTable());
      return 0;
    }
    case 'status': {
      const s = dir.status({ wave: values.wave });
      const rev = (r?: { revision: string; images: { [c: string]: string } }) =>
        (r ? `${r.revision} (${describeImages(r.images)})` : 'unknown (first synth)');
      const lines = s.partition !== undefined ? [
        `app:       ${s.app}`,
        `stage:     ${s.activeStage} (${s.activeDirectory}), partition ${s.partition}${s.pinned ? ', pinned in code' : ''}`,
        `pods:      ${s.updatedPods.length} of ${s.replicas} on the candidate${s.updatedPods.length > 0 ? `: ${s.updatedPods.join(', ')}` : ''}`,
        `stable:    ${rev(s.stable)}`,
        `candidate: ${rev(s.candidate)}`,
        s.nextStage === undefined
          ? 'next:      none, the rollout is complete'
          : `next:      ${s.nextStage}, partition ${s.nextPartition}: ${s.nextMoves.length > 0 ? `moves ${s.nextMoves.join(', ')} to the candidate` : 'moves no pod'}`,
      ] : [
        `app:       ${s.app} (Deployments)`,
        `stage:     ${s.activeStage} (${s.activeDirectory})${s.pinned ? ', pinned in code' : ''}`,
        `pods:      ${s.candidatePods} of ${s.replicas} on the candidate${s.updatedPods.length > 0 ? `: ${s.updatedPods.join(', ')}` : ''}`,
        `traffic:   ${s.candidateTraffic}% to the candidate`,
        `stable:    ${rev(s.stable)}`,
        `candidate: ${rev(s.candidate)}`,
        s.nextStage === undefined
          ? 'next:      none, the rollout is complete'
          : `next:      ${s.nextStage}: ${s.nextMoves.length > 0 ? s.nextMoves.join(', ') : 'nothing changes'}`,
      ];
      if (s.waves !== undefined) {
        lines.splice(1, 0, `wave:      ${s.wave}`);
        lines.push('waves:', ...s.waves.map(w => `  ${w.name.padEnd(Math.max(...s.waves!.map(o => o.name.length)))}  ${w.activeStage} (${w.root})`));
      }
      out(s, lines.join('\n') + '\n');
      return 0;
    }
    case 'promote': {
      const r = dir.promote({ to: values.to, force: values.force === true, codeCheck: values['no-code-check'] !== true, wave: values.wave });
      out(r, `${r.message}\nchanged: ${r.changedFiles.join(', ')} and the rollout state\n`);
      return 0;
    }
    case 'abort': {
      const r = dir.abort();
      out(r, `${r.message}\nchanged: ${r.changedFiles.join(', ')} and the rollout state\n`);
      return 0;
    }
    case 'advance': {
      const text = readLive(command, values, io);
      return analysisGate().advance(dir.directory, text, { prometheusUrl: values.prometheus, abortOnFailure: values['abort-on-failure'] === true, push: values.push, codeCheck: values['no-code-check'] !== true, wave: values.wave }).then(r => {
        if (json) io.stdout(JSON.stringify(r, undefined, 2) + '\n');
        else (r.exitCode === 0 ? io.stdout : io.stderr)(`${r.exitCode === 0 ? '' : 'cdk8s-staged: '}${r.message}${r.commit ? `\ncommitted ${r.commit}` : ''}\n`);
        return r.exitCode;
      });
    }
    case 'gate': {
      const text = readLive(command, values, io);
      if (dir._gateContext({ wave: values.wave }).gates.size > 0 || values.prometheus !== undefined) {
        return analysisGate().gateWithAnalysis(dir, text, { prometheusUrl: values.prometheus, wave: values.wave }).then(v => {
          if (json) io.stdout(JSON.stringify(v, undefined, 2) + '\n');
          else (v.exitCode === 0 ? io.stdout : io.stderr)(`${v.exitCode === 0 ? '' : 'cdk8s-staged: '}${v.reason}\n`);
          return v.exitCode;
        });
      }
      const verdict = dir.gate(text, { wave: values.wave });
      if (json) {
        io.stdout(JSON.stringify(verdict, undefined, 2) + '\n');
      } else {
        (verdict.exitCode === 0 ? io.stdout : io.stderr)(`${verdict.exitCode === 0 ? '' : 'cdk8s-staged: '}${verdict.reason}\n`);
      }
      return verdict.exitCode;
    }
  }
  throw new UsageError(USAGE['']);
}

/** The live status of `--live FILE` or `--live -`, bounded and decoded. */
function readLive(command: string, values: { [k: string]: any }, io: CliIo): string {
  if (typeof values.live !== 'string') {
    throw new UsageError(`${command} needs --live FILE or --live - (standard input)\n\n${USAGE[command]}`);
  }
  const what = `--live (${JSON.stringify(values.live)})`;
  try {
    const bytes = values.live === '-' ? io.readStdin() : readLimited(values.live, MAX_LIVE_BYTES, what);
    return typeof bytes === 'string' ? bytes : decodeLiveStatus(bytes, what);
  } catch (e) {
    const message = (e as Error).message;
    throw new UsageError(message.startsWith(what) ? message : `${what} cannot be read: ${message}`);
  }
}

function verify(positionals: string[], values: { [k: string]: any }, io: CliIo): number {
  if (positionals.length > 1) {
    throw new UsageError(`verify takes at most one directory, got ${JSON.stringify(positionals)}\n\n${USAGE.verify}`);
  }
  if (typeof values.base !== 'string' || values.base === '') {
    throw new UsageError(`verify needs --base REV, the base of the change (such as origin/main)\n\n${USAGE.verify}`);
  }
  const { GitError, verifyChange, verifySummary } = verifyModule();
  let report: Verify.VerifyReport;
  try {
    report = verifyChange({
      base: values.base,
      directory: positionals[0],
      allowSkip: values['allow-skip'] === true,
      allowRecreate: values['allow-recreate'] === true,
      allowSupersede: values['allow-supersede'] === true,
      codeCheck: values['no-code-check'] !== true,
    });
  } catch (e) {
    if (e instanceof GitError) throw new UsageError(e.message);
    throw e;
  }
  const text = values.json === true ? JSON.stringify(report, undefined, 2) + '\n' : verifySummary(report);
  io.stdout(text);
  return report.exitCode;
}

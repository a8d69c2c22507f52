import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../support/synth';

/**
 * The layer rules fail CI: the project's own lint configuration (.eslintrc.json, .dependency-cruiser.json,
 * tsconfig.json, package.json, copied as they are) run with the commands of `npm test` over a small src/ tree
 * in a temporary directory, so that the real src/ is never touched. Each probe breaks one rule; a legal tree
 * beside them gets no error, so the rules are not simply refusing everything.
 */
const repo = path.join(__dirname, '..', '..', '..');
const bin = (name: string) => path.join(repo, 'node_modules', '.bin', name);

function project(files: { [file: string]: string }): string {
  const dir = tempDir('layers-');
  for (const f of ['.eslintrc.json', '.dependency-cruiser.json', 'tsconfig.json', 'package.json']) {
    fs.copyFileSync(path.join(repo, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** `eslint --ext .ts src` as the eslint task runs it (without --fix): file -> the rule ids and messages. */
function eslint(dir: string): { status: number; errors: { [file: string]: string[] } } {
  const run = spawnSync(bin('eslint'), ['--ext', '.ts', '--no-error-on-unmatched-pattern', '-f', 'json', 'src'], {
    cwd: dir, encoding: 'utf-8', env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  });
  const errors: { [file: string]: string[] } = {};
  for (const result of JSON.parse(run.stdout)) {
    const messages = result.messages.filter((m: any) => m.severity === 2).map((m: any) => `${m.ruleId}: ${m.message}`);
    if (messages.length > 0) errors[path.relative(dir, result.filePath)] = messages;
  }
  return { status: run.status ?? -1, errors };
}

/** `depcruise src` as the lint:layers task runs it. */
function depcruise(dir: string): { status: number; out: string } {
  const run = spawnSync(bin('depcruise'), ['src', '--config', '.dependency-cruiser.json', '--output-type', 'err'], { cwd: dir, encoding: 'utf-8' });
  return { status: run.status ?? -1, out: run.stdout + run.stderr };
}

const legal = {
  'src/core/plan.ts': 'export const plan = (n: number): number => n + 1;\n',
  'src/model/plan-file.ts': "import { plan } from '../core/plan';\n\nexport const planFile = (n: number): string => JSON.stringify({ n: plan(n) });\n",
  'src/render/plan-doc.ts': "import { plan } from '../core/plan';\nimport { planFile } from '../model/plan-file';\n\nexport const planDoc = (n: number): string => `${planFile(n)} ${plan(n)}`;\n",
  'src/io/write.ts': "import * as fs from 'fs';\nimport { planFile } from '../model/plan-file';\n\nexport const write = (file: string): void => fs.writeFileSync(file, planFile(1));\n",
  'src/app/staged-app.ts': "import { write } from '../io/write';\nimport { planDoc } from '../render/plan-doc';\n\nexport const synth = (file: string): string => {\n  write(file);\n  return planDoc(1);\n};\n",
  'src/cli/cli.ts': "import { synth } from '../app/staged-app';\n\nexport const run = (): string => synth('x');\n",
};

describe('the layer rules', () => {
  jest.setTimeout(120_000);

  test('a legal tree passes eslint and the folder-cycle check', () => {
    const dir = project(legal);
    expect(eslint(dir)).toEqual({ status: 0, errors: {} });
    expect(depcruise(dir).status).toBe(0);
  });

  test('src/core importing fs, or src/app, fails eslint with the layer messages', () => {
    const dir = project({
      ...legal,
      'src/core/probe.ts': "import * as fs from 'fs';\nimport { synth } from '../app/staged-app';\n\nexport const probe = (): string => synth(fs.realpathSync('.'));\n",
    });
    const result = eslint(dir);
    expect(result.status).toBe(1);
    expect(result.errors).toEqual({
      'src/core/probe.ts': [
        "no-restricted-imports: 'fs' import is restricted from being used. src/core is pure logic: no cdk8s, no disk, no processes, no network",
        'import/no-restricted-paths: Unexpected path "../app/staged-app" imported in restricted zone. src/core imports nothing else of src/ (the layers are in README.md, "Architecture")',
      ],
    });
  });

  test('the other layers: cdk8s in core, fs outside io, cli importing constructs, stateless importing stateful', () => {
    const dir = project({
      ...legal,
      'src/core/uses-cdk8s.ts': "import { Chart } from 'cdk8s';\n\nexport type C = Chart;\n",
      'src/render/reads.ts': "import * as fs from 'fs';\n\nexport const read = (f: string): string => fs.readFileSync(f, 'utf-8');\n",
      'src/constructs/stateful/app.ts': 'export const stateful = 1;\n',
      'src/constructs/stateless/app.ts': "import { stateful } from '../stateful/app';\n\nexport const stateless = stateful + 1;\n",
      'src/cli/main.ts': "import { stateless } from '../constructs/stateless/app';\n\nexport const main = (): number => stateless;\n",
    });
    const result = eslint(dir);
    expect(result.status).toBe(1);
    expect(result.errors).toEqual({
      'src/core/uses-cdk8s.ts': ["no-restricted-imports: 'cdk8s' import is restricted from being used. src/core is pure logic: no cdk8s, no disk, no processes, no network"],
      'src/render/reads.ts': ["no-restricted-imports: 'fs' import is restricted from being used. only src/io touches disk, processes or the network"],
      'src/constructs/stateless/app.ts': ['import/no-restricted-paths: Unexpected path "../stateful/app" imported in restricted zone. src/constructs/stateless may not import src/constructs/stateful: what both kinds need goes to src/constructs/shared'],
      'src/cli/main.ts': ['import/no-restricted-paths: Unexpected path "../constructs/stateless/app" imported in restricted zone. src/cli may import only src/core, src/model, src/render, src/io, src/app (the layers are in README.md, "Architecture")'],
    });
  });

  test('an import cycle between two files fails eslint (import/no-cycle) and lint:layers', () => {
    const dir = project({
      ...legal,
      'src/core/a.ts': "import { b } from './b';\n\nexport const a = (): number => b() + 1;\n",
      'src/core/b.ts': "import { a } from './a';\n\nexport const b = (): number => (a.length > 0 ? 0 : 1);\n",
    });
    const result = eslint(dir);
    expect(result.status).toBe(1);
    expect(result.errors).toEqual({
      'src/core/a.ts': ['import/no-cycle: Dependency cycle detected.'],
      'src/core/b.ts': ['import/no-cycle: Dependency cycle detected.'],
    });
    const cruise = depcruise(dir);
    expect(cruise.status).not.toBe(0);
    expect(cruise.out).toContain('error no-file-cycle: src/core/a.ts');
  });

  test('a cycle between two folders with no file cycle passes eslint but fails lint:layers', () => {
    const dir = project({
      ...legal,
      'src/core/kinds/one.ts': "import { two } from '../stages/two';\n\nexport const one = (): number => two + 1;\n",
      'src/core/kinds/four.ts': 'export const four = 4;\n',
      'src/core/stages/two.ts': 'export const two = 2;\n',
      'src/core/stages/three.ts': "import { four } from '../kinds/four';\n\nexport const three = (): number => four - 1;\n",
    });
    expect(eslint(dir)).toEqual({ status: 0, errors: {} });
    const cruise = depcruise(dir);
    expect(cruise.status).not.toBe(0);
    expect(cruise.out).toMatch(/error no-folder-cycle: src\/core\/(kinds|stages) →\s+src\/core\/(stages|kinds) →\s+src\/core\/(kinds|stages)/);
  });

  test('npm test runs eslint and lint:layers after both suites', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(repo, '.projen', 'tasks.json'), 'utf-8')).tasks;
    expect(tasks.test.steps).toEqual([
      { spawn: 'compile' },
      { exec: 'jest --ci', receiveArgs: true },
      { spawn: 'eslint' },
      { spawn: 'lint:layers' },
    ]);
    expect(tasks['lint:layers'].steps).toEqual([{ exec: 'depcruise src --config .dependency-cruiser.json --output-type err' }]);
  });
});

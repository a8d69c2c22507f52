import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../../src/cli/cli';

const repo = path.join(__dirname, '..', '..', '..');
const version: string = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).version;

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
  if (typeof code !== 'number') throw new Error(`cdk8s-staged ${args.join(' ')} answered asynchronously: await it`);
  return { code, out, err };
}

describe('cdk8s-staged --version', () => {
  test('prints the version of package.json and exits 0', () => {
    expect(version).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+/);
    expect(cli(['--version'])).toEqual({ code: 0, out: `cdk8s-staged ${version}\n`, err: '' });
  });

  test('the usage names it', () => {
    expect(cli(['--help']).out).toContain('options: --json (machine output), --allow-skip, --help (per command), --version\n');
  });

  test('--help wins over --version', () => {
    const r = cli(['--version', '--help']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('usage: cdk8s-staged <command> DIR [options]')).toBe(true);
  });

  test('a command does not take it', () => {
    const r = cli(['status', 'dist/web', '--version']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe('cdk8s-staged: status does not take --version');
  });

  test('the compiled bin reads the package.json two levels above lib/cli (npm test compiles lib/ first)', () => {
    const run = spawnSync(process.execPath, [path.join(repo, 'lib', 'cli', 'main.js'), '--version'], { encoding: 'utf-8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: `cdk8s-staged ${version}\n`, stderr: '' });
  });
});

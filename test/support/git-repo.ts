import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './synth';
import { runCli } from '../../src/cli/cli';

const repoRoot = path.join(__dirname, '..', '..');

/**
 * A temporary git repository with a cdk8s app (`app.ts`, its config in `release.json`), synthesized with
 * the real `cdk8s synth` (which deletes dist/ first), and the `cdk8s-staged` command run in-process.
 */
export class GitRepo {
  public readonly root: string;

  public constructor(appSource: string, prefix = 'git-native-') {
    this.root = tempDir(prefix);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(this.root, 'node_modules'));
    fs.writeFileSync(path.join(this.root, '.gitignore'), 'node_modules\n');
    fs.writeFileSync(path.join(this.root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', esModuleInterop: true, skipLibCheck: true } }));
    fs.writeFileSync(path.join(this.root, 'cdk8s.yaml'), 'language: typescript\napp: ts-node --transpile-only app.ts\noutput: dist\n');
    fs.writeFileSync(path.join(this.root, 'app.ts'), appSource.split('SRC').join(JSON.stringify(path.join(repoRoot, 'src'))));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'test');
  }

  public git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf-8' });
  }

  public release(config: object): void {
    fs.writeFileSync(path.join(this.root, 'release.json'), JSON.stringify(config) + '\n');
  }

  public synth(): { status: number; stderr: string } {
    const run = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'cdk8s'), ['synth'], {
      cwd: this.root, encoding: 'utf-8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    return { status: run.status ?? -1, stderr: run.stderr };
  }

  public cli(...args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const cwd = process.cwd();
    process.chdir(this.root);
    try {
      const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
      if (typeof code !== 'number') throw new Error(`cdk8s-staged ${args.join(' ')} answered asynchronously: await it`);
      return { code, out, err };
    } finally {
      process.chdir(cwd);
    }
  }

  public commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
  }

  public path(...p: string[]): string {
    return path.join(this.root, ...p);
  }

  public read(...p: string[]): string {
    return fs.readFileSync(this.path(...p), 'utf-8');
  }

  public write(file: string, content: string): void {
    fs.writeFileSync(this.path(file), content);
  }

  /** Replace `from` by `to` in a file, as a web editor would; throws when `from` is not there. */
  public edit(file: string, from: string, to: string): void {
    const text = this.read(file);
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
    this.write(file, text.replace(from, to));
  }

  public json(file: string): any {
    return JSON.parse(this.read(file));
  }

  /** `git status --porcelain`. */
  public status(): string {
    return this.git('status', '--porcelain');
  }
}

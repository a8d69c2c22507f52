import { spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempDir } from '../../../support/synth';

const repo = path.join(__dirname, '..', '..', '..', '..');
let compiled: string | undefined;

/**
 * The library's sources transpiled to JavaScript once per test file (no type check), so that a child
 * process starts in a second instead of compiling with ts-node: `<dir>/src/index.js`.
 */
export function compiledLibrary(): string {
  if (compiled) return compiled;
  const out = tempDir('compiled-src-');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {walk(full);} else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = ts.transpileModule(fs.readFileSync(full, 'utf-8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
        const dest = path.join(out, path.relative(repo, full)).replace(/\.ts$/, '.js');
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, js);
      }
    }
  };
  walk(path.join(repo, 'src'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(out, 'node_modules'));
  compiled = out;
  return out;
}

/** The outcome of a child process. */
export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run a JavaScript program (given as text) in a node child, with `LIB` bound to the compiled library and
 * `LIB_DIR` to its directory (`LIB_DIR/src/...`, `LIB_DIR/node_modules/...`).
 */
export function runChild(script: string, env: { [k: string]: string } = {}, options: SpawnOptions = {}): Promise<ChildResult> & { pid?: number } {
  const lib = compiledLibrary();
  const file = path.join(tempDir('child-'), 'child.js');
  fs.writeFileSync(file, `const LIB_DIR = ${JSON.stringify(lib)};\nconst LIB = require(${JSON.stringify(path.join(lib, 'src'))});\n${script}\n`);
  const child = spawn(process.execPath, [file], { ...options, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', d => { stdout += d; });
  child.stderr!.on('data', d => { stderr += d; });
  const promise = new Promise<ChildResult>(resolve => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }))) as Promise<ChildResult> & { pid?: number };
  promise.pid = child.pid;
  return promise;
}

/** Wait until `check` holds, polling; fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

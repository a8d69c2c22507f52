import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RolloutPlan, StageSize } from '../../../src';

/**
 * The npm tarball as `npx projen package:js` packs it (jsii-pacmak runs `npm pack`), and the assembly in it
 * driven from another language the way the Python, Java and .NET clients drive it: through @jsii/runtime,
 * a node process that speaks JSON lines (load, create, sinvoke, invoke, get) on standard input and output.
 * npm test compiles first, so lib/ and .jsii are current.
 */
const repo = path.join(__dirname, '..', '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-staged-package-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function npmPack(args: string[]): Array<{ filename: string; name: string; version: string; unpackedSize: number; files: Array<{ path: string; size: number }> }> {
  return JSON.parse(execFileSync('npm', ['pack', '--json', ...args], { cwd: repo, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('the npm tarball', () => {
  const [pack] = npmPack(['--dry-run']);
  const files = pack.files.map(f => f.path);

  test('is under 3 MB unpacked', () => {
    expect(pack.unpackedSize).toBeLessThan(3_000_000);
  });

  test('holds the compiled library, the assembly, the bundled yaml and the legal files', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'NOTICE', 'CHANGELOG.md', '.jsii', 'lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', 'node_modules/yaml/package.json']) {
      expect({ file, packed: files.includes(file) }).toEqual({ file, packed: true });
    }
    expect(files.filter(f => f.startsWith('lib/imports/')).sort()).toEqual([
      'argocd-application-argoproj.io.d.ts', 'argocd-application-argoproj.io.js',
      'argocd-applicationset-argoproj.io.d.ts', 'argocd-applicationset-argoproj.io.js',
      'flux-kustomization-kustomize.toolkit.fluxcd.io.d.ts', 'flux-kustomization-kustomize.toolkit.fluxcd.io.js',
      'kruise-statefulset-apps.kruise.io.d.ts', 'kruise-statefulset-apps.kruise.io.js',
    ].map(f => `lib/imports/${f}`));
  });

  test('leaves out what nothing needs at run time', () => {
    const top = [...new Set(files.map(f => f.split('/')[0]))].sort();
    expect(top).toEqual(['.jsii', 'CHANGELOG.md', 'LICENSE', 'NOTICE', 'README.md', 'lib', 'node_modules', 'package.json']);
    expect(files.filter(f => f.startsWith('lib/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  });

  test('.npmignore already names the jsii outdir as jsii-pacmak spells it, so packaging leaves it unchanged', () => {
    expect(fs.readFileSync(path.join(repo, '.npmignore'), 'utf-8').split('\n')).toContain('dist-packages');
  });
});

/** A jsii host as the Python client is one: requests and responses are JSON lines. */
class JsiiHost {
  public static async start(runtimeBin: string): Promise<JsiiHost> {
    const child = spawn(process.execPath, [runtimeBin], {
      env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
    });
    const host = new JsiiHost(child);
    const hello = await host.next();
    if (typeof hello.hello !== 'string') throw new Error(`no hello from the jsii runtime: ${JSON.stringify(hello)}`);
    host.hello = hello.hello;
    return host;
  }

  public hello = '';
  private buffer = '';
  private readonly lines: string[] = [];
  private readonly waiting: Array<(line: string) => void> = [];
  public stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf-8');
    child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line); else this.lines.push(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
  }

  /** One request; the `ok` payload, or an Error with the kernel's message. */
  public async request(req: object): Promise<any> {
    this.child.stdin.write(JSON.stringify(req) + '\n');
    const res = await this.next();
    if ('error' in res) throw new Error(res.error);
    if (!('ok' in res)) throw new Error(`unexpected response ${JSON.stringify(res)}`);
    return res.ok;
  }

  public async exit(): Promise<number | null> {
    const exited = new Promise<number | null>(resolve => this.child.once('exit', resolve));
    this.child.stdin.write(JSON.stringify({ exit: 0 }) + '\n');
    this.child.stdin.end();
    return exited;
  }

  private async next(): Promise<any> {
    const line = this.lines.shift() ?? await new Promise<string>(resolve => this.waiting.push(resolve));
    return JSON.parse(line);
  }
}

/**
 * @jsii/runtime, the version jsii-pacmak generates the other languages for (the Python package requires
 * jsii>=that version). Its webpack bundle is self-contained; the registry lacks the @jsii/kernel it lists as a
 * dependency, so it is fetched with `npm pack` once into node_modules/.cache instead of being a devDependency.
 */
const runtimeVersion: string = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', 'jsii-pacmak', 'package.json'), 'utf-8')).version;

function jsiiRuntime(): string {
  const version = runtimeVersion;
  const dir = path.join(repo, 'node_modules', '.cache', `jsii-runtime-${version}`);
  const bin = path.join(dir, 'package', 'webpack', 'bin', 'jsii-runtime.js');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const [tarball] = JSON.parse(execFileSync('npm', ['pack', '--json', `@jsii/runtime@${version}`, '--pack-destination', dir], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] }));
    execFileSync('tar', ['xzf', path.join(dir, tarball.filename), '-C', dir]);
  }
  return bin;
}

describe('the assembly from another language (the jsii runtime, as the Python client drives it)', () => {
  let host: JsiiHost;
  const ref = (r: any): string => r['$jsii.byref'];

  beforeAll(async () => {
    const runtime = jsiiRuntime();
    // each language's package ships its npm tarball and loads it, dependencies first
    const tarballs: Array<{ name: string; version: string; tarball: string }> = [];
    for (const dep of ['constructs', 'cdk8s', 'cdk8s-plus-27']) {
      const [p] = npmPack([path.join(repo, 'node_modules', dep), '--pack-destination', work]);
      tarballs.push({ name: p.name, version: p.version, tarball: path.join(work, p.filename) });
    }
    const [own] = npmPack(['--pack-destination', work]);
    tarballs.push({ name: own.name, version: own.version, tarball: path.join(work, own.filename) });
    host = await JsiiHost.start(runtime);
    for (const t of tarballs) {
      const loaded = await host.request({ api: 'load', ...t });
      expect(loaded.assembly).toBe(t.name);
    }
  }, 240_000);

  afterAll(async () => {
    if (host) expect(await host.exit()).toBe(0);
  });

  test('the runtime is the one jsii-pacmak targets', () => {
    expect(host.hello).toBe(`@jsii/runtime@${runtimeVersion}`);
  });

  test('StageSize.pods(1): a static factory, a property and a method', async () => {
    const size = await host.request({ api: 'sinvoke', fqn: 'cdk8s-staged-rollout.StageSize', method: 'pods', args: [1] });
    expect(ref(size.result)).toMatch(/^cdk8s-staged-rollout\.StageSize@[0-9]+$/);
    expect(await host.request({ api: 'get', objref: size.result, property: 'value' })).toEqual({ value: 1 });
    expect(await host.request({ api: 'get', objref: size.result, property: 'isPercent' })).toEqual({ value: false });
    expect(await host.request({ api: 'invoke', objref: size.result, method: 'toString', args: [] })).toEqual({ result: '1 pod' });
    expect(await host.request({ api: 'invoke', objref: size.result, method: 'resolve', args: [5] })).toEqual({ result: 1 });
  });

  test('RolloutPlan.canary().resolve(5): the stages, each with its partition and updated ordinals', async () => {
    // a struct argument as Python sends one: StageSize.pods(1) by reference inside CanaryPlanOptions
    const one = (await host.request({ api: 'sinvoke', fqn: 'cdk8s-staged-rollout.StageSize', method: 'pods', args: [1] })).result;
    const options = { '$jsii.struct': { fqn: 'cdk8s-staged-rollout.CanaryPlanOptions', data: { canary: one } } };
    for (const args of [[], [options]]) {
      const plan = (await host.request({ api: 'sinvoke', fqn: 'cdk8s-staged-rollout.RolloutPlan', method: 'canary', args })).result;
      expect(ref(plan)).toMatch(/^cdk8s-staged-rollout\.RolloutPlan@[0-9]+$/);
      const { result } = await host.request({ api: 'invoke', objref: plan, method: 'resolve', args: [5] });
      // structs come back by reference: read their fields the way a generated Python class does
      const stages = [];
      for (const stage of result) {
        expect(stage['$jsii.interfaces']).toEqual(['cdk8s-staged-rollout.ResolvedStage']);
        expect(ref(stage)).toMatch(/^Object@[0-9]+$/);
        const s: any = {};
        for (const property of ['index', 'name', 'directory', 'partition', 'updatedOrdinals', 'size']) {
          s[property] = (await host.request({ api: 'get', objref: stage, property })).value;
        }
        stages.push(s);
      }
      expect(stages).toEqual([
        { index: 0, name: 'hold', directory: 'stages/00-hold', partition: 2147483647, updatedOrdinals: [], size: 'hold' },
        { index: 1, name: 'canary', directory: 'stages/01-canary', partition: 4, updatedOrdinals: [4], size: '1 pod' },
        { index: 2, name: 'percent-50', directory: 'stages/02-percent-50', partition: 2, updatedOrdinals: [2, 3, 4], size: '50%' },
        { index: 3, name: 'complete', directory: 'stages/03-complete', partition: 0, updatedOrdinals: [0, 1, 2, 3, 4], size: 'complete' },
      ]);
      // the same as in TypeScript
      expect(stages).toEqual(RolloutPlan.canary({ canary: StageSize.pods(1) }).resolve(5).map(s => ({ ...s })));
    }
  });

  test('bad input reaches the other language as an error with the library message', async () => {
    await expect(host.request({ api: 'sinvoke', fqn: 'cdk8s-staged-rollout.StageSize', method: 'pods', args: [0] }))
      .rejects.toThrow('stage size (0) must be a whole number of pods >= 1');
  });
});

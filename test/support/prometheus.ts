import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * A real Prometheus server for tests: Debian's `prometheus` package (2.42), started as a plain process
 * (never the Debian service) on 127.0.0.1 with a free port, a temporary TSDB and a temporary config that
 * scrapes, every second, a metrics endpoint a child process serves on 127.0.0.1 with values the test sets.
 *
 * Flags given explicitly so that none of the package's defaults apply: `--config.file` (default
 * /etc/prometheus/prometheus.yml, which scrapes localhost:9090/9100 and alerts to :9093),
 * `--storage.tsdb.path` (default /var/lib/prometheus/metrics2/), `--web.listen-address` (default
 * 0.0.0.0:9090). The config has no alerting, rules, remote write or other targets.
 */

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** True when the binary exists; tests skip without it, except under CI=true, where they fail. */
export function prometheusAvailable(): boolean {
  return fs.existsSync(PROMETHEUS_BIN);
}

/** `describe` when prometheus is installed or CI=true (so that a missing binary fails), else `describe.skip`. */
export const describeWithPrometheus: jest.Describe =
  prometheusAvailable() || process.env.CI === 'true' ? describe : describe.skip;

/**
 * The server of `MetricsEndpoint`, in a child process: it answers every scrape from the file the test
 * writes, however long the test's own process is busy (a synth or a git command blocks jest's event
 * loop; a scrape that times out marks every series stale, and a gate would then read "no data").
 */
const METRICS_SERVER = `
const fs = require('fs');
const http = require('http');
const file = process.argv[1];
const server = http.createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(fs.readFileSync(file, 'utf-8'));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** A metrics endpoint in the text exposition format: gauges the test sets, changes and removes. */
export class MetricsEndpoint {
  private readonly samples = new Map<string, string>();
  private child?: ChildProcess;
  private readonly file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-')), 'metrics.txt');
  public port = 0;

  /** Set `name{labels} value`; the value as the exposition format writes it: 0.2, NaN, +Inf. */
  public set(name: string, labels: { [k: string]: string }, value: number | string): void {
    const pairs = Object.keys(labels).sort().map(k => `${k}="${labels[k].replace(/[\\"]/g, c => `\\${c}`)}"`);
    const key = pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
    this.samples.set(key, typeof value === 'number' ? formatNumber(value) : value);
    this.publish();
  }

  /** Remove every series of `name`. */
  public remove(name: string): void {
    for (const key of [...this.samples.keys()]) {
      if (key === name || key.startsWith(`${name}{`)) this.samples.delete(key);
    }
    this.publish();
  }

  public text(): string {
    const names = new Set([...this.samples.keys()].map(k => k.replace(/\{.*$/, '')));
    const lines: string[] = [];
    for (const name of [...names].sort()) {
      lines.push(`# TYPE ${name} gauge`);
      for (const [key, value] of [...this.samples.entries()].sort()) {
        if (key === name || key.startsWith(`${name}{`)) lines.push(`${key} ${value}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  /** Start the server process; it serves what `set` and `remove` last wrote. */
  public async start(): Promise<void> {
    this.publish();
    const child = spawn(process.execPath, ['-e', METRICS_SERVER, this.file], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      child.once('error', reject);
      child.once('exit', code => reject(new Error(`the metrics server exited (code ${code}) before it listened`)));
    });
  }

  public async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>(resolve => {
        child.once('exit', () => resolve());
        // its stdin ends: it exits
        child.stdin!.end();
      });
    }
  }

  /** Replace the served file whole (written beside it, then renamed): a scrape reads the old or the new text. */
  private publish(): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, this.text());
    fs.renameSync(tmp, this.file);
  }
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** A port nobody listens on right now (bound then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

export interface PrometheusServerOptions {
  /** Serve under this path prefix (`--web.external-url`), such as `/prom`. @default - the root */
  readonly routePrefix?: string;
  /** How long to wait for the server and the first scrape. @default 20000 */
  readonly startTimeoutMs?: number;
}

/** One Prometheus process scraping one `MetricsEndpoint`. */
export class PrometheusServer {
  /** Start the metrics endpoint and Prometheus; wait until the target is up and `metric` has a sample. */
  public static async start(metrics: MetricsEndpoint, metric: string, options: PrometheusServerOptions = {}): Promise<PrometheusServer> {
    if (!prometheusAvailable()) {
      throw new Error(`prometheus (${PROMETHEUS_BIN}) is missing: install Debian's package (apt-get update && apt-get install -y --no-install-recommends prometheus)`);
    }
    const server = new PrometheusServer(metrics, options.routePrefix ?? '');
    try {
      await server.boot(metric, options.startTimeoutMs ?? 20000);
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  public port = 0;
  private readonly dir: string;
  private child?: ChildProcess;
  private exited?: string;
  private log = '';

  private constructor(public readonly metrics: MetricsEndpoint, private readonly prefix: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prom-test-'));
  }

  /** The base URL, with the path prefix. */
  public get url(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}`;
  }

  private async boot(metric: string, timeoutMs: number): Promise<void> {
    await this.metrics.start();
    this.port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: test',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${this.metrics.port}']`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(this.dir, 'prometheus.yml'), config);
    const args = [
      `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`,
      '--log.level=warn',
    ];
    if (this.prefix !== '') args.push(`--web.external-url=${this.url}/`);
    this.child = spawn(PROMETHEUS_BIN, args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => { this.log = (this.log + chunk.toString()).slice(-4000); };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('exit', (code, signal) => { this.exited = `exited (code ${code}, signal ${signal})`; });
    this.child.on('error', e => { this.exited = `failed to start (${e.message})`; });

    const deadline = Date.now() + timeoutMs;
    const up = 'up{job="test"} == 1';
    for (;;) {
      if (this.exited) throw new Error(`prometheus ${this.exited}:\n${this.log}`);
      const ok = await this.instant(up).then(v => v.length > 0, () => false)
        && await this.instant(metric).then(v => v.length > 0, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`prometheus on ${this.url} did not scrape ${metric} within ${timeoutMs} ms:\n${this.log}`);
      await sleep(200);
    }
  }

  /** The series of an instant query now, as `[labels, value text]` (a helper of the test, not the client). */
  public async instant(query: string): Promise<Array<[{ [k: string]: string }, string]>> {
    const body = await getJson(`${this.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    if (body.status !== 'success') throw new Error(`query ${query}: ${body.error}`);
    return body.data.result.map((s: any) => [s.metric, s.value[1]]);
  }

  /** Poll until `query` returns a series whose value is `value` (the next scrape happened). */
  public async waitFor(query: string, value: string, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.instant(query).catch(() => []);
      if (got.some(([, v]) => v === value)) return;
      if (Date.now() > deadline) throw new Error(`${query} did not become ${value} within ${timeoutMs} ms (got ${JSON.stringify(got)})`);
      await sleep(200);
    }
  }

  /** Stop Prometheus (SIGTERM, SIGKILL after 5 s), the metrics endpoint, and remove the temp dir. */
  public async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null && !this.exited) {
      await new Promise<void>(resolve => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => { clearTimeout(kill); resolve(); });
        child.kill('SIGTERM');
      });
    }
    await this.metrics.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function getJson(url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

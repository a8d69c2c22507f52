import type * as Http from 'http';
import { PrometheusError, PrometheusRequest } from '../core/analysis-verdict';

/** Options of `PrometheusClient`. */
export interface PrometheusClientOptions {
  /**
   * The server's base URL, `http(s)://host:port` with an optional path prefix (`/prometheus`) when it
   * runs with `--web.route-prefix` or behind a proxy. User and password in the URL become basic auth.
   */
  readonly url: string;
  /** Give up on one request after this many milliseconds (connecting included). @default 10000 */
  readonly timeoutMs?: number;
  /** Refuse answers larger than this many bytes. @default 10 MiB */
  readonly maxBytes?: number;
  /** Extra request headers, such as `Authorization: Bearer ...`. @default - none */
  readonly headers?: { readonly [name: string]: string };
}

const DEFAULT_TIMEOUT_MS = 10000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A small client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) on Node's http and
 * https modules. It answers the parsed JSON of a `status: "success"` answer, or throws a `PrometheusError`
 * telling apart an unreachable server, Prometheus's own error (`errorType`, `error`) and an answer that is
 * not the API's JSON. Messages name the URL (without credentials) and the query.
 */
export class PrometheusClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly headers: { readonly [name: string]: string };

  constructor(options: PrometheusClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new Error(`prometheus url (${JSON.stringify(options.url)}) must be an absolute http or https URL such as "http://prometheus.monitoring:9090"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(`prometheus url (${JSON.stringify(options.url)}) must use http or https`);
    }
    if (base.search !== '' || base.hash !== '') {
      throw new Error(`prometheus url (${JSON.stringify(options.url)}) must not have a query or fragment: give the base URL, with a path prefix if any`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new Error(`prometheus timeoutMs (${JSON.stringify(timeoutMs)}) must be an integer >= 1`);
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new Error(`prometheus maxBytes (${JSON.stringify(maxBytes)}) must be an integer >= 1`);
    }
    this.base = base;
    this.timeoutMs = timeoutMs;
    this.maxBytes = maxBytes;
    this.headers = options.headers ?? {};
  }

  /** The base URL as messages show it: without user and password. */
  public get displayUrl(): string {
    const u = new URL(this.base.href);
    u.username = '';
    u.password = '';
    return u.href.replace(/\/$/, '');
  }

  /** `GET /api/v1/query?query=..&time=..`: an instant query (at the server's now without `time`). */
  public query(query: string, time?: Date): Promise<any> {
    const params: { [k: string]: string } = { query };
    if (time !== undefined) params.time = (time.getTime() / 1000).toFixed(3);
    return this.send({ path: '/api/v1/query', params });
  }

  /** `GET /api/v1/query_range?query=..&start=..&end=..&step=..` (step in seconds). */
  public queryRange(query: string, start: Date, end: Date, stepSeconds: number): Promise<any> {
    return this.send({
      path: '/api/v1/query_range',
      params: { query, start: (start.getTime() / 1000).toFixed(3), end: (end.getTime() / 1000).toFixed(3), step: String(stepSeconds) },
    });
  }

  /** Send one request built by `analysisRequest()`; resolves to the whole `status: "success"` answer. */
  public send(request: PrometheusRequest): Promise<any> {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${request.path}`;
    for (const [k, v] of Object.entries(request.params)) url.searchParams.append(k, v);
    const where = `${this.displayUrl}${request.path}`;
    const about = `prometheus at ${where} for query ${JSON.stringify(request.params.query ?? '')}`;
    return new Promise((resolve, reject) => {
      // http and https are loaded here only: the command line loads this module for every gate
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib: typeof Http = url.protocol === 'https:' ? require('https') : require('http');
      let settled = false;
      const finish = (err: PrometheusError | undefined, value?: any) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err); else resolve(value);
      };
      const req = lib.request(url, {
        method: 'GET',
        headers: { 'Accept': 'application/json', 'User-Agent': 'cdk8s-staged-rollout', ...this.headers },
        auth: url.username !== '' ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
      }, res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            finish(new PrometheusError('response', `${about}: the answer is larger than ${this.maxBytes} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', e => finish(new PrometheusError('unreachable', `${about}: the connection broke (${e.message})`)));
        res.on('end', () => {
          if (settled) return;
          const text = Buffer.concat(chunks).toString('utf-8');
          const answer = readAnswer(about, text, res.statusCode ?? 0, String(res.headers['content-type'] ?? ''));
          if (answer instanceof PrometheusError) finish(answer); else finish(undefined, answer);
        });
      });
      const timer = setTimeout(() => {
        finish(new PrometheusError('unreachable', `${about}: no answer within ${this.timeoutMs} ms`));
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const detail = [e.code, e.message].filter(x => x !== undefined && x !== '').join(': ');
        finish(new PrometheusError('unreachable', `${about} is unreachable (${detail || 'connection failed'})`));
      });
      req.end();
    });
  }
}

/** The API answer in an HTTP answer, or the error it is. */
function readAnswer(about: string, text: string, status: number, contentType: string): any {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    return new PrometheusError('response', `${about}: HTTP ${status} with an answer that is not JSON (${contentType || 'no content type'}: ${JSON.stringify(snippet)}): is the URL the Prometheus server, with its path prefix?`);
  }
  if (body !== null && typeof body === 'object' && body.status === 'error') {
    return new PrometheusError('api', `${about}: HTTP ${status}, ${body.errorType ?? 'error'}: ${body.error ?? '(no message)'}`, body.errorType);
  }
  if (status < 200 || status > 299 || body === null || typeof body !== 'object' || body.status !== 'success') {
    return new PrometheusError('response', `${about}: HTTP ${status} with JSON that is not a Prometheus API answer (status ${JSON.stringify(body?.status)})`);
  }
  return body;
}

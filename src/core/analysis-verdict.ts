import { formatSeconds, NanPolicy, StageAnalysis } from './analysis';

/**
 * Evaluating analyses: which Prometheus HTTP API requests an analysis needs, and the verdict on their
 * answers. Pure: the requests are made by `io/prometheus.ts`.
 *
 * The answers follow the Prometheus HTTP API (docs/querying/api.md): `{"status": "success", "data":
 * {"resultType": "vector" | "matrix" | "scalar" | "string", "result": ...}}`, or `{"status": "error",
 * "errorType": ..., "error": ...}`. Sample values are JSON strings because JSON has no NaN or infinity:
 * Go's `strconv.FormatFloat(f, 'f' or 'e', -1, 64)` writes `"0.001"`, `"1e-07"`, `"NaN"`, `"+Inf"`, `"-Inf"`.
 */

/** pass: every sample satisfies the condition; fail: one does not; not-yet: too few samples so far. */
export type AnalysisStatus = 'pass' | 'fail' | 'not-yet';

/** One request to the Prometheus HTTP API, relative to its base URL. */
export interface PrometheusRequest {
  readonly path: '/api/v1/query' | '/api/v1/query_range';
  /** The URL parameters, in this order; times are Unix seconds with milliseconds. */
  readonly params: { readonly [name: string]: string };
}

/** One series of the answer and how its samples did. */
export interface SeriesResult {
  /** The series as PromQL writes it: `error_ratio{pod="web-1"}`, `{}` without labels, `scalar`. */
  readonly series: string;
  /** Its sample values as Prometheus wrote them, oldest first: `"0.001"`, `"NaN"`, `"+Inf"`. */
  readonly values: string[];
  /** The values that do not satisfy the condition, as text. */
  readonly failing: string[];
  readonly status: AnalysisStatus;
}

/** The verdict on one analysis. */
export interface AnalysisVerdict {
  readonly status: AnalysisStatus;
  /** The analysis name. */
  readonly name: string;
  /** The rendered query that was sent. */
  readonly query: string;
  /** The condition as text: `< 0.01`. */
  readonly condition: string;
  readonly threshold: number;
  /** The value that decided the verdict, as text: the first failing one, else the latest; null with no data. */
  readonly value: string | null;
  /** Every series, sorted by its text. */
  readonly series: SeriesResult[];
  /** One sentence: why. */
  readonly reason: string;
}

/** The verdict on a bake time. */
export interface BakeVerdict {
  readonly status: 'pass' | 'not-yet';
  /** Seconds left, 0 once baked. */
  readonly remainingSeconds: number;
  readonly reason: string;
}

/** What went wrong reaching or reading Prometheus. */
export type PrometheusErrorKind = 'unreachable' | 'api' | 'response';

/**
 * Prometheus could not answer the question: `unreachable` (connection refused, DNS, timeout), `api`
 * (Prometheus's own `status: "error"` with `errorType`/`error`, such as a PromQL syntax error) or
 * `response` (an answer that is not the API's JSON: a proxy's HTML page, a wrong path prefix, too large).
 * Never a verdict: the gate exits 2 on it.
 */
export class PrometheusError extends Error {
  constructor(
    public readonly kind: PrometheusErrorKind,
    message: string,
    /** Prometheus's `errorType` (`bad_data`, `execution`, `timeout`, ...), for `api` errors. */
    public readonly errorType?: string) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** Unix seconds with milliseconds, as Prometheus reads them. */
export function unixSeconds(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new Error(`time (${String(date)}) must be a valid date`);
  return (ms / 1000).toFixed(3);
}

/**
 * The request an analysis needs at `now`: an instant query for one sample, else one range query whose
 * points are the samples (`consecutive`: `now - (count-1)*interval .. now`; `window`: `now - duration .. now`).
 */
export function analysisRequest(analysis: StageAnalysis, renderedQuery: string, now: Date): PrometheusRequest {
  const s = analysis.sampling;
  if (s.lookbackSeconds === 0) {
    return { path: '/api/v1/query', params: { query: renderedQuery, time: unixSeconds(now) } };
  }
  return {
    path: '/api/v1/query_range',
    params: {
      query: renderedQuery,
      start: unixSeconds(new Date(now.getTime() - s.lookbackSeconds * 1000)),
      end: unixSeconds(now),
      step: String(s.step.totalSeconds),
    },
  };
}

/** Parse a sample value the way Prometheus writes it (Go's ParseFloat: `NaN`, `+Inf`, `-Inf`, `Inf`). */
export function parseSampleValue(text: unknown): number {
  if (typeof text !== 'string') {
    throw new PrometheusError('response', `a sample value (${JSON.stringify(text)}) must be a string such as "0.5", "NaN" or "+Inf"`);
  }
  switch (text.toLowerCase()) {
    case 'nan': return NaN;
    case '+inf': case 'inf': return Infinity;
    case '-inf': return -Infinity;
  }
  const n = text.trim() === '' ? NaN : Number(text);
  if (Number.isNaN(n)) {
    throw new PrometheusError('response', `a sample value (${JSON.stringify(text)}) is not a number`);
  }
  return n;
}

/** A series as PromQL writes it: `name{a="x", b="y"}`, labels sorted. */
export function seriesText(metric: { [label: string]: string } | undefined): string {
  const labels = { ...(metric ?? {}) };
  const name = labels.__name__ ?? '';
  delete labels.__name__;
  const pairs = Object.keys(labels).sort().map(k => `${k}=${JSON.stringify(labels[k])}`);
  return pairs.length === 0 && name !== '' ? name : `${name}{${pairs.join(', ')}}`;
}

interface Point { readonly time: number; readonly text: string }

function isObject(v: unknown): v is { [k: string]: any } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function point(field: string, pair: unknown): Point {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') {
    throw new PrometheusError('response', `${field} (${JSON.stringify(pair)}) must be [<unix time>, "<value>"]`);
  }
  parseSampleValue(pair[1]);
  return { time: pair[0], text: pair[1] };
}

/** Collect the points of one API answer, by series; throws for `status: "error"` and malformed answers. */
function collect(answer: unknown, into: Map<string, Point[]>): void {
  if (!isObject(answer)) {
    throw new PrometheusError('response', `the answer (${JSON.stringify(answer)}) must be a Prometheus API object`);
  }
  if (answer.status === 'error') {
    throw new PrometheusError('api', `prometheus answered ${answer.errorType ?? 'error'}: ${answer.error ?? '(no message)'}`, answer.errorType);
  }
  if (answer.status !== 'success' || !isObject(answer.data)) {
    throw new PrometheusError('response', `the answer status (${JSON.stringify(answer.status)}) must be "success" with a data object`);
  }
  const { resultType, result } = answer.data;
  const add = (series: string, p: Point) => {
    const list = into.get(series) ?? [];
    list.push(p);
    into.set(series, list);
  };
  switch (resultType) {
    case 'scalar':
      add('scalar', point('the scalar result', result));
      return;
    case 'vector':
    case 'matrix': {
      if (!Array.isArray(result)) {
        throw new PrometheusError('response', `the ${resultType} result (${JSON.stringify(result)}) must be a list`);
      }
      for (const s of result) {
        const name = seriesText(s?.metric);
        const pairs = resultType === 'vector' ? (s?.value === undefined ? [] : [s.value]) : (s?.values ?? []);
        if (pairs.length === 0 && (s?.histogram !== undefined || s?.histograms !== undefined)) {
          throw new PrometheusError('response', `series ${name} holds native histogram samples, which cannot be compared with a threshold: use histogram_quantile() or histogram_count()`);
        }
        if (!Array.isArray(pairs)) {
          throw new PrometheusError('response', `series ${name} values (${JSON.stringify(pairs)}) must be a list`);
        }
        if (resultType === 'matrix' && pairs.length === 0) into.set(name, into.get(name) ?? []);
        for (const pair of pairs) add(name, point(`series ${name} sample`, pair));
      }
      return;
    }
    default:
      throw new PrometheusError('response', `the result type (${JSON.stringify(resultType)}) must be "vector", "matrix" or "scalar": a query for a threshold must return numbers`);
  }
}

/**
 * The verdict on an analysis from the API answers to its request: one range query answer (a matrix),
 * or the answers to one or more instant queries (vectors or scalars, oldest first; each answer is one
 * sample of every series it holds).
 *
 * Every series must have `sampling.expectedSamples` samples (the last ones count), each satisfying the
 * condition. Any sample that does not: fail, naming the series and the value. NaN: not yet, or fail
 * with `NanPolicy.FAIL`. Too few samples, or no series at all: not yet. An answer with `status: "error"`,
 * or one that is not the API's JSON, throws a `PrometheusError`.
 */
export function evaluateAnalysis(analysis: StageAnalysis, renderedQuery: string, answers: unknown[]): AnalysisVerdict {
  const bySeries = new Map<string, Point[]>();
  for (const answer of answers) collect(answer, bySeries);
  const cond = analysis.condition;
  const expected = analysis.sampling.expectedSamples;
  const base = { name: analysis.name, query: renderedQuery, condition: cond.toString(), threshold: cond.threshold };

  const series: SeriesResult[] = [...bySeries.keys()].sort().map(name => {
    const points = bySeries.get(name)!.sort((a, b) => a.time - b.time).slice(-expected);
    const values = points.map(p => p.text);
    const failing = values.filter(v => {
      const n = parseSampleValue(v);
      return Number.isNaN(n) ? analysis.nanPolicy === NanPolicy.FAIL : !cond.holds(n);
    });
    const nan = values.some(v => Number.isNaN(parseSampleValue(v)));
    const status: AnalysisStatus = failing.length > 0 ? 'fail' : (nan || values.length < expected) ? 'not-yet' : 'pass';
    return { series: name, values, failing, status };
  });

  const label = `analysis ${analysis.name}`;
  if (series.length === 0 || series.every(s => s.values.length === 0)) {
    return {
      ...base,
      status: 'not-yet',
      value: null,
      series,
      reason: `${label}: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)`,
    };
  }
  const failed = series.filter(s => s.status === 'fail');
  if (failed.length > 0) {
    const shown = failed.map(s => `${s.series} = ${s.failing[0]}`).join(', ');
    return {
      ...base,
      status: 'fail',
      value: failed[0].failing[0],
      series,
      reason: `${label} failed: ${shown}, the condition is ${cond} (${analysis.sampling})`,
    };
  }
  const waiting = series.filter(s => s.status === 'not-yet');
  if (waiting.length > 0) {
    const w = waiting[0];
    const nanValue = w.values.find(v => Number.isNaN(parseSampleValue(v)));
    const why = nanValue !== undefined
      ? `${w.series} = ${nanValue} (no number yet, such as 0/0 without traffic)`
      : `${w.series} has ${w.values.length} of ${expected} samples so far`;
    const more = waiting.length > 1 ? ` (and ${waiting.length - 1} more series)` : '';
    return { ...base, status: 'not-yet', value: nanValue ?? w.values[w.values.length - 1], series, reason: `${label} not yet: ${why}${more}, the condition is ${cond}` };
  }
  const latest = series.map(s => `${s.series} = ${s.values[s.values.length - 1]}`).join(', ');
  return {
    ...base,
    status: 'pass',
    value: series[0].values[series[0].values.length - 1],
    series,
    reason: `${label} passed: ${latest}, ${cond} (${analysis.sampling}${series.length > 1 ? `, ${series.length} series` : ''})`,
  };
}

/**
 * Whether a stage promoted at `promotedAt` has baked for `bakeSeconds` at `now`. A `promotedAt` after
 * `now` (clock skew) counts as just promoted.
 */
export function bakeVerdict(bakeSeconds: number, promotedAt: Date, now: Date): BakeVerdict {
  const start = promotedAt.getTime();
  const end = now.getTime();
  if (!Number.isFinite(start)) throw new Error(`promotedAt (${String(promotedAt)}) must be a valid date`);
  if (!Number.isFinite(end)) throw new Error(`now (${String(now)}) must be a valid date`);
  if (!Number.isInteger(bakeSeconds) || bakeSeconds < 0) throw new Error(`bake time (${bakeSeconds}) must be a whole number of seconds >= 0`);
  const elapsed = Math.max(0, Math.floor((end - start) / 1000));
  const bake = formatSeconds(bakeSeconds);
  const since = `promoted at ${promotedAt.toISOString()}`;
  if (elapsed >= bakeSeconds) {
    return { status: 'pass', remainingSeconds: 0, reason: `baked ${formatSeconds(elapsed)} of ${bake} (${since})` };
  }
  const remaining = bakeSeconds - elapsed;
  return {
    status: 'not-yet',
    remainingSeconds: remaining,
    reason: `baking: ${formatSeconds(remaining)} left of ${bake} (${since}${end < start ? ', which is after now: clock skew?' : ''})`,
  };
}

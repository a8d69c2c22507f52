import { checkDnsLabel, show } from './validation';

/**
 * Analysis gates declared in code, per stage: Prometheus queries with a success condition and a way of
 * sampling them, and a minimum bake time after convergence. Pure declarations: they validate their input,
 * render a query for a stage and turn into the plain data plan.json carries. Evaluating an answer of the
 * Prometheus HTTP API against them is in `analysis-verdict.ts`.
 */

const DURATION = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/;

/** Prometheus answers at most 11,000 points per series in a range query. */
const MAX_POINTS = 11000;

/** The template variables a query may use, in the order error messages list them. */
export const QUERY_VARIABLES: readonly string[] = ['namespace', 'app', 'stage', 'pods', 'wave'];

/**
 * A length of time written the Kubernetes way: `"30s"`, `"5m"`, `"1h"`, `"1h30m"`.
 *
 * Whole hours, minutes and seconds in that order, each at most once; the total must be at least one
 * second. It is shown in its canonical form: `"90s"` becomes `"1m30s"`.
 */
export class AnalysisDuration {
  /**
   * Parse a duration such as `"30s"`, `"5m"`, `"1h"` or `"1h30m"`.
   * @param text the duration
   * @param field the name of the field it came from, for the error message
   * @default field "duration"
   */
  public static parse(text: string, field?: string): AnalysisDuration {
    const name = field ?? 'duration';
    const m = typeof text === 'string' ? DURATION.exec(text) : null;
    if (m === null || text === '') {
      throw new Error(`${name} (${show(text)}) must be a duration such as "30s", "5m", "1h" or "1h30m": whole hours, minutes and seconds, in that order`);
    }
    const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
    if (seconds < 1) {
      throw new Error(`${name} (${show(text)}) must be at least 1s`);
    }
    return new AnalysisDuration(seconds);
  }

  /**
   * A number of seconds.
   * @param seconds a whole number >= 1
   */
  public static seconds(seconds: number): AnalysisDuration {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      throw new Error(`duration (${show(seconds)}) must be a whole number of seconds >= 1`);
    }
    return new AnalysisDuration(seconds);
  }

  private constructor(
    /** The length in seconds. */
    public readonly totalSeconds: number) {}

  /** The canonical text: `"1h30m"`, `"5m"`, `"45s"`. */
  public toString(): string {
    return formatSeconds(this.totalSeconds);
  }
}

/** Write a whole number of seconds as `1h2m3s`, leaving out zero parts (`0s` for zero). */
export function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
  return text === '' ? '0s' : text;
}

/** How a sample is compared with the threshold. */
export enum ComparisonOperator {
  /** The value must be below the threshold. */
  LESS_THAN = '<',
  /** The value must be at most the threshold. */
  LESS_THAN_OR_EQUAL = '<=',
  /** The value must be above the threshold. */
  GREATER_THAN = '>',
  /** The value must be at least the threshold. */
  GREATER_THAN_OR_EQUAL = '>=',
  /** The value must equal the threshold. */
  EQUAL = '==',
  /** The value must differ from the threshold. */
  NOT_EQUAL = '!=',
}

const OPERATORS = Object.values(ComparisonOperator) as string[];

/**
 * What every sample of a query must satisfy: `value <operator> threshold`.
 *
 * `+Inf` and `-Inf` compare as numbers (`+Inf < 0.01` is false). `NaN` satisfies no condition, not even
 * `!=`: what it means is the analysis's `NanPolicy`.
 */
export class SuccessCondition {
  /** Pass when every sample is below the threshold. */
  public static lessThan(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.LESS_THAN, threshold);
  }

  /** Pass when every sample is at most the threshold. */
  public static lessThanOrEqual(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.LESS_THAN_OR_EQUAL, threshold);
  }

  /** Pass when every sample is above the threshold. */
  public static greaterThan(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.GREATER_THAN, threshold);
  }

  /** Pass when every sample is at least the threshold. */
  public static greaterThanOrEqual(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.GREATER_THAN_OR_EQUAL, threshold);
  }

  /** Pass when every sample equals the threshold. */
  public static equalTo(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.EQUAL, threshold);
  }

  /** Pass when every sample differs from the threshold. */
  public static notEqualTo(threshold: number): SuccessCondition {
    return SuccessCondition.of(ComparisonOperator.NOT_EQUAL, threshold);
  }

  /**
   * A comparison given as an operator.
   * @param operator the comparison
   * @param threshold a finite number
   */
  public static of(operator: ComparisonOperator, threshold: number): SuccessCondition {
    if (!OPERATORS.includes(operator)) {
      throw new Error(`condition operator (${show(operator)}) must be one of ${OPERATORS.map(o => JSON.stringify(o)).join(', ')}`);
    }
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new Error(`condition threshold (${show(typeof threshold === 'number' ? String(threshold) : threshold)}) must be a finite number`);
    }
    return new SuccessCondition(operator, threshold);
  }

  private constructor(
    /** The comparison. */
    public readonly operator: ComparisonOperator,
    /** The number each sample is compared with. */
    public readonly threshold: number) {}

  /** True when the value satisfies the condition; NaN never does. */
  public holds(value: number): boolean {
    if (Number.isNaN(value)) return false;
    switch (this.operator) {
      case ComparisonOperator.LESS_THAN: return value < this.threshold;
      case ComparisonOperator.LESS_THAN_OR_EQUAL: return value <= this.threshold;
      case ComparisonOperator.GREATER_THAN: return value > this.threshold;
      case ComparisonOperator.GREATER_THAN_OR_EQUAL: return value >= this.threshold;
      case ComparisonOperator.EQUAL: return value === this.threshold;
      case ComparisonOperator.NOT_EQUAL: return value !== this.threshold;
    }
  }

  /** `< 0.01` */
  public toString(): string {
    return `${this.operator} ${this.threshold}`;
  }
}

/** Which way of sampling a query uses. */
export enum SamplingType {
  /** The last N samples, `interval` apart. */
  CONSECUTIVE = 'consecutive',
  /** Every point of a time window, `step` apart. */
  WINDOW = 'window',
}

/** Options of `Sampling.consecutive()`. */
export interface ConsecutiveSamplingOptions {
  /**
   * How many consecutive samples must pass, the last one taken now. Between 1 and 11000.
   * @default 1
   */
  readonly count?: number;

  /**
   * The time between two samples, such as `"30s"` or `"1m"`.
   * @default "1m"
   */
  readonly interval?: string;
}

/** Options of `Sampling.window()`. */
export interface WindowSamplingOptions {
  /** The length of the window that ends now, such as `"5m"`. */
  readonly duration: string;

  /**
   * The time between two points of the window (the `step` of the range query); at most the duration.
   * @default "1m"
   */
  readonly step?: string;
}

/**
 * How a query is sampled. Either way every sample must pass, and a series with fewer samples than
 * expected (its metric appeared later, the pods started later) is "not yet".
 *
 * - `consecutive({ count: N, interval })`: the N samples at `now - (N-1)*interval, ..., now`: one instant
 *   query when N is 1, else one `query_range` from `now - (N-1)*interval` to `now` with step `interval`.
 * - `window({ duration, step })`: one `query_range` from `now - duration` to `now` with `step`: its
 *   `floor(duration / step) + 1` points.
 */
export class Sampling {
  /** The last `count` samples, `interval` apart, must all pass. */
  public static consecutive(options: ConsecutiveSamplingOptions = {}): Sampling {
    const count = options.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_POINTS) {
      throw new Error(`sampling count (${show(count)}) must be an integer between 1 and ${MAX_POINTS}`);
    }
    const interval = AnalysisDuration.parse(options.interval ?? '1m', 'sampling interval');
    return new Sampling(SamplingType.CONSECUTIVE, count, interval, (count - 1) * interval.totalSeconds);
  }

  /** Every point of the last `duration`, `step` apart, must pass. */
  public static window(options: WindowSamplingOptions): Sampling {
    const duration = AnalysisDuration.parse(options?.duration, 'sampling window duration');
    const step = AnalysisDuration.parse(options.step ?? '1m', 'sampling window step');
    if (step.totalSeconds > duration.totalSeconds) {
      throw new Error(`sampling window step (${show(step.toString())}) must be at most the window duration (${show(duration.toString())})`);
    }
    const points = Math.floor(duration.totalSeconds / step.totalSeconds) + 1;
    if (points > MAX_POINTS) {
      throw new Error(`sampling window duration (${show(duration.toString())}) over step (${show(step.toString())}) makes ${points} points: Prometheus answers at most ${MAX_POINTS}`);
    }
    return new Sampling(SamplingType.WINDOW, points, step, duration.totalSeconds);
  }

  private constructor(
    /** Consecutive samples or a window. */
    public readonly type: SamplingType,
    /** How many samples each series must have, all passing. */
    public readonly expectedSamples: number,
    /** The time between two samples (the range query's step). */
    public readonly step: AnalysisDuration,
    /** How far back the first sample lies, in seconds (0: one instant query). */
    public readonly lookbackSeconds: number) {}

  /** What plan.json carries. */
  public toPlanJson(): any {
    return this.type === SamplingType.CONSECUTIVE
      ? { type: this.type, count: this.expectedSamples, interval: this.step.toString() }
      : { type: this.type, duration: formatSeconds(this.lookbackSeconds), step: this.step.toString() };
  }

  /** `3 consecutive samples 1m apart`, `every 1m over 5m`. */
  public toString(): string {
    if (this.type === SamplingType.WINDOW) {
      return `every ${this.step} over ${formatSeconds(this.lookbackSeconds)}`;
    }
    return this.expectedSamples === 1 ? '1 sample' : `${this.expectedSamples} consecutive samples ${this.step} apart`;
  }
}

/** What a `NaN` sample (such as `0/0`, a ratio without traffic) means. */
export enum NanPolicy {
  /** Not yet: wait for a number (no traffic yet is not a failure). */
  NOT_YET = 'not-yet',
  /** A failure, like a sample outside the condition. */
  FAIL = 'fail',
}

/** The values the template variables of a query take for one stage. */
export interface QueryVariables {
  /**
   * `{{namespace}}`: the app's namespace.
   * @default - a query that uses `{{namespace}}` cannot be rendered
   */
  readonly namespace?: string;

  /** `{{app}}`: the app's name. */
  readonly app: string;

  /** `{{stage}}`: the stage's name. */
  readonly stage: string;

  /**
   * `{{pods}}`: the candidate pods' names (those running the new revision at this stage). They are
   * sorted, deduplicated, escaped for a PromQL regular expression and joined with `|`.
   */
  readonly pods: string[];

  /**
   * `{{wave}}`: the wave being judged (a rollout with `rollout.waves`), such as a cluster label's value.
   * @default - a query that uses `{{wave}}` cannot be rendered
   */
  readonly wave?: string;
}

/** Options of `StageAnalysis.prometheus()`. */
export interface PrometheusAnalysisOptions {
  /** The analysis name: a DNS-1123 label, unique among the analyses of a stage. */
  readonly name: string;

  /**
   * The PromQL query. It may use `{{namespace}}`, `{{app}}`, `{{stage}}`, `{{pods}}` and `{{wave}}` (spaces inside the
   * braces allowed). `{{pods}}` is the candidate pods' names as a regex alternation (`web-3|web-4`),
   * escaped to sit inside a double-quoted matcher: `pod=~"{{pods}}"`. Any other `{{` is refused.
   */
  readonly query: string;

  /** What every sample must satisfy. */
  readonly condition: SuccessCondition;

  /**
   * How the query is sampled.
   * @default Sampling.consecutive() - one instant query, now
   */
  readonly sampling?: Sampling;

  /**
   * What a `NaN` sample means.
   * @default NanPolicy.NOT_YET
   */
  readonly nanPolicy?: NanPolicy;
}

/**
 * One metric check of a stage: a Prometheus query whose samples must all satisfy a condition.
 *
 * @example
 * StageAnalysis.prometheus({
 *   name: 'error-rate',
 *   query: 'sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}",code=~"5.."}[1m]))'
 *     + ' / sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}"}[1m]))',
 *   condition: SuccessCondition.lessThan(0.01),
 *   sampling: Sampling.consecutive({ count: 3, interval: '1m' }),
 * });
 */
export class StageAnalysis {
  /** A check against the Prometheus HTTP API. */
  /** Read back what `toPlanJson()` wrote, with the same validation. */
  public static fromPlanJson(data: any): StageAnalysis {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new Error(`analysis (${show(data)}) must be an object`);
    }
    if (data.provider !== 'prometheus') {
      throw new Error(`analysis ${data.name} provider (${show(data.provider)}) must be "prometheus"`);
    }
    const s = data.sampling;
    let sampling: Sampling;
    if (s?.type === SamplingType.CONSECUTIVE) {
      sampling = Sampling.consecutive({ count: s.count, interval: s.interval });
    } else if (s?.type === SamplingType.WINDOW) {
      sampling = Sampling.window({ duration: s.duration, step: s.step });
    } else {
      throw new Error(`analysis ${data.name} sampling type (${show(s?.type)}) must be one of "consecutive", "window"`);
    }
    return StageAnalysis.prometheus({
      name: data.name,
      query: data.query,
      condition: SuccessCondition.of(data.condition?.operator, data.condition?.threshold),
      sampling,
      nanPolicy: data.nanPolicy,
    });
  }

  public static prometheus(options: PrometheusAnalysisOptions): StageAnalysis {
    checkDnsLabel('analysis name', options?.name);
    const query = options.query;
    if (typeof query !== 'string' || query.trim() === '') {
      throw new Error(`analysis ${options.name} query (${show(query)}) must be a non-empty PromQL expression`);
    }
    checkTemplate(`analysis ${options.name} query`, query);
    if (!(options.condition instanceof SuccessCondition)) {
      throw new Error(`analysis ${options.name} condition (${show(options.condition)}) must be a SuccessCondition such as SuccessCondition.lessThan(0.01)`);
    }
    const sampling = options.sampling ?? Sampling.consecutive();
    if (!(sampling instanceof Sampling)) {
      throw new Error(`analysis ${options.name} sampling (${show(sampling)}) must be Sampling.consecutive() or Sampling.window()`);
    }
    const nanPolicy = options.nanPolicy ?? NanPolicy.NOT_YET;
    if (!(Object.values(NanPolicy) as string[]).includes(nanPolicy)) {
      throw new Error(`analysis ${options.name} nanPolicy (${show(nanPolicy)}) must be one of "not-yet", "fail"`);
    }
    return new StageAnalysis(options.name, query, options.condition, sampling, nanPolicy);
  }

  private constructor(
    /** The analysis name. */
    public readonly name: string,
    /** The PromQL query with its template variables. */
    public readonly query: string,
    /** What every sample must satisfy. */
    public readonly condition: SuccessCondition,
    /** How the query is sampled. */
    public readonly sampling: Sampling,
    /** What a NaN sample means. */
    public readonly nanPolicy: NanPolicy) {}

  /** The template variables the query uses, in the order of `QUERY_VARIABLES`. */
  public get variables(): string[] {
    const used = new Set(templateVariables(this.query));
    return QUERY_VARIABLES.filter(v => used.has(v));
  }

  /** The query with its variables replaced for one stage. */
  public renderQuery(variables: QueryVariables): string {
    return renderTemplate(`analysis ${this.name} query`, this.query, variables);
  }

  /** What plan.json carries (fixed key order). */
  public toPlanJson(): any {
    return {
      name: this.name,
      provider: 'prometheus',
      query: this.query,
      condition: { operator: this.condition.operator, threshold: this.condition.threshold },
      sampling: this.sampling.toPlanJson(),
      nanPolicy: this.nanPolicy,
    };
  }

}

/** Options of `StageGate.of()`. */
export interface StageGateOptions {
  /**
   * How long the stage must stay converged before it may be left, such as `"10m"`, counted from the
   * moment it was promoted.
   * @default - no minimum: the stage may be left as soon as it has converged and its analyses pass
   */
  readonly bakeTime?: string;

  /**
   * The metric checks that must pass before the stage may be left.
   * @default - none
   */
  readonly analyses?: StageAnalysis[];
}

/** What must hold, besides convergence, before a stage may be left: a bake time and analyses. */
export class StageGate {
  /** A bake time and/or analyses. */
  public static of(options: StageGateOptions): StageGate {
    const bakeTime = options?.bakeTime === undefined ? undefined : AnalysisDuration.parse(options.bakeTime, 'bakeTime');
    const analyses = options?.analyses ?? [];
    if (!Array.isArray(analyses)) {
      throw new Error(`analyses (${show(analyses)}) must be a list of StageAnalysis`);
    }
    const seen = new Set<string>();
    analyses.forEach((a, i) => {
      if (!(a instanceof StageAnalysis)) {
        throw new Error(`analyses[${i}] (${show(a)}) must be a StageAnalysis such as StageAnalysis.prometheus({...})`);
      }
      if (seen.has(a.name)) {
        throw new Error(`analysis name (${show(a.name)}) is used twice: names must be unique within a stage`);
      }
      seen.add(a.name);
    });
    if (bakeTime === undefined && analyses.length === 0) {
      throw new Error('a stage gate needs a bakeTime or at least one analysis');
    }
    return new StageGate(bakeTime, [...analyses]);
  }

  /** Read back what `toPlanJson()` wrote, with the same validation. */
  public static fromPlanJson(data: any): StageGate {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new Error(`stage gate (${show(data)}) must be an object`);
    }
    if (data.analyses !== undefined && !Array.isArray(data.analyses)) {
      throw new Error(`analyses (${show(data.analyses)}) must be a list`);
    }
    return StageGate.of({
      bakeTime: data.bakeTime ?? undefined,
      analyses: (data.analyses ?? []).map((a: any) => StageAnalysis.fromPlanJson(a)),
    });
  }

  private constructor(
    /**
     * The minimum time at the stage after its promotion.
     * @default - no bake time
     */
    public readonly bakeTime: AnalysisDuration | undefined,
    /** The metric checks, in the order given. */
    public readonly analyses: StageAnalysis[]) {}

  /** What plan.json carries (fixed key order; `bakeTime` null when there is none). */
  public toPlanJson(): any {
    return {
      bakeTime: this.bakeTime?.toString() ?? null,
      analyses: this.analyses.map(a => a.toPlanJson()),
    };
  }
}

const TEMPLATE_VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names of a template, in order of appearance (with repeats). */
function templateVariables(template: string): string[] {
  return [...template.matchAll(TEMPLATE_VARIABLE)].map(m => m[1]);
}

/** Refuse unknown variables and any `{{` that is not a variable. */
function checkTemplate(field: string, template: string): void {
  const unknown = [...new Set(templateVariables(template).filter(v => !QUERY_VARIABLES.includes(v)))];
  const allowed = QUERY_VARIABLES.map(v => `{{${v}}}`).join(', ');
  if (unknown.length > 0) {
    throw new Error(`${field} (${show(template)}) uses unknown template variable${unknown.length > 1 ? 's' : ''} ${unknown.map(v => `{{${v}}}`).join(', ')}: allowed are ${allowed}`);
  }
  const stray = template.replace(TEMPLATE_VARIABLE, '').indexOf('{{');
  if (stray >= 0) {
    throw new Error(`${field} (${show(template)}) has a "{{" that is not a template variable: allowed are ${allowed}`);
  }
}

/**
 * Escape a pod name for a PromQL regular expression (RE2) that sits inside a double-quoted string:
 * regex metacharacters get a backslash, then backslashes and quotes are escaped for the string.
 */
export function escapePodRegex(name: string): string {
  const regex = name.replace(/[\\.+*?()|[\]{}^$]/g, c => `\\${c}`);
  return regex.replace(/[\\"]/g, c => `\\${c}`);
}

function renderTemplate(field: string, template: string, variables: QueryVariables): string {
  return template.replace(TEMPLATE_VARIABLE, (_match, name: string) => {
    switch (name) {
      case 'namespace':
        if (variables.namespace === undefined) {
          throw new Error(`${field} uses {{namespace}} but the app has no namespace: set one on the app`);
        }
        checkDnsLabel('namespace', variables.namespace);
        return variables.namespace;
      case 'app':
        checkDnsLabel('app', variables.app);
        return variables.app;
      case 'stage':
        checkDnsLabel('stage', variables.stage);
        return variables.stage;
      case 'wave':
        if (variables.wave === undefined) {
          throw new Error(`${field} uses {{wave}} but the rollout has no waves: set rollout.waves, or leave {{wave}} out`);
        }
        checkDnsLabel('wave', variables.wave);
        return variables.wave;
      case 'pods': {
        const pods = [...new Set(variables.pods ?? [])].sort();
        if (pods.length === 0) {
          throw new Error(`${field} uses {{pods}} but the stage has no candidate pods`);
        }
        pods.forEach((p, i) => {
          if (typeof p !== 'string' || p === '') throw new Error(`pods[${i}] (${show(p)}) must be a pod name`);
        });
        return pods.map(escapePodRegex).join('|');
      }
      default:
        throw new Error(`${field} uses unknown template variable {{${name}}}`);
    }
  });
}

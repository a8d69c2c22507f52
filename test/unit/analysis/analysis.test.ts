import {
  AnalysisDuration, ComparisonOperator, escapePodRegex, NanPolicy, Sampling, StageAnalysis, StageGate, SuccessCondition,
} from '../../../src/core/analysis';

const lt = SuccessCondition.lessThan(0.01);
const prom = (query: string, extra: object = {}) => StageAnalysis.prometheus({ name: 'error-rate', query, condition: lt, ...extra });

describe('AnalysisDuration', () => {
  test.each([
    ['30s', 30, '30s'], ['5m', 300, '5m'], ['1h', 3600, '1h'], ['1h30m', 5400, '1h30m'], ['90s', 90, '1m30s'],
    ['1h0m5s', 3605, '1h5s'], ['120m', 7200, '2h'],
  ])('parses %s', (text, seconds, canonical) => {
    const d = AnalysisDuration.parse(text);
    expect([d.totalSeconds, d.toString()]).toEqual([seconds, canonical]);
  });

  test.each(['', '5', '1.5h', '300ms', '1d', '5m1h', ' 5m', '-5m', '5M'])('fails %j', text => {
    expect(() => AnalysisDuration.parse(text, 'bakeTime')).toThrow(`bakeTime (${JSON.stringify(text)}) must be a duration such as "30s", "5m", "1h" or "1h30m": whole hours, minutes and seconds, in that order`);
  });

  test('fails 0s', () => {
    expect(() => AnalysisDuration.parse('0s', 'bakeTime')).toThrow('bakeTime ("0s") must be at least 1s');
    expect(() => AnalysisDuration.seconds(0)).toThrow('duration (0) must be a whole number of seconds >= 1');
  });
});

describe('SuccessCondition', () => {
  test.each([
    [SuccessCondition.lessThan(1), '<', [[0.5, true], [1, false], [2, false], [-Infinity, true], [Infinity, false], [NaN, false]]],
    [SuccessCondition.lessThanOrEqual(1), '<=', [[1, true], [1.0001, false], [NaN, false]]],
    [SuccessCondition.greaterThan(1), '>', [[2, true], [1, false], [Infinity, true], [NaN, false]]],
    [SuccessCondition.greaterThanOrEqual(1), '>=', [[1, true], [0.999, false]]],
    [SuccessCondition.equalTo(0), '==', [[0, true], [-0, true], [1e-9, false], [NaN, false]]],
    [SuccessCondition.notEqualTo(0), '!=', [[1, true], [0, false], [NaN, false]]],
  ] as Array<[SuccessCondition, string, Array<[number, boolean]>]>)('%s', (cond, op, cases) => {
    expect(cond.operator).toBe(op);
    for (const [value, holds] of cases) expect([value, cond.holds(value)]).toEqual([value, holds]);
  });

  test('of() and toString()', () => {
    expect(SuccessCondition.of(ComparisonOperator.GREATER_THAN_OR_EQUAL, 0.99).toString()).toBe('>= 0.99');
  });

  test.each([
    [() => SuccessCondition.lessThan(NaN), 'condition threshold ("NaN") must be a finite number'],
    [() => SuccessCondition.lessThan(Infinity), 'condition threshold ("Infinity") must be a finite number'],
    [() => SuccessCondition.lessThan('1' as any), 'condition threshold ("1") must be a finite number'],
    [() => SuccessCondition.of('=<' as any, 1), 'condition operator ("=<") must be one of "<", "<=", ">", ">=", "==", "!="'],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('Sampling', () => {
  test.each([
    [Sampling.consecutive(), 1, 60, 0, { type: 'consecutive', count: 1, interval: '1m' }, '1 sample'],
    [Sampling.consecutive({ count: 3, interval: '30s' }), 3, 30, 60, { type: 'consecutive', count: 3, interval: '30s' }, '3 consecutive samples 30s apart'],
    [Sampling.window({ duration: '5m' }), 6, 60, 300, { type: 'window', duration: '5m', step: '1m' }, 'every 1m over 5m'],
    [Sampling.window({ duration: '5m', step: '2m' }), 3, 120, 300, { type: 'window', duration: '5m', step: '2m' }, 'every 2m over 5m'],
  ])('%s', (s, expected, step, lookback, json, text) => {
    expect([s.expectedSamples, s.step.totalSeconds, s.lookbackSeconds, s.toPlanJson(), s.toString()]).toEqual([expected, step, lookback, json, text]);
  });

  test.each([
    [() => Sampling.consecutive({ count: 0 }), 'sampling count (0) must be an integer between 1 and 11000'],
    [() => Sampling.consecutive({ count: 2.5 }), 'sampling count (2.5) must be an integer between 1 and 11000'],
    [() => Sampling.consecutive({ interval: '1.5m' }), 'sampling interval ("1.5m") must be a duration'],
    [() => Sampling.window({ duration: '30s' }), 'sampling window step ("1m") must be at most the window duration ("30s")'],
    [() => Sampling.window({ duration: '24h', step: '1s' }), 'sampling window duration ("24h") over step ("1s") makes 86401 points: Prometheus answers at most 11000'],
    [() => Sampling.window({} as any), 'sampling window duration (undefined) must be a duration'],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('StageAnalysis query templates', () => {
  const vars = { namespace: 'shop', app: 'web', stage: 'canary', pods: ['web-4', 'web-3', 'web-4'] };

  test('renders every variable; pods sorted, deduplicated, joined with |', () => {
    const a = prom('rate(x{namespace="{{namespace}}", app="{{ app }}", stage="{{stage}}", pod=~"{{pods}}"}[1m])');
    expect(a.variables).toEqual(['namespace', 'app', 'stage', 'pods']);
    expect(a.renderQuery(vars)).toBe('rate(x{namespace="shop", app="web", stage="canary", pod=~"web-3|web-4"}[1m])');
  });

  test.each([
    ['web-0', 'web-0'],
    ['db.1', 'db\\\\.1'],
    ['a+b*c?(d)|[e]{f}^$', 'a\\\\+b\\\\*c\\\\?\\\\(d\\\\)\\\\|\\\\[e\\\\]\\\\{f\\\\}\\\\^\\\\$'],
    ['q"x\\y', 'q\\"x\\\\\\\\y'],
  ])('escapes %j for a double-quoted PromQL regex', (name, escaped) => {
    expect(escapePodRegex(name)).toBe(escaped);
  });

  test.each([
    ['x{a="{{ap}}"}', 'analysis error-rate query ("x{a=\\"{{ap}}\\"}") uses unknown template variable {{ap}}: allowed are {{namespace}}, {{app}}, {{stage}}, {{pods}}'],
    ['x{a="{{foo}}",b="{{bar}}",c="{{foo}}"}', 'uses unknown template variables {{foo}}, {{bar}}: allowed are'],
    ['x{a="{{ app"}', 'has a "{{" that is not a template variable: allowed are {{namespace}}, {{app}}, {{stage}}, {{pods}}'],
    ['x{a="{{1}}"}', 'has a "{{" that is not a template variable'],
    ['   ', 'analysis error-rate query ("   ") must be a non-empty PromQL expression'],
  ])('fails %j', (query, message) => {
    expect(() => prom(query)).toThrow(message);
  });

  test.each([
    ['x{namespace="{{namespace}}"}', { ...vars, namespace: undefined }, 'analysis error-rate query uses {{namespace}} but the app has no namespace: set one on the app'],
    ['x{pod=~"{{pods}}"}', { ...vars, pods: [] }, 'analysis error-rate query uses {{pods}} but the stage has no candidate pods'],
    ['x{pod=~"{{pods}}"}', { ...vars, pods: [''] }, 'pods[0] ("") must be a pod name'],
    ['x{app="{{app}}"}', { ...vars, app: 'Web"' }, 'app ("Web\\"") must be a DNS-1123 label'],
  ])('render fails %j', (query, v, message) => {
    expect(() => prom(query).renderQuery(v as any)).toThrow(message);
  });

  test('a query without variables renders as itself even without namespace or pods', () => {
    expect(prom('vector(1)').renderQuery({ app: 'web', stage: 'canary', pods: [] })).toBe('vector(1)');
  });

  test.each([
    [{ name: 'Error_Rate' }, 'analysis name ("Error_Rate") must be a DNS-1123 label'],
    [{ condition: 0.01 }, 'analysis error-rate condition (0.01) must be a SuccessCondition such as SuccessCondition.lessThan(0.01)'],
    [{ sampling: { count: 3 } }, 'analysis error-rate sampling ({"count":3}) must be Sampling.consecutive() or Sampling.window()'],
    [{ nanPolicy: 'ignore' }, 'analysis error-rate nanPolicy ("ignore") must be one of "not-yet", "fail"'],
  ])('fails %j', (extra, message) => {
    expect(() => prom('up', extra)).toThrow(message);
  });
});

describe('plan.json data', () => {
  const gate = StageGate.of({
    bakeTime: '90s',
    analyses: [
      prom('x{pod=~"{{pods}}"}', { sampling: Sampling.consecutive({ count: 3, interval: '1m' }) }),
      StageAnalysis.prometheus({ name: 'p99', query: 'histogram_quantile(0.99, y)', condition: SuccessCondition.lessThanOrEqual(0.3), sampling: Sampling.window({ duration: '10m', step: '30s' }), nanPolicy: NanPolicy.FAIL }),
    ],
  });

  test('exact data and key order', () => {
    const json = gate.toPlanJson();
    expect(JSON.stringify(json)).toBe(JSON.stringify({
      bakeTime: '1m30s',
      analyses: [
        { name: 'error-rate', provider: 'prometheus', query: 'x{pod=~"{{pods}}"}', condition: { operator: '<', threshold: 0.01 }, sampling: { type: 'consecutive', count: 3, interval: '1m' }, nanPolicy: 'not-yet' },
        { name: 'p99', provider: 'prometheus', query: 'histogram_quantile(0.99, y)', condition: { operator: '<=', threshold: 0.3 }, sampling: { type: 'window', duration: '10m', step: '30s' }, nanPolicy: 'fail' },
      ],
    }));
  });

  test('round-trips through JSON text', () => {
    const back = StageGate.fromPlanJson(JSON.parse(JSON.stringify(gate.toPlanJson())));
    expect(back.toPlanJson()).toEqual(gate.toPlanJson());
    expect(back.analyses[1].sampling.expectedSamples).toBe(21);
  });

  test('a bake time alone; no bake time is null', () => {
    expect(StageGate.of({ bakeTime: '10m' }).toPlanJson()).toEqual({ bakeTime: '10m', analyses: [] });
    expect(StageGate.of({ analyses: [prom('up')] }).toPlanJson().bakeTime).toBeNull();
  });

  test.each([
    [() => StageGate.of({}), 'a stage gate needs a bakeTime or at least one analysis'],
    [() => StageGate.of({ bakeTime: '10' }), 'bakeTime ("10") must be a duration'],
    [() => StageGate.of({ analyses: [prom('up'), prom('down')] }), 'analysis name ("error-rate") is used twice: names must be unique within a stage'],
    [() => StageGate.of({ analyses: [{ name: 'x' } as any] }), 'analyses[0] ({"name":"x"}) must be a StageAnalysis such as StageAnalysis.prometheus({...})'],
    [() => StageGate.fromPlanJson({ analyses: [{ name: 'x', provider: 'datadog' }] }), 'analysis x provider ("datadog") must be "prometheus"'],
    [() => StageGate.fromPlanJson({ analyses: [{ name: 'x', provider: 'prometheus', sampling: { type: 'burst' } }] }), 'analysis x sampling type ("burst") must be one of "consecutive", "window"'],
    [() => StageGate.fromPlanJson({ analyses: [{ name: 'x', provider: 'prometheus', query: 'up', condition: { operator: '<', threshold: null }, sampling: { type: 'consecutive', count: 1, interval: '1m' } }] }), 'condition threshold (null) must be a finite number'],
    [() => StageGate.fromPlanJson([]), 'stage gate ([]) must be an object'],
  ])('fails %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

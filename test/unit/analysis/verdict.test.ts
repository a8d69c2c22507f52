import { NanPolicy, Sampling, StageAnalysis, SuccessCondition } from '../../../src/core/analysis';
import {
  analysisRequest, bakeVerdict, evaluateAnalysis, parseSampleValue, PrometheusError, seriesText,
} from '../../../src/core/analysis-verdict';

const Q = 'x{pod=~"web-1"}';
const analysis = (extra: object = {}) => StageAnalysis.prometheus({ name: 'err', query: 'x', condition: SuccessCondition.lessThan(0.01), ...extra });
const vector = (...series: Array<[object, string]>) => ({ status: 'success', data: { resultType: 'vector', result: series.map(([metric, v]) => ({ metric, value: [1700000000.5, v] })) } });
const matrix = (...series: Array<[object, string[]]>) => ({ status: 'success', data: { resultType: 'matrix', result: series.map(([metric, vs]) => ({ metric, values: vs.map((v, i) => [1700000000 + i, v]) })) } });

describe('analysisRequest', () => {
  const now = new Date('2026-12-01T10:00:00.250Z');
  test.each([
    [Sampling.consecutive(), { path: '/api/v1/query', params: { query: Q, time: '1796119200.250' } }],
    [Sampling.consecutive({ count: 3, interval: '1m' }), { path: '/api/v1/query_range', params: { query: Q, start: '1796119080.250', end: '1796119200.250', step: '60' } }],
    [Sampling.window({ duration: '5m', step: '30s' }), { path: '/api/v1/query_range', params: { query: Q, start: '1796118900.250', end: '1796119200.250', step: '30' } }],
  ])('%s', (sampling, request) => {
    expect(analysisRequest(analysis({ sampling }), Q, now)).toEqual(request);
  });
});

describe('parseSampleValue and seriesText', () => {
  test.each([
    ['0.001', 0.001], ['1e-07', 1e-7], ['-3', -3], ['NaN', NaN], ['+Inf', Infinity], ['-Inf', -Infinity], ['Inf', Infinity],
  ])('%s', (text, n) => {
    expect(parseSampleValue(text)).toBe(n);
  });

  test.each([['abc'], [''], [0.5], [null]])('fails %j', v => {
    expect(() => parseSampleValue(v)).toThrow(PrometheusError);
  });

  test.each([
    [{ __name__: 'up', job: 'a', instance: 'b' }, 'up{instance="b", job="a"}'],
    [{ pod: 'web-1' }, '{pod="web-1"}'],
    [{ __name__: 'up' }, 'up'],
    [{}, '{}'],
    [{ q: 'a"b' }, '{q="a\\"b"}'],
  ])('%j', (metric, text) => {
    expect(seriesText(metric)).toBe(text);
  });
});

describe('evaluateAnalysis', () => {
  test('pass: one vector sample', () => {
    expect(evaluateAnalysis(analysis(), Q, [vector([{ pod: 'web-1' }, '0.001'])])).toEqual({
      status: 'pass',
      name: 'err',
      query: Q,
      condition: '< 0.01',
      threshold: 0.01,
      value: '0.001',
      series: [{ series: '{pod="web-1"}', values: ['0.001'], failing: [], status: 'pass' }],
      reason: 'analysis err passed: {pod="web-1"} = 0.001, < 0.01 (1 sample)',
    });
  });

  test.each([
    ['empty vector', [vector()], 'analysis err: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)'],
    ['empty matrix', [matrix()], 'analysis err: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)'],
    ['a series without points', [matrix([{ pod: 'a' }, []])], 'analysis err: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)'],
    ['no answers', [], 'analysis err: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)'],
  ])('not-yet: %s', (_name, answers, reason) => {
    const v = evaluateAnalysis(analysis(), Q, answers);
    expect([v.status, v.value, v.reason]).toEqual(['not-yet', null, reason]);
  });

  test('fail: every series must pass; the failing series are named with their labels', () => {
    const v = evaluateAnalysis(analysis(), Q, [vector([{ pod: 'web-2' }, '0.2'], [{ pod: 'web-1' }, '0.001'], [{ pod: 'web-3' }, '+Inf'])]);
    expect(v.status).toBe('fail');
    expect(v.value).toBe('0.2');
    expect(v.series.map(s => [s.series, s.status, s.failing])).toEqual([
      ['{pod="web-1"}', 'pass', []], ['{pod="web-2"}', 'fail', ['0.2']], ['{pod="web-3"}', 'fail', ['+Inf']],
    ]);
    expect(v.reason).toBe('analysis err failed: {pod="web-2"} = 0.2, {pod="web-3"} = +Inf, the condition is < 0.01 (1 sample)');
    expect(JSON.stringify(v)).not.toContain('null');
  });

  const three = Sampling.consecutive({ count: 3, interval: '1m' });
  test.each([
    ['3 passing points', ['0', '0.005', '0.001'], 'pass', '0.001', 'analysis err passed: {pod="a"} = 0.001, < 0.01 (3 consecutive samples 1m apart)'],
    ['2 of 3 points so far', ['0', '0.001'], 'not-yet', '0.001', 'analysis err not yet: {pod="a"} has 2 of 3 samples so far, the condition is < 0.01'],
    ['an old failing point', ['0.5', '0', '0'], 'fail', '0.5', 'analysis err failed: {pod="a"} = 0.5, the condition is < 0.01 (3 consecutive samples 1m apart)'],
    ['a failing point with too few points', ['0.5'], 'fail', '0.5', 'analysis err failed: {pod="a"} = 0.5, the condition is < 0.01 (3 consecutive samples 1m apart)'],
    ['only the last 3 of 4 count', ['0.5', '0', '0', '0'], 'pass', '0', 'analysis err passed: {pod="a"} = 0, < 0.01 (3 consecutive samples 1m apart)'],
    ['NaN', ['0', 'NaN', '0'], 'not-yet', 'NaN', 'analysis err not yet: {pod="a"} = NaN (no number yet, such as 0/0 without traffic), the condition is < 0.01'],
  ])('matrix, 3 consecutive: %s', (_name, values, status, value, reason) => {
    const v = evaluateAnalysis(analysis({ sampling: three }), Q, [matrix([{ pod: 'a' }, values])]);
    expect([v.status, v.value, v.reason]).toEqual([status, value, reason]);
  });

  test('NanPolicy.FAIL makes NaN a failure, shown as text', () => {
    const v = evaluateAnalysis(analysis({ nanPolicy: NanPolicy.FAIL }), Q, [vector([{ pod: 'a' }, 'NaN'])]);
    expect([v.status, v.value, v.series[0].failing]).toEqual(['fail', 'NaN', ['NaN']]);
  });

  test('several series, one still filling: not-yet names it', () => {
    const v = evaluateAnalysis(analysis({ sampling: three }), Q, [matrix([{ pod: 'a' }, ['0', '0', '0']], [{ pod: 'b' }, ['0']], [{ pod: 'c' }, ['0', '0']])]);
    expect([v.status, v.reason]).toEqual(['not-yet', 'analysis err not yet: {pod="b"} has 1 of 3 samples so far (and 1 more series), the condition is < 0.01']);
  });

  test('window: every point of the window must be there and pass', () => {
    const a = analysis({ sampling: Sampling.window({ duration: '2m', step: '1m' }) });
    expect(evaluateAnalysis(a, Q, [matrix([{}, ['0', '0', '0']])]).status).toBe('pass');
    expect(evaluateAnalysis(a, Q, [matrix([{}, ['0', '0']])]).status).toBe('not-yet');
    expect(evaluateAnalysis(a, Q, [matrix([{}, ['0', '1', '0']])]).reason).toBe('analysis err failed: {} = 1, the condition is < 0.01 (every 1m over 2m)');
  });

  test('instant answers, oldest first, are one sample each per series', () => {
    const v = evaluateAnalysis(analysis({ sampling: three }), Q, [vector([{ pod: 'a' }, '0']), vector([{ pod: 'a' }, '0']), vector([{ pod: 'a' }, '0.002'])]);
    expect([v.status, v.series[0].values]).toEqual(['pass', ['0', '0', '0.002']]);
  });

  test('a scalar', () => {
    const v = evaluateAnalysis(analysis(), Q, [{ status: 'success', data: { resultType: 'scalar', result: [1700000000, '-Inf'] } }]);
    expect([v.status, v.value, v.series.map(s => s.series)]).toEqual(['pass', '-Inf', ['scalar']]);
  });

  test.each([
    ['status error', { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' }, 'api', 'prometheus answered bad_data: parse error at char 4'],
    ['a string result', { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }, 'response', 'the result type ("string") must be "vector", "matrix" or "scalar": a query for a threshold must return numbers'],
    ['a histogram', { status: 'success', data: { resultType: 'vector', result: [{ metric: { le: 'x' }, histogram: [1, {}] }] } }, 'response', 'series {le="x"} holds native histogram samples, which cannot be compared with a threshold: use histogram_quantile() or histogram_count()'],
    ['a bad value', vector([{}, 'fast']), 'response', 'a sample value ("fast") is not a number'],
    ['a bad pair', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: ['now', '1'] }] } }, 'response', 'series {} sample (["now","1"]) must be [<unix time>, "<value>"]'],
    ['not an object', 'oops', 'response', 'the answer ("oops") must be a Prometheus API object'],
  ])('throws on %s', (_name, answer, kind, message) => {
    let err: any;
    try {
      evaluateAnalysis(analysis(), Q, [answer]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PrometheusError);
    expect([err.kind, err.message]).toEqual([kind, message]);
  });
});

describe('bakeVerdict', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  const plus = (s: number) => new Date(at.getTime() + s * 1000);
  test.each([
    [600, plus(0), 'not-yet', 600, 'baking: 10m left of 10m (promoted at 2026-12-01T10:00:00.000Z)'],
    [600, plus(125.9), 'not-yet', 475, 'baking: 7m55s left of 10m (promoted at 2026-12-01T10:00:00.000Z)'],
    [600, plus(600), 'pass', 0, 'baked 10m of 10m (promoted at 2026-12-01T10:00:00.000Z)'],
    [600, plus(3725), 'pass', 0, 'baked 1h2m5s of 10m (promoted at 2026-12-01T10:00:00.000Z)'],
    [600, plus(-30), 'not-yet', 600, 'baking: 10m left of 10m (promoted at 2026-12-01T10:00:00.000Z, which is after now: clock skew?)'],
    [0, plus(0), 'pass', 0, 'baked 0s of 0s (promoted at 2026-12-01T10:00:00.000Z)'],
  ])('%i s, now %s', (bake, now, status, remaining, reason) => {
    expect(bakeVerdict(bake, at, now)).toEqual({ status, remainingSeconds: remaining, reason });
  });

  test('invalid dates', () => {
    expect(() => bakeVerdict(60, new Date('nope'), at)).toThrow('promotedAt (Invalid Date) must be a valid date');
    expect(() => bakeVerdict(60, at, new Date(NaN))).toThrow('now (Invalid Date) must be a valid date');
  });
});

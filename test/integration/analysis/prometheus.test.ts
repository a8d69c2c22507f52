import * as net from 'net';
import { NanPolicy, Sampling, StageAnalysis, SuccessCondition } from '../../../src/core/analysis';
import { analysisRequest, AnalysisVerdict, evaluateAnalysis, PrometheusError } from '../../../src/core/analysis-verdict';
import { PrometheusClient } from '../../../src/io/prometheus';
import { describeWithPrometheus, freePort, MetricsEndpoint, PrometheusServer, sleep } from '../../support/prometheus';

// Real PromQL through a real Prometheus (Debian's package) scraping an endpoint this test serves: every
// verdict below comes from the server's own answer. Nothing is mocked at the HTTP layer.

const vars = (pods: string[]) => ({ namespace: 'shop', app: 'web', stage: 'canary', pods });
const ratio = 'max by (pod) (app_error_ratio{namespace="{{namespace}}", pod=~"{{pods}}"})';

describeWithPrometheus('analysis against a real Prometheus', () => {
  const metrics = new MetricsEndpoint();
  let prom: PrometheusServer;
  let client: PrometheusClient;

  beforeAll(async () => {
    metrics.set('app_error_ratio', { namespace: 'shop', pod: 'web-0' }, 0.5); // an old pod, not a candidate
    metrics.set('app_error_ratio', { namespace: 'shop', pod: 'web-2' }, 0.001);
    metrics.set('app_error_ratio', { namespace: 'other', pod: 'web-2' }, 0.9); // another namespace
    metrics.set('app_dotted', { pod: 'db.1' }, 0.001);
    metrics.set('app_dotted', { pod: 'dbX1' }, 0.9); // what an unescaped "db.1" regex would also match
    metrics.set('app_nan', { pod: 'web-2' }, NaN);
    metrics.set('app_inf', { pod: 'web-2' }, Infinity);
    prom = await PrometheusServer.start(metrics, 'app_error_ratio', { routePrefix: '/prom' });
    client = new PrometheusClient({ url: prom.url, timeoutMs: 5000 });
  }, 30000);

  afterAll(async () => {
    await prom?.stop();
    await metrics.stop();
  });

  async function run(analysis: StageAnalysis, pods: string[]): Promise<AnalysisVerdict> {
    const query = analysis.renderQuery(vars(pods));
    const answer = await client.send(analysisRequest(analysis, query, new Date()));
    return evaluateAnalysis(analysis, query, [answer]);
  }

  /** Evaluate until the verdict is no longer not-yet (the range fills up as scrapes arrive). */
  async function settle(analysis: StageAnalysis, pods: string[], timeoutMs = 10000): Promise<AnalysisVerdict> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await run(analysis, pods);
      if (v.status !== 'not-yet' || Date.now() > deadline) return v;
      await sleep(250);
    }
  }

  const errorRate = StageAnalysis.prometheus({ name: 'error-rate', query: ratio, condition: SuccessCondition.lessThan(0.01) });

  test('pass: the candidate pod\'s gauge is 0.001 < 0.01 (instant query, old pod and other namespace left out)', async () => {
    const v = await run(errorRate, ['web-2']);
    expect(v).toEqual({
      status: 'pass',
      name: 'error-rate',
      query: 'max by (pod) (app_error_ratio{namespace="shop", pod=~"web-2"})',
      condition: '< 0.01',
      threshold: 0.01,
      value: '0.001',
      series: [{ series: '{pod="web-2"}', values: ['0.001'], failing: [], status: 'pass' }],
      reason: 'analysis error-rate passed: {pod="web-2"} = 0.001, < 0.01 (1 sample)',
    });
  });

  test('fail: with the old pod among the candidates, every series must pass and the failing one is named', async () => {
    const v = await run(errorRate, ['web-2', 'web-0']);
    expect(v.status).toBe('fail');
    expect(v.value).toBe('0.5');
    expect(v.query).toBe('max by (pod) (app_error_ratio{namespace="shop", pod=~"web-0|web-2"})');
    expect(v.series.map(s => [s.series, s.status])).toEqual([['{pod="web-0"}', 'fail'], ['{pod="web-2"}', 'pass']]);
    expect(v.reason).toBe('analysis error-rate failed: {pod="web-0"} = 0.5, the condition is < 0.01 (1 sample)');
  });

  test('not-yet: a metric that does not exist yet', async () => {
    const a = StageAnalysis.prometheus({ name: 'latency', query: 'app_latency_seconds{pod=~"{{pods}}"}', condition: SuccessCondition.lessThan(0.3) });
    const v = await run(a, ['web-2']);
    expect(v.status).toBe('not-yet');
    expect(v.value).toBeNull();
    expect(v.series).toEqual([]);
    expect(v.reason).toBe('analysis latency: the query returned no data yet (no series: the metric may not exist yet or the pods have not been scraped)');
  });

  test('{{pods}} is escaped for the regex: "db.1" does not match "dbX1"', async () => {
    const a = StageAnalysis.prometheus({ name: 'dotted', query: 'app_dotted{pod=~"{{pods}}"}', condition: SuccessCondition.lessThan(0.01) });
    const v = await run(a, ['db.1']);
    expect(v.query).toBe('app_dotted{pod=~"db\\\\.1"}');
    expect(v.status).toBe('pass');
    expect(v.series.map(s => s.series)).toEqual(['app_dotted{instance="127.0.0.1:' + metrics.port + '", job="test", pod="db.1"}']);
  });

  test('NaN comes back as the text "NaN": not-yet by default, fail with NanPolicy.FAIL', async () => {
    const query = 'app_nan{pod=~"{{pods}}"}';
    const wait = await run(StageAnalysis.prometheus({ name: 'nan', query, condition: SuccessCondition.lessThan(1) }), ['web-2']);
    expect([wait.status, wait.value]).toEqual(['not-yet', 'NaN']);
    expect(wait.reason).toContain('= NaN (no number yet, such as 0/0 without traffic)');
    const fail = await run(StageAnalysis.prometheus({ name: 'nan', query, condition: SuccessCondition.lessThan(1), nanPolicy: NanPolicy.FAIL }), ['web-2']);
    expect([fail.status, fail.value]).toEqual(['fail', 'NaN']);
  });

  test('+Inf comes back as the text "+Inf" and compares as infinity', async () => {
    const query = 'app_inf{pod=~"{{pods}}"}';
    const below = await run(StageAnalysis.prometheus({ name: 'inf', query, condition: SuccessCondition.lessThan(1) }), ['web-2']);
    expect([below.status, below.value]).toEqual(['fail', '+Inf']);
    const above = await run(StageAnalysis.prometheus({ name: 'inf', query, condition: SuccessCondition.greaterThan(1e9) }), ['web-2']);
    expect([above.status, above.value]).toEqual(['pass', '+Inf']);
  });

  test('a scalar result', async () => {
    const a = StageAnalysis.prometheus({ name: 'scalar', query: 'scalar(max(app_error_ratio{namespace="{{namespace}}", pod=~"{{pods}}"}))', condition: SuccessCondition.lessThanOrEqual(0.001) });
    const v = await run(a, ['web-2']);
    expect([v.status, v.value, v.series.map(s => s.series)]).toEqual(['pass', '0.001', ['scalar']]);
  });

  test('3 consecutive samples 1s apart: one query_range, passes once three scrapes are in', async () => {
    const a = StageAnalysis.prometheus({ name: 'streak', query: ratio, condition: SuccessCondition.lessThan(0.01), sampling: Sampling.consecutive({ count: 3, interval: '1s' }) });
    const v = await settle(a, ['web-2']);
    expect(v.status).toBe('pass');
    expect(v.series).toEqual([{ series: '{pod="web-2"}', values: ['0.001', '0.001', '0.001'], failing: [], status: 'pass' }]);
  });

  test('the gauge goes from 0.001 to 0.2: instant, consecutive and window sampling fail, naming the value', async () => {
    metrics.set('app_error_ratio', { namespace: 'shop', pod: 'web-2' }, 0.2);
    await prom.waitFor('app_error_ratio{namespace="shop", pod="web-2"}', '0.2');

    const instant = await run(errorRate, ['web-2']);
    expect([instant.status, instant.value]).toEqual(['fail', '0.2']);
    expect(instant.reason).toBe('analysis error-rate failed: {pod="web-2"} = 0.2, the condition is < 0.01 (1 sample)');

    const streak = await run(StageAnalysis.prometheus({ name: 'streak', query: ratio, condition: SuccessCondition.lessThan(0.01), sampling: Sampling.consecutive({ count: 3, interval: '1s' }) }), ['web-2']);
    expect(streak.status).toBe('fail');
    expect(streak.series[0].values[streak.series[0].values.length - 1]).toBe('0.2');
    expect(streak.series[0].failing).toContain('0.2');

    const window = await run(StageAnalysis.prometheus({ name: 'window', query: ratio, condition: SuccessCondition.lessThan(0.01), sampling: Sampling.window({ duration: '4s', step: '1s' }) }), ['web-2']);
    expect(window.status).toBe('fail');
    expect(window.reason).toBe('analysis window failed: {pod="web-2"} = 0.2, the condition is < 0.01 (every 1s over 4s)');
  });

  test('a PromQL syntax error is Prometheus\'s own error (bad_data), not a verdict', async () => {
    const a = StageAnalysis.prometheus({ name: 'broken', query: 'sum(app_error_ratio{pod=~"{{pods}}"}', condition: SuccessCondition.lessThan(1) });
    const err = await run(a, ['web-2']).catch(e => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err.kind).toBe('api');
    expect(err.errorType).toBe('bad_data');
    expect(err.message).toMatch(new RegExp(`^prometheus at http://127\\.0\\.0\\.1:${prom.port}/prom/api/v1/query for query "sum\\(app_error_ratio\\{pod=~\\\\"web-2\\\\"\\}": HTTP 400, bad_data: .*parse error`));
  });

  test('a base URL without the path prefix gets a non-JSON 404', async () => {
    const wrong = new PrometheusClient({ url: `http://127.0.0.1:${prom.port}` });
    const err = await wrong.query('up').catch(e => e);
    expect([err.kind, err.message]).toEqual(['response', `prometheus at http://127.0.0.1:${prom.port}/api/v1/query for query "up": HTTP 404 with an answer that is not JSON (text/plain; charset=utf-8: "404 page not found"): is the URL the Prometheus server, with its path prefix?`]);
  });

  test('an answer over maxBytes is refused', async () => {
    const small = new PrometheusClient({ url: prom.url, maxBytes: 50 });
    const err = await small.query('app_error_ratio').catch(e => e);
    expect([err.kind, err.message]).toEqual(['response', `prometheus at ${prom.url}/api/v1/query for query "app_error_ratio": the answer is larger than 50 bytes`]);
  });

  test('query_range by hand: the client sends start, end and step', async () => {
    const end = new Date();
    const answer = await client.queryRange('app_error_ratio{namespace="shop", pod="web-0"}', new Date(end.getTime() - 2000), end, 1);
    expect(answer.data.resultType).toBe('matrix');
    expect(answer.data.result[0].values.map((p: any) => p[1])).toEqual(['0.5', '0.5', '0.5']);
  });
});

describe('prometheus client: unreachable servers', () => {
  test('connection refused', async () => {
    const port = await freePort();
    const err = await new PrometheusClient({ url: `http://127.0.0.1:${port}/prom` }).query('up').catch(e => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect([err.kind, err.message]).toEqual(['unreachable', `prometheus at http://127.0.0.1:${port}/prom/api/v1/query for query "up" is unreachable (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port})`]);
  });

  test('an unknown host', async () => {
    const err = await new PrometheusClient({ url: 'http://no-such-host.invalid:9090', timeoutMs: 3000 }).query('up').catch(e => e);
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(/^prometheus at http:\/\/no-such-host\.invalid:9090\/api\/v1\/query for query "up" (is unreachable \((ENOTFOUND|EAI_AGAIN)|: no answer within 3000 ms)/);
  });

  test('a server that accepts and never answers: timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer(s => sockets.push(s));
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const err = await new PrometheusClient({ url: `http://user:secret@127.0.0.1:${port}`, timeoutMs: 300 }).query('up').catch(e => e);
      expect([err.kind, err.message]).toEqual(['unreachable', `prometheus at http://127.0.0.1:${port}/api/v1/query for query "up": no answer within 300 ms`]);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise<void>(resolve => silent.close(() => resolve()));
    }
  });

  test('bad base URLs are refused at construction', () => {
    expect(() => new PrometheusClient({ url: 'prometheus:9090' })).toThrow('prometheus url ("prometheus:9090") must use http or https');
    expect(() => new PrometheusClient({ url: 'nope' })).toThrow('prometheus url ("nope") must be an absolute http or https URL such as "http://prometheus.monitoring:9090"');
    expect(() => new PrometheusClient({ url: 'http://p:9090/?x=1' })).toThrow('must not have a query or fragment');
    expect(() => new PrometheusClient({ url: 'http://p:9090', timeoutMs: 0 })).toThrow('prometheus timeoutMs (0) must be an integer >= 1');
  });
});

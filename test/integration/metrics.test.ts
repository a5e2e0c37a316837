import pino from 'pino';
import { createJobQueue } from '../../src/jobs/job-queue';
import { PROVIDER_EVENT_JOB } from '../../src/webhooks/provider-event-processor';
import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Parses Prometheus's text format: every sample line as `name{labels}` → value; fails on a malformed line. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|NaN|\+Inf)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

describe('the /metrics endpoint', () => {
  let t: TestApp;
  const scrape = async () => {
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await response.text());
  };

  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(() => t.close());

  it('counts requests, errors and latency per operation, with the projection and SQL beside them', async () => {
    await customerFor(t.db.prisma, { userId: 'measured' }, { hasUnpaidInvoice: true });
    const token = await t.token({ sub: 'gateway', roles: ['service'] });
    const entities = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice } } }`;
    for (let i = 0; i < 3; i++) {
      const res = await t.graphql(entities, { token, variables: { reps: [{ __typename: 'User', id: 'measured' }] } });
      expect(res.errors).toBeUndefined();
    }
    const refused = await t.graphql(`query Plans { plans { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const metrics = await scrape();
    expect(metrics.get('billing_graphql_requests_total{operation="_entities",outcome="ok"}')).toBe(3);
    expect(metrics.get('billing_graphql_requests_total{operation="Plans",outcome="error"}')).toBe(1);
    expect(metrics.get('billing_graphql_request_duration_seconds_count{operation="_entities"}')).toBe(3);
    expect(metrics.get('billing_graphql_request_duration_seconds_sum{operation="_entities"}')).toBeGreaterThan(0);
    expect(metrics.get('billing_sql_statements_total')).toBeGreaterThan(0);
    expect(metrics.get('billing_customer_projection_complete')).toBe(1);
    expect(metrics.get('billing_customer_projection_entries')).toBe(1);
    expect(metrics.get('billing_customer_projection_hits_total')).toBeGreaterThanOrEqual(3);
    expect(metrics.get('billing_webhook_unprocessed_events')).toBe(0);
    expect(metrics.get('billing_webhook_processing_lag_seconds')).toBe(0);
    expect(metrics.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts payment provider calls with their latency', async () => {
    const token = await t.token({ sub: 'payer' });
    const setup = await t.graphql(`mutation { startPaymentMethodSetup { clientSecret } }`, { token });
    expect(setup.errors).toBeUndefined();
    const metrics = await scrape();
    const providerCalls = [...metrics].filter(
      ([name]) => name.startsWith('billing_provider_calls_total{') && name.includes('outcome="ok"'),
    );
    expect(providerCalls.length).toBeGreaterThan(0);
    expect(
      [...metrics].some(
        ([name, value]) => name.startsWith('billing_provider_call_duration_seconds_count{') && value > 0,
      ),
    ).toBe(true);
  });

  it('reports the job queue by queue: how many wait and since when', async () => {
    const queue = createJobQueue(t.db, { pollingIntervalSeconds: 60, logger: pino({ level: 'silent' }) });
    await queue.start();
    try {
      // Due in an hour: it waits, as a job behind a stalled worker would.
      await queue.send(
        PROVIDER_EVENT_JOB,
        { inboxId: '00000000-0000-4000-8000-000000000000' },
        { startAfterSeconds: 3600 },
      );
      const metrics = await scrape();
      expect(metrics.get(`billing_job_queue_depth{queue="${PROVIDER_EVENT_JOB}"}`)).toBe(1);
      expect(metrics.get(`billing_job_queue_oldest_age_seconds{queue="${PROVIDER_EVENT_JOB}"}`)).toBeGreaterThanOrEqual(
        0,
      );
    } finally {
      await queue.stop();
    }
  });
});

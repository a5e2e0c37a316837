// Prometheus metrics (prom-client), one registry per app: request rate, errors and latency per GraphQL
// operation, the customer projection's hit rate, SQL statements (÷ requests = SQL per request), payment
// provider calls, job queue depth and age, webhook processing lag, and the process's memory and CPU.
// What is counted elsewhere (statements, projection lookups) is read at scrape time, so the hot path pays
// for one counter and one histogram per request.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CustomerProjection } from '../billing/customers/customer-projection.ts';
import type { Database } from '../db/database.ts';

export interface MetricSources {
  database: Pick<Database, 'statementCount' | 'executeSql'>;
  projection: Pick<CustomerProjection, 'status'>;
  /** pg-boss's schema, for the job queue's depth and age. */
  jobSchema: string;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Operation names come from clients: past this many distinct ones, the rest share one label. */
const MAX_OPERATIONS = 200;

export class BillingMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'billing_graphql_requests_total',
    help: 'GraphQL requests by operation and outcome (ok, error).',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'billing_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation.',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly providerCalls = new Counter({
    name: 'billing_provider_calls_total',
    help: 'Payment provider calls by operation and outcome (ok, error), retries included.',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly providerLatency = new Histogram({
    name: 'billing_provider_call_duration_seconds',
    help: 'Payment provider call latency by operation, retries included.',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly operations = new Set<string>();

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    const { database, projection, jobSchema } = sources;
    const registers = [this.registry];
    new Counter({
      name: 'billing_sql_statements_total',
      help: 'SQL statements sent to the database (÷ billing_graphql_requests_total: SQL per request).',
      registers,
      collect: countFrom(() => database.statementCount()),
    });
    new Counter({
      name: 'billing_customer_projection_hits_total',
      help: 'Hot-path lookups the customer projection answered (a state or a known absence).',
      registers,
      collect: countFrom(() => projection.status().hits),
    });
    new Counter({
      name: 'billing_customer_projection_misses_total',
      help: 'Hot-path lookups read from the database instead (projection loading, full, or owner just changed).',
      registers,
      collect: countFrom(() => projection.status().misses),
    });
    new Gauge({
      name: 'billing_customer_projection_entries',
      help: 'Customers held in the projection.',
      registers,
      collect() {
        this.set(projection.status().entries);
      },
    });
    new Gauge({
      name: 'billing_customer_projection_complete',
      help: '1 when the projection holds every customer (absent owners are known to be free).',
      registers,
      collect() {
        this.set(projection.status().complete ? 1 : 0);
      },
    });
    new Gauge({
      name: 'billing_job_queue_depth',
      help: 'Jobs waiting to run (created or retrying), by queue.',
      labelNames: ['queue'],
      registers,
      collect: async function () {
        this.reset();
        for (const row of await waitingJobs(database, jobSchema)) this.set({ queue: row.queue }, row.waiting);
      },
    });
    new Gauge({
      name: 'billing_job_queue_oldest_age_seconds',
      help: 'Age of the oldest waiting job, by queue.',
      labelNames: ['queue'],
      registers,
      collect: async function () {
        this.reset();
        for (const row of await waitingJobs(database, jobSchema)) this.set({ queue: row.queue }, row.oldestSeconds);
      },
    });
    new Gauge({
      name: 'billing_webhook_unprocessed_events',
      help: 'Provider events stored and not yet processed.',
      registers,
      collect: async function () {
        this.set((await webhookLag(database)).unprocessed);
      },
    });
    new Gauge({
      name: 'billing_webhook_processing_lag_seconds',
      help: 'Age of the oldest stored, unprocessed provider event (0 when none waits).',
      registers,
      collect: async function () {
        this.set((await webhookLag(database)).oldestSeconds);
      },
    });
  }

  observeRequest(operation: string, seconds: number, failed: boolean): void {
    const label = this.operationLabel(operation);
    this.requests.inc({ operation: label, outcome: failed ? 'error' : 'ok' });
    this.latency.observe({ operation: label }, seconds);
  }

  observeProviderCall = (operation: string, seconds: number, failed: boolean): void => {
    this.providerCalls.inc({ operation, outcome: failed ? 'error' : 'ok' });
    this.providerLatency.observe({ operation }, seconds);
  };

  private operationLabel(operation: string): string {
    if (this.operations.has(operation)) return operation;
    if (this.operations.size >= MAX_OPERATIONS || !/^[\w]{1,64}$/.test(operation)) return 'other';
    this.operations.add(operation);
    return operation;
  }
}

/** A counter's `collect` that follows a running total kept elsewhere. */
function countFrom(total: () => number) {
  let reported = 0;
  return function (this: Counter) {
    const now = total();
    if (now > reported) this.inc(now - reported);
    reported = now;
  };
}

async function waitingJobs(
  database: MetricSources['database'],
  schema: string,
): Promise<{ queue: string; waiting: number; oldestSeconds: number }[]> {
  const { rows } = await database.executeSql(
    `SELECT name, count(*)::int AS waiting, coalesce(extract(epoch FROM now() - min(created_on)), 0)::float8 AS oldest
     FROM ${schema}.job WHERE state IN ('created', 'retry') GROUP BY name`,
  );
  return rows.map((row) => ({
    queue: String(row.name),
    waiting: Number(row.waiting),
    oldestSeconds: Number(row.oldest),
  }));
}

async function webhookLag(
  database: MetricSources['database'],
): Promise<{ unprocessed: number; oldestSeconds: number }> {
  const { rows } = await database.executeSql(
    `SELECT count(*)::int AS unprocessed, coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS oldest
     FROM provider_events WHERE processed_at IS NULL`,
  );
  return { unprocessed: Number(rows[0]?.unprocessed ?? 0), oldestSeconds: Number(rows[0]?.oldest ?? 0) };
}

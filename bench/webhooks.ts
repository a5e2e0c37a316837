// Suite `webhooks`: POST /webhooks/stripe on the billing server (PostgreSQL). First as fast as it answers
// (events/s verified and stored), then at a steady offered rate (BENCH_WEBHOOK_RATE, 200 events/s) for
// BENCH_WEBHOOK_SECONDS: the lag from stored to processed by the provider-event job, and the backlog left
// when the offer stops. Every event is unique, correctly signed with billing's webhook secret, and of a
// type the service handles (`payment_method.attached`, for a Stripe customer it does not know: one
// lookup, no Stripe call), so the job's work is the real dispatch, not an acknowledgement.
import { createHmac, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { BenchContext } from './context.ts';
import { drive } from './load.ts';

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 200);
const STEADY_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const DRAIN_WAIT_MS = 60_000;

function signedEvent(secret: string, prefix: string, n: number): { body: string; headers: Record<string, string> } {
  const created = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: `evt_${prefix}${n}`,
    object: 'event',
    api_version: '2026-01-28.clover',
    created,
    type: 'payment_method.attached',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: { id: `pm_${prefix}${n}`, object: 'payment_method', customer: `cus_${prefix}unknown`, type: 'card' },
    },
  });
  const signature = createHmac('sha256', secret).update(`${created}.${body}`).digest('hex');
  return { body, headers: { 'stripe-signature': `t=${created},v1=${signature}` } };
}

interface Counts {
  stored: number;
  unprocessed: number;
}

async function counts(client: Client, prefix: string): Promise<Counts> {
  const { rows } = await client.query<{ stored: string; unprocessed: string }>(
    `SELECT count(*) AS stored, count(*) FILTER (WHERE processed_at IS NULL) AS unprocessed FROM provider_events WHERE provider_event_id LIKE $1`,
    [`evt_${prefix}%`],
  );
  return { stored: Number(rows[0]!.stored), unprocessed: Number(rows[0]!.unprocessed) };
}

/** Waits (bounded) for every stored event of the prefix to be processed; the number left. */
async function drained(client: Client, prefix: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { unprocessed } = await counts(client, prefix);
    if (unprocessed === 0 || performance.now() - started > DRAIN_WAIT_MS) return unprocessed;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function webhooksSuite({ settings, databaseUrl, webhookSecret, billing }: BenchContext): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const run = randomBytes(4).toString('hex');
    const options = { url: `${billing.url}/webhooks/stripe`, headers: { 'content-type': 'application/json' } };

    const ingestPrefix = `bench${run}i`;
    let n = 0;
    const ingest = await drive({
      ...options,
      seconds: settings.seconds,
      connections: settings.connections,
      next: () => signedEvent(webhookSecret, ingestPrefix, n++),
    });
    if (ingest.errors > 0) throw new Error(`webhooks: ${ingest.errors} failed requests`);
    const ingested = await counts(client, ingestPrefix);
    const ingestLeft = await drained(client, ingestPrefix);

    const steadyPrefix = `bench${run}s`;
    let m = 0;
    const steady = await drive({
      ...options,
      seconds: STEADY_SECONDS,
      connections: 16,
      overallRate: RATE,
      next: () => signedEvent(webhookSecret, steadyPrefix, m++),
    });
    if (steady.errors > 0) throw new Error(`webhooks: ${steady.errors} failed requests`);
    const atEnd = await counts(client, steadyPrefix);
    const steadyLeft = await drained(client, steadyPrefix);
    const { rows } = await client.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max
       FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS lag FROM provider_events WHERE provider_event_id LIKE $1 AND processed_at IS NOT NULL) AS lags`,
      [`evt_${steadyPrefix}%`],
    );
    const lag = rows[0]!;

    console.log('\n## Webhook ingest and processing (POST /webhooks/stripe, PostgreSQL)\n');
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(
      `| as fast as answered (c=${settings.connections}, ${settings.seconds} s): events/s verified and stored (answered 2xx) | ${ingest.reqPerSec.toFixed(0)} |`,
    );
    console.log(`| … request p50 / p99 ms | ${ingest.p50.toFixed(1)} / ${ingest.p99.toFixed(1)} |`);
    console.log(
      `| … backlog when the load stopped; left unprocessed ${DRAIN_WAIT_MS / 1000} s later | ${ingested.unprocessed} / ${ingestLeft} |`,
    );
    console.log(
      `| ${RATE} events/s offered for ${STEADY_SECONDS} s: events/s stored (answered 2xx) | ${steady.reqPerSec.toFixed(0)} |`,
    );
    console.log(
      `| … lag stored → processed, p50 / p99 / max ms | ${Number(lag.p50).toFixed(0)} / ${Number(lag.p99).toFixed(0)} / ${Number(lag.max).toFixed(0)} |`,
    );
    console.log(
      `| … backlog when the offer stopped; left unprocessed ${DRAIN_WAIT_MS / 1000} s later | ${atEnd.unprocessed} / ${steadyLeft} |`,
    );
  } finally {
    await client.end();
  }
}

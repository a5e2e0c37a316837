// Tells a database that cannot be reached (down, restarting, refusing connections, pool exhausted) from
// any other failure, so callers can answer "try again" (503) instead of a crash (500).
import { Client } from 'pg';

/** Prisma's codes for "cannot reach", "timed out", "connection closed" and "pool timeout". */
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapters' error kinds for the same situations. */
const ADAPTER_UNREACHABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
/** PostgreSQL: connection exceptions (08…), shutdown and start-up (57P01–57P03), too many connections. */
const POSTGRES_UNAVAILABLE = /^(08\w{3}|57P0[123]|53300)$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  severity?: unknown;
  meta?: { driverAdapterError?: { cause?: ErrorLike } };
  cause?: unknown;
  message?: unknown;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const candidate = current as ErrorLike;
    if (
      typeof candidate.code === 'string' &&
      (PRISMA_UNREACHABLE.has(candidate.code) || SOCKET_ERRORS.has(candidate.code))
    )
      return true;
    const adapterCause = candidate.meta?.driverAdapterError?.cause;
    if (adapterCause && describesUnavailable(adapterCause)) return true;
    if (describesUnavailable(candidate)) return true;
    if (candidate.message === 'Connection terminated unexpectedly') return true;
    current = candidate.cause;
  }
  return false;
}

function describesUnavailable(cause: ErrorLike): boolean {
  if (typeof cause.kind === 'string' && ADAPTER_UNREACHABLE.has(cause.kind)) return true;
  // A FATAL error ends the session: the server refused or dropped the connection.
  return typeof cause.code === 'string' && (POSTGRES_UNAVAILABLE.test(cause.code) || cause.severity === 'FATAL');
}

/**
 * Null when a PostgreSQL server answers at `url` within `timeoutMs`, else why not in one line (the password
 * never appears): checked at start-up, before anything slow, so a wrong URL is reported at once.
 */
export async function unreachableDatabase(url: string, timeoutMs = 5000): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return [code, firstLine(message)].filter(Boolean).join(' ');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'unknown error').split('\n')[0]!.slice(0, 200);
}

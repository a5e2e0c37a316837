import type { PrismaClient } from './prisma-types.ts';

export interface WindowHits {
  hits: number;
  windowStart: Date;
}

/**
 * Fixed-window hit counters in PostgreSQL, so every replica counts against the same limit. One atomic
 * upsert per hit: a newer window restarts the count, a hit from a replica whose clock lags counts in the
 * current window.
 */
export class RateLimitCounters {
  constructor(private readonly prisma: PrismaClient) {}

  async hit(key: string, windowStart: Date): Promise<WindowHits> {
    const [row] = await this.prisma.$queryRaw<{ hits: number; window_start: Date }[]>`
      INSERT INTO rate_limit_counters AS counter (key, window_start, hits) VALUES (${key}, ${windowStart}, 1)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN EXCLUDED.window_start > counter.window_start THEN 1 ELSE counter.hits + 1 END,
        window_start = GREATEST(counter.window_start, EXCLUDED.window_start)
      RETURNING hits, window_start`;
    if (!row) throw new Error('the rate limit upsert returned no row');
    return { hits: row.hits, windowStart: new Date(row.window_start) };
  }
}

import { Router } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';

/** Liveness says the process answers; readiness says it can reach its database. */
export function healthRoutes(database: Database, logger: Logger): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    try {
      await database.prisma.$queryRaw`SELECT 1`;
      res.json({ status: 'ok' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed: database unreachable');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}

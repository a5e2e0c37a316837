import { Router } from 'express';
import type { Registry } from 'prom-client';

/** `GET /metrics`: Prometheus's text format. For the cluster's scraper: keep it off the public ingress. */
export function metricsRoute(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

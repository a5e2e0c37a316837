import type { Emulator } from '../emulator.ts';
import { Document } from '../http/document.ts';

/** `/v1/mandates/:id` (retrieve: Stripe has no list or create), and the mandate page its `url` names. */
export function registerMandateRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('GET', '/v1/mandates/:id', ({ path }) => store.mandates.require(path.id ?? ''));
  router.on('GET', '/_emulator/mandates/:id', ({ path }) => {
    const mandate = store.mandates.require(path.id ?? '');
    const reference = mandate.payment_method_details.sepa_debit?.reference ?? mandate.id;
    return new Document(
      'text/html; charset=utf-8',
      `<!doctype html><title>Mandate ${reference}</title><p>SEPA Direct Debit mandate ${reference} (${mandate.status})</p>`,
    );
  });
}

import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { listPage, matchesCreated } from '../http/list-page.ts';
import { simplePdf } from '../http/document.ts';
import { draftCreditNote, issueCreditNote, voidCreditNote } from '../billing/credit-notes.ts';

/**
 * `/v1/credit_notes`: create, preview (and its lines), retrieve, update (memo, metadata), void, list
 * (`invoice`, `customer`, `created`), lines; and the PDF its `pdf` link points to.
 */
export function registerCreditNoteRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  const noteAt = (id: string | undefined) => store.creditNotes.require(id ?? '');
  router.on('POST', '/v1/credit_notes', ({ params }) => issueCreditNote(emulator, params));
  router.on('GET', '/v1/credit_notes/preview', ({ params }) => draftCreditNote(emulator, params).note);
  router.on('GET', '/v1/credit_notes/preview/lines', ({ params }) => {
    const { note } = draftCreditNote(emulator, params);
    return listPage([...note.lines.data], params, '/v1/credit_notes/preview/lines');
  });
  router.on('GET', '/v1/credit_notes/:id', ({ path }) => noteAt(path.id));
  router.on('GET', '/v1/credit_notes/:id/lines', ({ params, path }) => {
    const note = noteAt(path.id);
    return listPage([...note.lines.data], params, `/v1/credit_notes/${note.id}/lines`);
  });
  router.on('POST', '/v1/credit_notes/:id', ({ params, path }) => {
    const note = noteAt(path.id);
    const previous: Partial<Stripe.CreditNote> = {};
    if (params.has('memo')) {
      previous.memo = note.memo;
      note.memo = params.nullableString('memo') ?? null;
    }
    if (params.has('metadata')) {
      previous.metadata = note.metadata;
      note.metadata = params.metadata('metadata', note.metadata ?? {});
    }
    emulator.events.emit('credit_note.updated', note, emulator.now(emulator.clockOf(note.customer)), previous);
    return note;
  });
  router.on('POST', '/v1/credit_notes/:id/void', ({ path }) => voidCreditNote(emulator, noteAt(path.id)));
  router.on('GET', '/v1/credit_notes', ({ params }) => {
    const invoice = params.string('invoice');
    const customer = params.string('customer');
    const notes = store.creditNotes
      .newestFirst()
      .filter(
        (note) =>
          (!invoice || note.invoice === invoice) &&
          (!customer || note.customer === customer) &&
          matchesCreated(note.created, params),
      );
    return listPage(notes, params, '/v1/credit_notes');
  });
  router.on('GET', '/_emulator/credit_notes/:id/pdf', ({ path }) => {
    const note = noteAt(path.id);
    const amount = (minor: number) => `${(minor / 100).toFixed(2)} ${note.currency.toUpperCase()}`;
    return simplePdf([
      `Credit note ${note.number} (${note.status}) for invoice ${String(note.invoice)}`,
      ...note.lines.data.map((line) => `${line.description ?? ''}: ${amount(-line.amount)}`),
      `Total: ${amount(-note.total)}`,
    ]);
  });
}

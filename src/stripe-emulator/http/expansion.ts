import type { Emulator } from '../emulator.ts';
import { snapshot } from '../webhooks/event-log.ts';
import { invoiceIncludable } from '../billing/invoice-includables.ts';

type Json = Record<string, unknown>;

/**
 * Applies `expand[]`: each dotted path replaces an id with its object (`latest_invoice.payments`,
 * `data.customer` in lists). Works on a copy, so stored objects keep their ids.
 */
export function expand(emulator: Emulator, result: unknown, paths: string[]): unknown {
  const copy = snapshot(result);
  for (const path of paths) expandAt(emulator, copy, path.split('.'));
  return copy;
}

function expandAt(emulator: Emulator, node: unknown, segments: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) expandAt(emulator, item, segments);
    return;
  }
  if (typeof node !== 'object' || node === null || segments.length === 0) return;
  const [key, ...rest] = segments as [string, ...string[]];
  const object = node as Json;
  let value = object[key];
  if (typeof value === 'string') value = resolve(emulator, value) ?? value;
  else if (value === undefined) value = invoiceIncludable(emulator, object, key);
  if (value === undefined) return;
  object[key] = value;
  expandAt(emulator, value, rest);
}

const COLLECTIONS: [string, (emulator: Emulator, id: string) => unknown][] = [
  ['cus_', (e, id) => e.store.customers.get(id)],
  ['pm_', (e, id) => e.store.paymentMethods.get(id)],
  ['seti_', (e, id) => e.store.setupIntents.get(id)],
  ['pi_', (e, id) => e.store.paymentIntents.get(id)],
  ['prod_', (e, id) => e.store.products.get(id)],
  ['price_', (e, id) => e.store.prices.get(id)],
  ['txr_', (e, id) => e.store.taxRates.get(id)],
  ['sub_', (e, id) => e.store.subscriptions.get(id)],
  ['in_', (e, id) => e.store.invoices.get(id)],
  ['ii_', (e, id) => e.store.invoiceItems.get(id)],
  ['inpay_', (e, id) => e.store.invoicePayments.get(id)],
  ['clock_', (e, id) => e.store.testClocks.get(id)],
];

function resolve(emulator: Emulator, id: string): unknown {
  const entry = COLLECTIONS.find(([prefix]) => id.startsWith(prefix));
  const found = entry?.[1](emulator, id);
  return found === undefined ? undefined : snapshot(found);
}

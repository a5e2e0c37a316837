import type { Emulator } from '../emulator.ts';
import { snapshot } from '../webhooks/event-log.ts';
import { invoiceIncludable } from '../billing/invoice-includables.ts';
import { invalidRequest } from '../stripe-error.ts';
import generated from '../contract/sdk-params.generated.json';

const EXPANDABLE = (generated as { expandable: Record<string, string[]> }).expandable;

type Json = Record<string, unknown>;

/**
 * Applies `expand[]`: each dotted path replaces an id with its object (`latest_invoice.payments`,
 * `data.customer` in lists). Works on a copy, so stored objects keep their ids. A path whose last field the
 * SDK does not type as expandable is refused as Stripe refuses it.
 */
export function expand(emulator: Emulator, result: unknown, paths: string[]): unknown {
  const copy = snapshot(result);
  for (const path of paths) expandAt(emulator, copy, path.split('.'), { path, base: null, relative: [] });
  return copy;
}

interface Position {
  path: string;
  /** The `object` of the nearest enclosing Stripe object, and the fields walked since it. */
  base: string | null;
  relative: string[];
}

function expandAt(emulator: Emulator, node: unknown, segments: string[], at: Position): void {
  if (Array.isArray(node)) {
    for (const item of node) expandAt(emulator, item, segments, at);
    return;
  }
  if (typeof node !== 'object' || node === null || segments.length === 0) return;
  const [key, ...rest] = segments as [string, ...string[]];
  const object = node as Json;
  const here =
    typeof object['object'] === 'string' && object['object'] !== 'list'
      ? { ...at, base: object['object'], relative: [] }
      : at;
  let value = object[key];
  const includable = value === undefined ? invoiceIncludable(emulator, object, key) : undefined;
  const expandable = includable !== undefined || isExpandable(here.base, [...here.relative, key]);
  if (rest.length === 0 && !expandable)
    throw invalidRequest(`This property cannot be expanded (${at.path}).`, 'parameter_invalid', 'expand');
  if (typeof value === 'string' && expandable) value = resolve(emulator, value) ?? value;
  else if (includable !== undefined) value = includable;
  if (value === undefined || value === null) return;
  object[key] = value;
  expandAt(emulator, value, rest, { ...here, relative: [...here.relative, key] });
}

function isExpandable(base: string | null, relative: string[]): boolean {
  return base !== null && (EXPANDABLE[base]?.includes(relative.join('.')) ?? false);
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
  ['ch_', (e, id) => e.store.charges.get(id)],
  ['re_', (e, id) => e.store.refunds.get(id)],
  ['cn_', (e, id) => e.store.creditNotes.get(id)],
  ['clock_', (e, id) => e.store.testClocks.get(id)],
];

function resolve(emulator: Emulator, id: string): unknown {
  const entry = COLLECTIONS.find(([prefix]) => id.startsWith(prefix));
  const found = entry?.[1](emulator, id);
  return found === undefined ? undefined : snapshot(found);
}

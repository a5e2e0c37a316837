import type Stripe from 'stripe';
import type { RequestParams } from './params.ts';
import { invalidRequest, parameterInvalid, resourceMissing } from '../stripe-error.ts';

/**
 * One page of a Stripe list object. `items` come newest first; `starting_after`/`ending_before` are
 * object ids, `limit` is 1..100 (default 10).
 */
export function listPage<T extends { id: string }>(items: T[], params: RequestParams, url: string): Stripe.ApiList<T> {
  const limit = params.integer('limit') ?? 10;
  if (limit < 1 || limit > 100) throw parameterInvalid('limit', 'Invalid limit: must be between 1 and 100');
  const startingAfter = params.string('starting_after');
  const endingBefore = params.string('ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  }
  if (startingAfter) {
    const index = indexOf(items, startingAfter, 'starting_after');
    const rest = items.slice(index + 1);
    return list(rest.slice(0, limit), rest.length > limit, url);
  }
  if (endingBefore) {
    const index = indexOf(items, endingBefore, 'ending_before');
    const before = items.slice(0, index);
    return list(before.slice(Math.max(0, before.length - limit)), before.length > limit, url);
  }
  return list(items.slice(0, limit), items.length > limit, url);
}

export function list<T>(data: T[], hasMore: boolean, url: string): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

function indexOf(items: { id: string }[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index < 0) throw resourceMissing('object', id, param);
  return index;
}

/** Stripe's `created` filter: a timestamp or `{gt, gte, lt, lte}`. */
export function matchesCreated(created: number, params: RequestParams): boolean {
  const exact =
    params.has('created') && typeof params.raw['created'] === 'string' ? params.integer('created') : undefined;
  if (exact !== undefined) return created === exact;
  const range = params.object('created');
  if (!range) return true;
  const gt = range.integer('gt');
  const gte = range.integer('gte');
  const lt = range.integer('lt');
  const lte = range.integer('lte');
  return (
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte)
  );
}

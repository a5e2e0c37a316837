import type Stripe from 'stripe';
import type { RequestParams } from '../http/params.ts';

export const EMPTY_ADDRESS: Stripe.Address = {
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
};

/** An `address[...]` parameter as Stripe's Address (absent fields are null). */
export function addressFrom(
  params: RequestParams | undefined,
  current: Stripe.Address | null = null,
): Stripe.Address | null {
  if (!params) return current;
  const base = current ?? EMPTY_ADDRESS;
  const field = (key: keyof Stripe.Address) => (params.has(key) ? (params.nullableString(key) ?? null) : base[key]);
  return {
    city: field('city'),
    country: field('country'),
    line1: field('line1'),
    line2: field('line2'),
    postal_code: field('postal_code'),
    state: field('state'),
  };
}

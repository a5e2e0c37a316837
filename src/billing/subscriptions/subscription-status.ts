export const SUBSCRIPTION_STATUSES = [
  'INCOMPLETE',
  'INCOMPLETE_EXPIRED',
  'TRIALING',
  'ACTIVE',
  'PAST_DUE',
  'UNPAID',
  'CANCELED',
  'PAUSED',
] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Statuses after which the provider never bills the subscription again. */
export const ENDED_STATUSES: readonly SubscriptionStatus[] = ['CANCELED', 'INCOMPLETE_EXPIRED'];

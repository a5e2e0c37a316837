// The time the billing rules read: grace periods, renewals' bookkeeping, invoice dates, VAT days, rate-limit
// windows. One clock for the whole app, passed through createApp, so tests move time for every rule at once.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

import type Stripe from 'stripe';

const DAY = 86_400;

/**
 * The n-th period boundary after `anchor` for a price's interval. Months are calendar months counted
 * from the anchor, so an anchor on the 31st bills on the last day of shorter months and returns to the 31st.
 */
export function periodBoundary(
  anchor: number,
  recurring: Pick<Stripe.Price.Recurring, 'interval' | 'interval_count'>,
  n: number,
): number {
  const steps = recurring.interval_count * n;
  switch (recurring.interval) {
    case 'day':
      return anchor + steps * DAY;
    case 'week':
      return anchor + steps * 7 * DAY;
    case 'month':
      return addMonths(anchor, steps);
    default:
      return addMonths(anchor, steps * 12);
  }
}

/** The first boundary strictly after `time`. */
export function nextBoundary(
  anchor: number,
  recurring: Pick<Stripe.Price.Recurring, 'interval' | 'interval_count'>,
  time: number,
): number {
  let n = 1;
  while (periodBoundary(anchor, recurring, n) <= time) n += 1;
  return periodBoundary(anchor, recurring, n);
}

function addMonths(timestamp: number, months: number): number {
  const date = new Date(timestamp * 1000);
  const monthIndex = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) / 1000;
}

import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { collectInvoice, paymentIntentOf } from './invoice-collection.ts';
import { dueDebits, settleDebit } from './debit-settlement.ts';
import { expireIncomplete, finalizeAndCollect, startNextPeriod } from './subscription-lifecycle.ts';
import { cancelSubscription } from './subscription-status.ts';
import { previewChange } from './subscription-changes.ts';
import { expirePendingUpdate } from './pending-updates.ts';

const DAY = 86_400;
/** `customer.subscription.trial_will_end` is sent three days before the trial ends. */
const TRIAL_WILL_END_NOTICE = 3 * DAY;

const MAX_ACTIONS_PER_ADVANCE = 100_000;

interface DueAction {
  at: number;
  run: (now: number) => void;
}

/**
 * Moves a test clock to `target`, running everything that falls due on the way in time order:
 * trial-end notices and trial ends, renewals, scheduled cancellations, incomplete and pending-update
 * expiry, invoice finalization and dunning retries. Each action runs at its own instant, so events carry that time.
 */
export function advanceClock(emulator: Emulator, clock: Stripe.TestHelpers.TestClock, target: number): void {
  emulator.events.emit('test_helpers.test_clock.advancing', { ...clock, status: 'advancing' }, clock.frozen_time);
  // What the clock triggers is Stripe's own doing, not the advance request's: such events have no request id.
  emulator.events.origin = null;
  for (let step = 0; ; step += 1) {
    // A bound on the work of one advance: a runaway loop of actions is an emulator bug, not an endless request.
    if (step > MAX_ACTIONS_PER_ADVANCE) throw new Error(`test clock ${clock.id} did not settle`);
    const next = dueActions(emulator, clock.id)
      .filter((action) => action.at <= target)
      .sort((a, b) => a.at - b.at)[0];
    if (!next) break;
    clock.frozen_time = Math.max(clock.frozen_time, next.at);
    next.run(clock.frozen_time);
  }
  clock.frozen_time = target;
  clock.status = 'ready';
  emulator.events.emit('test_helpers.test_clock.ready', clock, target);
}

function dueActions(emulator: Emulator, clockId: string): DueAction[] {
  const actions: DueAction[] = [];
  for (const subscription of emulator.store.subscriptions.all()) {
    if (subscription.test_clock !== clockId) continue;
    // Listed first: a pending update expiring at the period end is dropped before the renewal.
    const pending = subscription.pending_update;
    if (pending)
      actions.push({ at: pending.expires_at, run: (now) => expirePendingUpdate(emulator, subscription, now) });
    actions.push(...subscriptionActions(emulator, subscription));
  }
  for (const invoice of emulator.store.invoices.all()) {
    if (invoice.test_clock !== clockId) continue;
    if (invoice.status === 'draft' && invoice.auto_advance !== false && invoice.automatically_finalizes_at !== null) {
      actions.push({
        at: invoice.automatically_finalizes_at,
        run: (now) => finalizeAndCollect(emulator, invoice, now),
      });
    } else if (invoice.status === 'open' && invoice.next_payment_attempt !== null) {
      actions.push({
        at: invoice.next_payment_attempt,
        run: (now) => void collectInvoice(emulator, invoice, now, { automatic: true }),
      });
    }
  }
  for (const { intentId, at } of dueDebits(emulator, clockId))
    actions.push({ at, run: (now) => settleDebit(emulator, intentId, now) });
  return actions;
}

function subscriptionActions(emulator: Emulator, subscription: Stripe.Subscription): DueAction[] {
  const timeline = emulator.store.subscriptionTimeline.get(subscription.id);
  const periodEnd = subscription.items.data[0]?.current_period_end;
  switch (subscription.status) {
    case 'trialing': {
      const actions: DueAction[] = [];
      const trialEnd = subscription.trial_end ?? periodEnd ?? 0;
      const notice = trialEnd - TRIAL_WILL_END_NOTICE;
      if (timeline && !timeline.trialWillEndSent && notice >= subscription.created) {
        actions.push({
          at: notice,
          run: (now) => {
            timeline.trialWillEndSent = true;
            emulator.events.emit('customer.subscription.trial_will_end', subscription, now);
          },
        });
      }
      actions.push(...upcomingNotice(emulator, subscription, trialEnd), {
        at: trialEnd,
        run: (now) => startNextPeriod(emulator, subscription, now),
      });
      return withScheduledCancel(emulator, subscription, actions);
    }
    // Stripe keeps invoicing an `unpaid` subscription (without charging: see finalizeAndCollect).
    case 'active':
    case 'past_due':
    case 'unpaid':
      return withScheduledCancel(
        emulator,
        subscription,
        periodEnd === undefined
          ? []
          : [
              ...upcomingNotice(emulator, subscription, periodEnd),
              { at: periodEnd, run: (now) => startNextPeriod(emulator, subscription, now) },
            ],
      );
    case 'incomplete':
      // A first payment the bank is still processing keeps the subscription incomplete, not expiring.
      if (timeline?.incompleteExpiresAt === undefined || firstDebitProcessing(emulator, subscription)) return [];
      return [{ at: timeline.incompleteExpiresAt, run: (now) => expireIncomplete(emulator, subscription, now) }];
    default:
      return [];
  }
}

/**
 * `invoice.upcoming`, the account's "upcoming renewal events" days before a subscription creates its next
 * automatically charged invoice (https://docs.stripe.com/api/events/types#event_types-invoice.upcoming):
 * once per renewal, not when the subscription ends before it, nor when the period is shorter than the notice.
 * The invoice is the preview of that renewal (`billing_reason: 'upcoming'`), not a stored invoice.
 */
function upcomingNotice(emulator: Emulator, subscription: Stripe.Subscription, renewal: number): DueAction[] {
  const days = emulator.settings.upcomingRenewalDays;
  const timeline = emulator.store.subscriptionTimeline.get(subscription.id);
  const periodStart = subscription.items.data[0]?.current_period_start ?? subscription.created;
  const at = renewal - days * DAY;
  const ending =
    subscription.cancel_at_period_end || (subscription.cancel_at !== null && subscription.cancel_at <= renewal);
  if (days <= 0 || !timeline || timeline.upcomingNoticeFor === renewal || ending || at < periodStart) return [];
  return [
    {
      at,
      run: (now) => {
        timeline.upcomingNoticeFor = renewal;
        emulator.events.emit(
          'invoice.upcoming',
          previewChange(emulator, subscription, [], 'create_prorations', now),
          now,
        );
      },
    },
  ];
}

function firstDebitProcessing(emulator: Emulator, subscription: Stripe.Subscription): boolean {
  const invoice =
    typeof subscription.latest_invoice === 'string'
      ? emulator.store.invoices.get(subscription.latest_invoice)
      : undefined;
  return invoice !== undefined && paymentIntentOf(emulator, invoice)?.status === 'processing';
}

function withScheduledCancel(emulator: Emulator, subscription: Stripe.Subscription, actions: DueAction[]): DueAction[] {
  if (subscription.cancel_at === null) return actions;
  return [
    ...actions,
    {
      at: subscription.cancel_at,
      run: (now) => void cancelSubscription(emulator, subscription, now, 'cancellation_requested'),
    },
  ];
}

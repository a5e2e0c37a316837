// Admin outcomes -> GraphQL result types, as mutation-results.ts does for the web app's.
import type { ExtendGraceOutcome, GrantPlanOutcome } from '../billing/services/customer-exceptions.ts';
import type { BillingOwner } from '../billing/billing-owner.ts';
import type { MarkUncollectibleOutcome } from '../billing/services/invoice-collection-admin.ts';
import type { RefundOutcome } from '../billing/invoices/invoice-refund-service.ts';
import type { CatalogRefusal, PlanSaved, PriceSet } from '../billing/plans/plan-catalog-admin.ts';
import type { ReplayOutcome } from '../webhooks/provider-event-replay.ts';
import { profileOf } from './billing-profile.ts';

const refused = (o: CatalogRefusal) => ({
  __typename: 'CatalogChangeRefused' as const,
  code: o.code,
  message: o.message,
});

export function planCatalogResult(o: PlanSaved | CatalogRefusal) {
  return o.kind === 'plan_saved' ? { __typename: 'PlanSaved' as const, plan: o.plan } : refused(o);
}

export function setPlanPriceResult(o: PriceSet | CatalogRefusal) {
  return o.kind === 'price_set'
    ? {
        __typename: 'PlanPriceSet' as const,
        plan: o.plan,
        price: o.price,
        previousPrice: o.previous,
        subscribersOnPreviousPrice: o.subscribersOnPreviousPrice,
      }
    : refused(o);
}

export function markUncollectibleResult(o: MarkUncollectibleOutcome) {
  return o.kind === 'marked_uncollectible'
    ? { __typename: 'InvoiceMarkedUncollectible' as const, invoice: o.invoice }
    : {
        __typename: 'InvoiceNotOpen' as const,
        code: 'INVOICE_NOT_OPEN' as const,
        message: 'Only an open invoice can be marked uncollectible.',
        status: o.invoice.status,
      };
}

export function refundResult(o: RefundOutcome) {
  const money = (amount: number) => ({ amount, currency: o.invoice.currency });
  switch (o.kind) {
    case 'refunded':
      return {
        __typename: 'InvoiceRefunded' as const,
        invoice: o.invoice,
        creditNote: o.creditNote,
        amount: money(o.amount),
      };
    case 'not_paid':
      return {
        __typename: 'InvoiceNotPaid' as const,
        code: 'INVOICE_NOT_PAID' as const,
        message: 'Only a paid invoice can be refunded.',
        status: o.invoice.status,
      };
    case 'conflict':
      return {
        __typename: 'RefundConflict' as const,
        code: 'CONFLICT' as const,
        message: `This invoice's refunds total ${o.refunded} now, not what was expected: nothing was refunded.`,
        refunded: money(o.refunded),
      };
    case 'exceeds_refundable':
      return {
        __typename: 'RefundExceedsRefundable' as const,
        code: 'REFUND_EXCEEDS_REFUNDABLE' as const,
        message: `At most ${o.refundable} can still be refunded on this invoice.`,
        refundable: money(o.refundable),
      };
    case 'unmatched_refund':
      return {
        __typename: 'UnmatchedRefund' as const,
        code: 'UNMATCHED_REFUND' as const,
        message: `${o.unmatched} was refunded at the provider without its credit note: refund exactly that amount to issue it.`,
        unmatched: money(o.unmatched),
      };
  }
}

export function replayResult(o: ReplayOutcome) {
  switch (o.kind) {
    case 'replayed':
      return { __typename: 'ProviderEventReplayed' as const, event: o.event };
    case 'failed':
      return {
        __typename: 'ProviderEventReplayFailed' as const,
        code: 'EVENT_PROCESSING_FAILED' as const,
        message: 'The event failed again: see the service log.',
        event: o.event,
      };
    case 'already_processed':
      return {
        __typename: 'EventAlreadyProcessed' as const,
        code: 'EVENT_ALREADY_PROCESSED' as const,
        message: 'This event was already processed.',
        event: o.event,
      };
  }
}

export function extendGraceResult(owner: BillingOwner, o: ExtendGraceOutcome) {
  return o.kind === 'grace_extended'
    ? { __typename: 'GracePeriodExtended' as const, customer: profileOf(owner, o.customer) }
    : {
        __typename: 'NoPaymentFailure' as const,
        code: 'NO_PAYMENT_FAILURE' as const,
        message: 'No payment is failing: there is no grace period to extend.',
      };
}

export function grantPlanResult(owner: BillingOwner, o: GrantPlanOutcome) {
  return o.kind === 'plan_granted'
    ? { __typename: 'PlanGranted' as const, customer: profileOf(owner, o.customer) }
    : {
        __typename: 'CatalogChangeRefused' as const,
        code: 'PLAN_ARCHIVED' as const,
        message: 'This plan is archived: it cannot be granted.',
      };
}

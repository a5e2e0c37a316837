// The payments boundary in domain terms, owned by the domain. Billing services depend on this port only;
// the Stripe adapter (payments/stripe/) is the one implementation, against Stripe or the local emulator,
// and sees billing through this module alone (the domain types it speaks are re-exported here).
// Amounts are integer minor units; dates are Dates; statuses are the domain's, never the provider's.
import type { SubscriptionStatus } from '../subscriptions/subscription-status.ts';

export { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../subscriptions/subscription-status.ts';

/** The provider metadata key that carries a supply's VAT decision tag (`vatDecision` below). */
export const VAT_DECISION_METADATA_KEY = 'vat_decision';

export type ProviderInvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'VOID' | 'UNCOLLECTIBLE';
export type ProviderPaymentMethodType = 'CARD' | 'PAYPAL' | 'SEPA_DEBIT' | 'OTHER';

/** What a charge attempt came to. */
export type PaymentOutcome =
  | { kind: 'succeeded' }
  | { kind: 'requires_action'; clientSecret: string }
  /** A direct debit (SEPA) the bank has yet to answer, for days: neither paid nor failed. */
  | { kind: 'processing' }
  | { kind: 'failed'; declineCode: string };

/**
 * What a price change does when the invoice it produces is not paid at once: held pending (declined or
 * awaiting 3-D Secure, the subscription keeps its price) or, where pending changes are not offered (bank
 * debits), refused when the charge fails at once and applied while the bank processes the debit.
 */
export type UnpaidChangeBehavior = 'keep_pending' | 'refuse';

/** Display data only: what a customer needs to recognise the method, never what identifies them. */
export interface ProviderPaymentMethod {
  id: string;
  customerId: string | null;
  type: ProviderPaymentMethodType;
  brand: string | null;
  /** A card's or a SEPA account's last four digits. */
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  /** ISO country of the card, bank account or PayPal account. */
  country: string | null;
  /** The bank of a SEPA account (a German IBAN's Bankleitzahl), when the provider names it. */
  bankCode: string | null;
  /** A PayPal account's e-mail, masked (`b…r@example.com`): enough to recognise, not to contact. */
  payerEmail: string | null;
}

/** What a setup saves: a card, a PayPal account (through PayPal's approval) or a SEPA Direct Debit mandate. */
export type SetupPaymentMethodType = 'CARD' | 'PAYPAL' | 'SEPA_DEBIT';

export interface ProviderSetupIntent {
  id: string;
  clientSecret: string;
  status:
    'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  customerId: string | null;
  paymentMethodId: string | null;
  /** Where the customer must go to finish (PayPal's approval, a bank's 3-D Secure page) while `requires_action`. */
  redirectUrl: string | null;
}

export interface ProviderSubscription {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  /** The provider's price id of the single item. */
  priceId: string;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  /** A cancellation date set at the provider (Stripe's `cancel_at`), apart from the period end. */
  cancelAt: Date | null;
  canceledAt: Date | null;
  trialEnd: Date | null;
  defaultPaymentMethodId: string | null;
  latestInvoiceId: string | null;
  /**
   * A price change the provider holds until its invoice (`latestInvoiceId`) is paid (Stripe's
   * `pending_update`); the subscription stays on `priceId` until then, and the change is dropped at `expiresAt`.
   */
  pendingUpdate: { priceId: string; expiresAt: Date } | null;
}

export interface ProviderInvoiceLine {
  description: string;
  /** The provider's price billed on this line; null for a line without one. */
  priceId: string | null;
  quantity: number;
  /** Excluding tax. */
  unitAmount: number;
  amount: number;
  discountAmount: number;
  proration: boolean;
  /**
   * On a credit for unused time: the provider invoice that billed the time it credits (Stripe's
   * `proration_details.credited_items.invoice`); null on any other line, or when the provider names none.
   */
  creditedInvoiceId: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export interface ProviderInvoice {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: ProviderInvoiceStatus;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  /** Number of failed collection attempts so far. */
  attemptCount: number;
  /** True once a collection attempt failed and the invoice is still open. */
  paymentFailed: boolean;
  /** A direct debit the bank has yet to answer (SEPA: days): neither paid nor failed. */
  paymentProcessing: boolean;
  lines: ProviderInvoiceLine[];
  /** The period it bills: its lines' span (a renewal's is the period it starts). */
  periodStart: Date | null;
  periodEnd: Date | null;
  createdAt: Date;
  finalizedAt: Date | null;
  paidAt: Date | null;
  dueAt: Date | null;
  /** The VAT decision tag our service set beside the tax rates (the invoice's own, else its subscription's). */
  vatDecision: string | null;
}

export interface PlanChangePreview {
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountDue: number;
  prorationLines: ProviderInvoiceLine[];
}

/** Why a refund is made, in the provider's terms (never our free-text reason, which may name a person). */
export type ProviderRefundReason = 'duplicate' | 'requested_by_customer';

export interface ProviderRefund {
  id: string;
  amount: number;
}

/** A verified provider event: only what the inbox and the dispatcher need; handlers re-read the object. */
export interface ProviderEvent {
  id: string;
  type: string;
  objectType: string;
  objectId: string;
  createdAt: Date;
  payload: unknown;
}

export type ProviderCustomer = { deleted: true } | { deleted: false; defaultPaymentMethodId: string | null };

export interface PaymentProvider {
  /** The anonymous id is the only identifying data the provider ever receives. */
  createCustomer(anonymousId: string, idempotencyKey: string): Promise<{ id: string }>;
  setDefaultPaymentMethod(customerId: string, paymentMethodId: string, idempotencyKey: string): Promise<void>;
  /**
   * The customer as the provider holds it: `deleted` once it was deleted there (the Dashboard, the API), and
   * the method it charges by default (its invoice settings), null when none is set.
   */
  retrieveCustomer(customerId: string): Promise<ProviderCustomer>;

  createSetupIntent(
    customerId: string,
    type: SetupPaymentMethodType,
    idempotencyKey: string,
  ): Promise<ProviderSetupIntent>;
  retrieveSetupIntent(id: string): Promise<ProviderSetupIntent>;
  retrievePaymentMethod(id: string): Promise<ProviderPaymentMethod>;
  listPaymentMethods(customerId: string): Promise<ProviderPaymentMethod[]>;
  detachPaymentMethod(id: string, idempotencyKey: string): Promise<void>;

  /** Mirrors a plan and one of its prices to the provider; returns the provider's price id. */
  ensurePrice(
    plan: { id: string; name: string },
    price: { id: string; interval: 'MONTH' | 'YEAR'; amount: number; currency: string },
    idempotencyKey: string,
  ): Promise<string>;
  /**
   * Brings the plan's product in line: its name, and whether it is on sale (an archived product sells no
   * new subscriptions; existing ones continue). Creates it when the plan was never mirrored.
   */
  syncPlanProduct(plan: { id: string; name: string; active: boolean }, idempotencyKey: string): Promise<void>;
  /** Creates or reuses an exclusive tax rate for (country, rate). */
  ensureTaxRate(country: string, rateBasisPoints: number, idempotencyKey: string): Promise<string>;

  createSubscription(
    input: {
      customerId: string;
      priceId: string;
      paymentMethodId: string | null;
      taxRateIds: string[];
      vatDecision?: string;
      trialDays?: number;
    },
    idempotencyKey: string,
  ): Promise<{ subscription: ProviderSubscription; payment: PaymentOutcome }>;
  retrieveSubscription(id: string): Promise<ProviderSubscription>;
  /** Every subscription of the customer, ended ones included. */
  listSubscriptions(customerId: string): Promise<ProviderSubscription[]>;
  /**
   * Changes the price at once. With `keep_pending`, a change invoiced now applies only once that invoice is
   * paid: declined or awaiting 3-D Secure, the subscription stays on its price with the change pending
   * (`pendingUpdate`). With `refuse`, a charge failing at once leaves the price; a processing debit applies it.
   */
  changeSubscriptionPrice(
    id: string,
    priceId: string,
    proration: 'always_invoice' | 'none',
    whenUnpaid: UnpaidChangeBehavior,
    idempotencyKey: string,
  ): Promise<{ subscription: ProviderSubscription; payment: PaymentOutcome }>;
  previewSubscriptionPriceChange(id: string, priceId: string): Promise<PlanChangePreview>;
  /** False also clears a cancellation date set at the provider (`cancel_at`): the subscription renews again. */
  setCancelAtPeriodEnd(id: string, cancelAtPeriodEnd: boolean, idempotencyKey: string): Promise<ProviderSubscription>;
  cancelSubscriptionNow(id: string, idempotencyKey: string): Promise<ProviderSubscription>;
  setSubscriptionDefaultPaymentMethod(id: string, paymentMethodId: string, idempotencyKey: string): Promise<void>;
  /** The tax rates (and the decision they come from) of the subscription's future invoices. */
  setSubscriptionTaxRates(
    id: string,
    taxRateIds: string[],
    idempotencyKey: string,
    vatDecision?: string,
  ): Promise<void>;
  /** The tax rates (and the decision they come from) of a draft invoice, before the provider finalizes it. */
  setDraftInvoiceTaxRates(id: string, taxRateIds: string[], vatDecision: string, idempotencyKey: string): Promise<void>;

  retrieveInvoice(id: string): Promise<ProviderInvoice>;
  /** How an invoice's collection stands: paid (or nothing due), waiting for 3-D Secure, or failed. */
  invoicePaymentOutcome(id: string): Promise<PaymentOutcome>;
  listInvoices(customerId: string): Promise<ProviderInvoice[]>;
  payInvoice(id: string, paymentMethodId: string | null, idempotencyKey: string): Promise<PaymentOutcome>;
  /** An open invoice the customer will not pay: no more attempts, and it no longer counts as owed. */
  markInvoiceUncollectible(id: string, idempotencyKey: string): Promise<void>;
  /** Voids an open invoice: it will not be charged or retried any more. */
  voidInvoice(id: string, idempotencyKey: string): Promise<void>;
  /**
   * Gives back `amount` (all that remains when null) of the charge that paid the invoice. `metadata` holds
   * our ids only (our invoice's, the operation's), never personal data.
   */
  refundInvoicePayment(
    invoiceId: string,
    refund: { amount: number | null; reason?: ProviderRefundReason; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<ProviderRefund>;
  /** The sum refunded so far of the charge that paid the invoice; 0 when no charge paid it. */
  refundedAmountOfInvoice(invoiceId: string): Promise<number>;

  /** Verifies the signature over the raw body; throws InvalidWebhookSignatureError when it does not hold. */
  parseWebhook(rawBody: Buffer, signatureHeader: string): ProviderEvent;
}

export { ProviderUnavailableError } from '../errors.ts';

/** The provider refused a request as invalid: a programming error on our side, never shown to clients. */
export class ProviderRequestError extends Error {
  override name = 'ProviderRequestError';
}

/** The provider no longer has the customer a request named: it was deleted there (the Dashboard, the API). */
export class ProviderCustomerMissingError extends ProviderRequestError {
  override name = 'ProviderCustomerMissingError';
}

export class InvalidWebhookSignatureError extends Error {
  override name = 'InvalidWebhookSignatureError';
}

/** A correctly signed webhook whose body is not an event this service can store (a bug or a forgery with the secret). */
export class MalformedWebhookError extends Error {
  override name = 'MalformedWebhookError';
}

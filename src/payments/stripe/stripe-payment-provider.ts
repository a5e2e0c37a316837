/**
 * The PaymentProvider port over Stripe's official SDK, against Stripe or the local emulator (same code path,
 * only host/port/protocol differ). The one module that imports `stripe`; see README.md beside this file for
 * the error mapping, the retry policy and the privacy rule.
 */
import Stripe from 'stripe';
import pino, { type Logger } from 'pino';
import type {
  PaymentOutcome,
  UnpaidChangeBehavior,
  PaymentProvider,
  PlanChangePreview,
  ProviderCustomer,
  ProviderEvent,
  ProviderInvoice,
  ProviderPaymentMethod,
  ProviderRefund,
  ProviderRefundReason,
  ProviderSetupIntent,
  SetupPaymentMethodType,
  ProviderSubscription,
} from '../../billing/ports/payment-provider.ts';
import {
  InvalidWebhookSignatureError,
  MalformedWebhookError,
  ProviderRequestError,
  VAT_DECISION_METADATA_KEY,
} from '../../billing/ports/payment-provider.ts';
import { RetryPolicy } from './retry-policy.ts';
import { createStripeCall, type ProviderCallObserver, type StripeCall } from './stripe-call.ts';
import { PaymentRefusedError } from './stripe-errors.ts';
import { ensurePrice, ensureTaxRate, syncProduct, type MirroredPlan, type MirroredPrice } from './catalog-mirror.ts';
import {
  NO_PAYMENT_METHOD,
  SUCCEEDED,
  outcomeOfIntent,
  outcomeOfRefusal,
  paymentIntentIdOf,
} from './payment-outcomes.ts';
import {
  toInvoice,
  toPaymentMethod,
  toPlanChangePreview,
  toProviderEvent,
  toSetupIntent,
  toSubscription,
} from './stripe-mappers.ts';

export interface StripePaymentProviderOptions {
  secretKey: string;
  webhookSecret: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Retries of a transiently failing request (connection error, timeout, 409, 429, 5xx); default 3. */
  maxNetworkRetries?: number;
  /** Ceiling of the first retry's wait; it doubles at each retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Per-request timeout; a timeout is retried like a connection error. Default 30 s. */
  timeoutMs?: number;
  logger?: Logger;
  onCall?: ProviderCallObserver;
}

const MAX_RETRY_DELAY_MS = 5_000;
const LISTING_LIMIT = 10_000;
const SETUP_TYPES: Record<SetupPaymentMethodType, Stripe.SetupIntentCreateParams.AllowedPaymentMethodType> = {
  CARD: 'card',
  PAYPAL: 'paypal',
  SEPA_DEBIT: 'sepa_debit',
};
/** Invoice fields the payment outcome needs, returned in the same call that charged. */
const EXPAND_PAYMENT = ['latest_invoice.confirmation_secret'];

export class StripePaymentProvider implements PaymentProvider {
  private readonly stripe: Stripe;
  private readonly call: StripeCall;
  private readonly webhookSecret: string;

  constructor(options: StripePaymentProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      ...(options.host ? { host: options.host } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      // The SDK's own retries stay off: the retry policy below is ours, bounded, logged and tested.
      maxNetworkRetries: 0,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
    });
    const retries = new RetryPolicy({
      maxRetries: options.maxNetworkRetries ?? 3,
      baseDelayMs: options.retryBaseDelayMs ?? 500,
      maxDelayMs: MAX_RETRY_DELAY_MS,
    });
    this.call = createStripeCall(retries, options.logger ?? pino({ level: 'silent' }), options.onCall);
    this.webhookSecret = options.webhookSecret;
  }

  async createCustomer(anonymousId: string, idempotencyKey: string): Promise<{ id: string }> {
    // The anonymous id is all Stripe learns: no name, e-mail, address or description, ever.
    const customer = await this.call('customers.create', () =>
      this.stripe.customers.create({ metadata: { anonymous_id: anonymousId } }, { idempotencyKey }),
    );
    return { id: customer.id };
  }

  async setDefaultPaymentMethod(customerId: string, paymentMethodId: string, idempotencyKey: string): Promise<void> {
    await this.call('customers.update', () =>
      this.stripe.customers.update(
        customerId,
        { invoice_settings: { default_payment_method: paymentMethodId } },
        { idempotencyKey },
      ),
    );
  }

  async retrieveCustomer(customerId: string): Promise<ProviderCustomer> {
    const customer = await this.call('customers.retrieve', () => this.stripe.customers.retrieve(customerId));
    if (customer.deleted) return { deleted: true };
    const method = customer.invoice_settings.default_payment_method;
    return { deleted: false, defaultPaymentMethodId: typeof method === 'string' ? method : (method?.id ?? null) };
  }

  async createSetupIntent(
    customerId: string,
    type: SetupPaymentMethodType,
    idempotencyKey: string,
  ): Promise<ProviderSetupIntent> {
    // off_session: the method is saved to be charged later for renewals, without the customer present. The browser
    // confirms it with Stripe.js, which sends the IBAN, the PayPal redirect and the mandate acceptance (IP address,
    // user agent) from the customer's device: none of it passes through this service.
    const params: Stripe.SetupIntentCreateParams = {
      customer: customerId,
      usage: 'off_session',
      allowed_payment_method_types: [SETUP_TYPES[type]],
    };
    const intent = await this.call('setupIntents.create', () =>
      this.stripe.setupIntents.create(params, { idempotencyKey }),
    );
    return toSetupIntent(intent);
  }

  async retrieveSetupIntent(id: string): Promise<ProviderSetupIntent> {
    return toSetupIntent(await this.call('setupIntents.retrieve', () => this.stripe.setupIntents.retrieve(id)));
  }

  async retrievePaymentMethod(id: string): Promise<ProviderPaymentMethod> {
    return toPaymentMethod(await this.call('paymentMethods.retrieve', () => this.stripe.paymentMethods.retrieve(id)));
  }

  async listPaymentMethods(customerId: string): Promise<ProviderPaymentMethod[]> {
    const methods = await this.call('customers.listPaymentMethods', () =>
      this.stripe.customers.listPaymentMethods(customerId, { limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
    );
    return methods.map(toPaymentMethod);
  }

  async detachPaymentMethod(id: string, idempotencyKey: string): Promise<void> {
    await this.call('paymentMethods.detach', () => this.stripe.paymentMethods.detach(id, {}, { idempotencyKey }));
  }

  ensurePrice(plan: MirroredPlan, price: MirroredPrice, idempotencyKey: string): Promise<string> {
    return ensurePrice(this.stripe, this.call, plan, price, idempotencyKey);
  }

  syncPlanProduct(plan: MirroredPlan & { active: boolean }, idempotencyKey: string): Promise<void> {
    return syncProduct(this.stripe, this.call, plan, idempotencyKey);
  }

  ensureTaxRate(country: string, rateBasisPoints: number, idempotencyKey: string): Promise<string> {
    return ensureTaxRate(this.stripe, this.call, country, rateBasisPoints, idempotencyKey);
  }

  async createSubscription(
    input: {
      customerId: string;
      priceId: string;
      paymentMethodId: string | null;
      taxRateIds: string[];
      vatDecision?: string;
      trialDays?: number;
    },
    idempotencyKey: string,
  ): Promise<{ subscription: ProviderSubscription; payment: PaymentOutcome }> {
    const params: Stripe.SubscriptionCreateParams = {
      customer: input.customerId,
      items: [{ price: input.priceId }],
      // allow_incomplete charges the saved method in this very call, so the outcome (paid, 3-D Secure, declined)
      // is known at once; a decline leaves an `incomplete` subscription instead of an error. default_incomplete
      // would make every customer confirm in the browser although the method was set up (SetupIntent) before.
      payment_behavior: 'allow_incomplete',
      expand: EXPAND_PAYMENT,
      ...(input.paymentMethodId ? { default_payment_method: input.paymentMethodId } : {}),
      ...(input.taxRateIds.length > 0 ? { default_tax_rates: input.taxRateIds } : {}),
      // Stripe copies subscription metadata onto each invoice it drafts: the invoice names its VAT decision.
      ...(input.vatDecision ? { metadata: { [VAT_DECISION_METADATA_KEY]: input.vatDecision } } : {}),
      ...(input.trialDays ? { trial_period_days: input.trialDays } : {}),
    };
    const subscription = await this.call('subscriptions.create', () =>
      this.stripe.subscriptions.create(params, { idempotencyKey }),
    );
    const settled = subscription.status === 'active' || subscription.status === 'trialing';
    return {
      subscription: toSubscription(subscription),
      payment: settled ? SUCCEEDED : await this.outcomeOfInvoice(subscription.latest_invoice),
    };
  }

  async retrieveSubscription(id: string): Promise<ProviderSubscription> {
    return toSubscription(await this.call('subscriptions.retrieve', () => this.stripe.subscriptions.retrieve(id)));
  }

  async listSubscriptions(customerId: string): Promise<ProviderSubscription[]> {
    const subscriptions = await this.call('subscriptions.list', () =>
      this.stripe.subscriptions
        .list({ customer: customerId, status: 'all', limit: 100 })
        .autoPagingToArray({ limit: LISTING_LIMIT }),
    );
    return subscriptions.map(toSubscription);
  }

  async changeSubscriptionPrice(
    id: string,
    priceId: string,
    proration: 'always_invoice' | 'none',
    whenUnpaid: UnpaidChangeBehavior,
    idempotencyKey: string,
  ): Promise<{ subscription: ProviderSubscription; payment: PaymentOutcome }> {
    const itemId = await this.itemIdOf(id);
    // pending_if_incomplete: a change invoiced now applies only once that invoice is paid. Declined or
    // awaiting 3-D Secure, Stripe keeps the old price and holds the change in `pending_update` (23 hours at
    // most); the customer is never moved to a plan they have not paid for. Stripe offers no pending updates
    // with bank debits: error_if_incomplete then refuses a charge failing at once (402) and applies the change
    // while the bank processes the debit.
    const paymentBehavior = whenUnpaid === 'keep_pending' ? 'pending_if_incomplete' : 'error_if_incomplete';
    try {
      const subscription = await this.call('subscriptions.update', () =>
        this.stripe.subscriptions.update(
          id,
          {
            items: [{ id: itemId, price: priceId }],
            proration_behavior: proration,
            payment_behavior: paymentBehavior,
            expand: EXPAND_PAYMENT,
          },
          { idempotencyKey },
        ),
      );
      // Only an invoice this change produced says how the change was paid; an older open one is not its outcome.
      const invoice = typeof subscription.latest_invoice === 'object' ? subscription.latest_invoice : null;
      const billedNow = invoice?.billing_reason === 'subscription_update';
      return {
        subscription: toSubscription(subscription),
        payment: billedNow ? await this.outcomeOfInvoice(invoice) : SUCCEEDED,
      };
    } catch (error) {
      // Stripe may answer a refused charge with a card error after applying the change: report both.
      if (!(error instanceof PaymentRefusedError)) throw error;
      const subscription = await this.call('subscriptions.retrieve', () =>
        this.stripe.subscriptions.retrieve(id, { expand: EXPAND_PAYMENT }),
      );
      return {
        subscription: toSubscription(subscription),
        payment: outcomeOfRefusal(error) ?? (await this.outcomeOfInvoice(subscription.latest_invoice)),
      };
    }
  }

  async previewSubscriptionPriceChange(id: string, priceId: string): Promise<PlanChangePreview> {
    const itemId = await this.itemIdOf(id);
    // always_invoice: what changing now would charge at once, as changeSubscriptionPrice does for upgrades.
    const preview = await this.call('invoices.createPreview', () =>
      this.stripe.invoices.createPreview({
        subscription: id,
        subscription_details: { items: [{ id: itemId, price: priceId }], proration_behavior: 'always_invoice' },
      }),
    );
    return toPlanChangePreview(preview);
  }

  async setCancelAtPeriodEnd(
    id: string,
    cancelAtPeriodEnd: boolean,
    idempotencyKey: string,
  ): Promise<ProviderSubscription> {
    const subscription = await this.call('subscriptions.update', () =>
      this.stripe.subscriptions.update(
        id,
        { cancel_at_period_end: cancelAtPeriodEnd, ...(!cancelAtPeriodEnd && { cancel_at: '' }) },
        { idempotencyKey },
      ),
    );
    return toSubscription(subscription);
  }

  async cancelSubscriptionNow(id: string, idempotencyKey: string): Promise<ProviderSubscription> {
    try {
      return toSubscription(
        await this.call('subscriptions.cancel', () => this.stripe.subscriptions.cancel(id, {}, { idempotencyKey })),
      );
    } catch (error) {
      // Stripe ignores idempotency keys on DELETE: a repeated cancel (a retry whose first answer was lost)
      // is refused because the subscription already ended, which is the state asked for.
      if (!(error instanceof ProviderRequestError)) throw error;
      const subscription = await this.retrieveSubscription(id);
      if (subscription.status !== 'CANCELED' && subscription.status !== 'INCOMPLETE_EXPIRED') throw error;
      return subscription;
    }
  }

  async setSubscriptionDefaultPaymentMethod(
    id: string,
    paymentMethodId: string,
    idempotencyKey: string,
  ): Promise<void> {
    await this.call('subscriptions.update', () =>
      this.stripe.subscriptions.update(id, { default_payment_method: paymentMethodId }, { idempotencyKey }),
    );
  }

  async setSubscriptionTaxRates(
    id: string,
    taxRateIds: string[],
    idempotencyKey: string,
    vatDecision?: string,
  ): Promise<void> {
    // Stripe clears a list with an empty string.
    const defaultTaxRates = taxRateIds.length > 0 ? taxRateIds : '';
    const metadata = vatDecision ? { metadata: { [VAT_DECISION_METADATA_KEY]: vatDecision } } : {};
    await this.call('subscriptions.update', () =>
      this.stripe.subscriptions.update(id, { default_tax_rates: defaultTaxRates, ...metadata }, { idempotencyKey }),
    );
  }

  async setDraftInvoiceTaxRates(
    id: string,
    taxRateIds: string[],
    vatDecision: string,
    idempotencyKey: string,
  ): Promise<void> {
    const defaultTaxRates = taxRateIds.length > 0 ? taxRateIds : '';
    const metadata = { [VAT_DECISION_METADATA_KEY]: vatDecision };
    await this.call('invoices.update', () =>
      this.stripe.invoices.update(id, { default_tax_rates: defaultTaxRates, metadata }, { idempotencyKey }),
    );
  }

  invoicePaymentOutcome(id: string): Promise<PaymentOutcome> {
    return this.outcomeOfInvoice(id);
  }

  async retrieveInvoice(id: string): Promise<ProviderInvoice> {
    const invoice = await this.call('invoices.retrieve', () => this.stripe.invoices.retrieve(id));
    return toInvoice(invoice, await this.linesOf(invoice), await this.awaitingOf(invoice));
  }

  async listInvoices(customerId: string): Promise<ProviderInvoice[]> {
    const invoices = await this.call('invoices.list', () =>
      this.stripe.invoices.list({ customer: customerId, limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
    );
    return Promise.all(
      invoices.map(async (invoice) => toInvoice(invoice, await this.linesOf(invoice), await this.awaitingOf(invoice))),
    );
  }

  async payInvoice(id: string, paymentMethodId: string | null, idempotencyKey: string): Promise<PaymentOutcome> {
    try {
      const invoice = await this.call('invoices.pay', () =>
        this.stripe.invoices.pay(id, paymentMethodId ? { payment_method: paymentMethodId } : {}, { idempotencyKey }),
      );
      return invoice.status === 'paid' ? SUCCEEDED : await this.outcomeOfInvoice(id);
    } catch (error) {
      if (error instanceof PaymentRefusedError) return outcomeOfRefusal(error) ?? (await this.outcomeOfInvoice(id));
      // Stripe refuses another attempt while the bank has the invoice's debit: that debit is the outcome.
      if (error instanceof ProviderRequestError) {
        const current = await this.outcomeOfInvoice(id);
        if (current.kind === 'processing') return current;
      }
      throw error;
    }
  }

  async markInvoiceUncollectible(id: string, idempotencyKey: string): Promise<void> {
    await this.call('invoices.markUncollectible', () =>
      this.stripe.invoices.markUncollectible(id, {}, { idempotencyKey }),
    );
  }

  async voidInvoice(id: string, idempotencyKey: string): Promise<void> {
    await this.call('invoices.voidInvoice', () => this.stripe.invoices.voidInvoice(id, {}, { idempotencyKey }));
  }

  async refundInvoicePayment(
    invoiceId: string,
    refund: { amount: number | null; reason?: ProviderRefundReason; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<ProviderRefund> {
    const intent = await this.paymentIntentOfInvoice(invoiceId);
    if (!intent) throw new ProviderRequestError('The invoice was not paid by a charge: there is nothing to refund.');
    const params: Stripe.RefundCreateParams = {
      payment_intent: intent,
      metadata: refund.metadata,
      ...(refund.amount !== null && { amount: refund.amount }),
      ...(refund.reason && { reason: refund.reason }),
    };
    const created = await this.call('refunds.create', () => this.stripe.refunds.create(params, { idempotencyKey }));
    return { id: created.id, amount: created.amount };
  }

  async refundedAmountOfInvoice(invoiceId: string): Promise<number> {
    const intent = await this.paymentIntentOfInvoice(invoiceId);
    if (!intent) return 0;
    const refunds = await this.call('refunds.list', () =>
      this.stripe.refunds.list({ payment_intent: intent, limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
    );
    // A pending refund is under way: counted, so it is never made a second time.
    return refunds
      .filter((refund) => refund.status === 'succeeded' || refund.status === 'pending')
      .reduce((sum, refund) => sum + refund.amount, 0);
  }

  parseWebhook(rawBody: Buffer, signatureHeader: string): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signatureHeader, this.webhookSecret);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError)
        throw new InvalidWebhookSignatureError('The webhook signature does not verify.');
      throw new MalformedWebhookError('The webhook body is not JSON.');
    }
    if (!isStorableEvent(event, rawBody)) throw new MalformedWebhookError('The webhook body is not a Stripe event.');
    return toProviderEvent(event);
  }

  /** Since API version 2025-03-31 an invoice names its payments, not a charge: the paid one's intent. */
  private async paymentIntentOfInvoice(invoiceId: string): Promise<string | null> {
    const invoice = await this.call('invoices.retrieve', () =>
      this.stripe.invoices.retrieve(invoiceId, { expand: ['payments'] }),
    );
    const paid = invoice.payments?.data.find(
      (payment) => payment.status === 'paid' && payment.payment.type === 'payment_intent',
    );
    const intent = paid?.payment.payment_intent;
    return typeof intent === 'string' ? intent : (intent?.id ?? null);
  }

  /** The subscription's single item, whose price a plan change replaces. */
  private async itemIdOf(subscriptionId: string): Promise<string> {
    const subscription = await this.call('subscriptions.retrieve', () =>
      this.stripe.subscriptions.retrieve(subscriptionId),
    );
    const item = subscription.items.data[0];
    if (!item) throw new ProviderRequestError('The provider subscription has no item to change.');
    return item.id;
  }

  /**
   * An attempted open invoice that is not behind on a payment: its first payment waits for the customer's 3-D
   * Secure, or any payment is a debit the bank has yet to answer (SEPA, days). Asked only of open, attempted
   * invoices (two more reads).
   */
  private async awaitingOf(invoice: Stripe.Invoice): Promise<'authentication' | 'processing' | null> {
    if (invoice.status !== 'open' || invoice.attempt_count === 0) return null;
    const intent = await this.paymentIntentOfOpenInvoice(invoice.id);
    if (intent?.status === 'processing') return 'processing';
    const firstPayment = invoice.billing_reason === 'subscription_create';
    return firstPayment && intent && outcomeOfIntent(intent).kind === 'requires_action' ? 'authentication' : null;
  }

  /** Stripe embeds the first page of lines only; long invoices are read whole. */
  private async linesOf(invoice: Stripe.Invoice): Promise<Stripe.InvoiceLineItem[]> {
    if (!invoice.lines.has_more) return invoice.lines.data;
    return this.call('invoices.listLineItems', () =>
      this.stripe.invoices.listLineItems(invoice.id, { limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
    );
  }

  /**
   * How an invoice's collection stands: only an open invoice still waits for money, and its payment intent
   * (named by the confirmation secret's prefix) says whether the customer must authenticate or the charge failed.
   */
  private async outcomeOfInvoice(invoice: string | Stripe.Invoice | null): Promise<PaymentOutcome> {
    const expanded =
      typeof invoice === 'string'
        ? await this.call('invoices.retrieve', () =>
            this.stripe.invoices.retrieve(invoice, { expand: ['confirmation_secret'] }),
          )
        : invoice;
    if (!expanded || expanded.status !== 'open') return SUCCEEDED;
    const intent = await this.paymentIntentOf(expanded);
    return intent ? outcomeOfIntent(intent) : { kind: 'failed', declineCode: NO_PAYMENT_METHOD };
  }

  private async paymentIntentOfOpenInvoice(id: string): Promise<Stripe.PaymentIntent | null> {
    return this.paymentIntentOf(
      await this.call('invoices.retrieve', () =>
        this.stripe.invoices.retrieve(id, { expand: ['confirmation_secret'] }),
      ),
    );
  }

  /** The payment intent an open invoice collects with, named by its confirmation secret's prefix. */
  private async paymentIntentOf(invoice: Stripe.Invoice): Promise<Stripe.PaymentIntent | null> {
    const clientSecret = invoice.confirmation_secret?.client_secret;
    if (!clientSecret) return null;
    return this.call('paymentIntents.retrieve', () =>
      this.stripe.paymentIntents.retrieve(paymentIntentIdOf(clientSecret)),
    );
  }
}

/**
 * The fields the inbox relies on, with their shapes: an event id and type, a creation time, an object.
 * PostgreSQL's jsonb refuses the NUL character, so a body carrying one cannot be stored either.
 */
function isStorableEvent(event: Stripe.Event, rawBody: Buffer): boolean {
  const candidate = event as unknown as {
    id?: unknown;
    type?: unknown;
    created?: unknown;
    data?: { object?: unknown };
  } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.id === 'string' &&
    /^evt_\w{1,250}$/.test(candidate.id) &&
    typeof candidate.type === 'string' &&
    /^[a-z0-9_.]{1,100}$/.test(candidate.type) &&
    Number.isSafeInteger(candidate.created) &&
    (candidate.created as number) >= 0 &&
    (candidate.created as number) < 253_402_300_800 &&
    typeof candidate.data?.object === 'object' &&
    candidate.data.object !== null &&
    !rawBody.includes('\\u0000')
  );
}

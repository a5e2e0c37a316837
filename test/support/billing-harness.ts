// Drives the billing lifecycle as the web app and the browser would: GraphQL mutations with gateway
// tokens, the browser's Stripe.js steps played with the official SDK against the app's emulator, and the
// emulator's test clock for time.
import Stripe from 'stripe';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

export interface Actor {
  token: string;
  groupId?: string;
}

export class BillingHarness {
  readonly stripe: Stripe;
  /** Events raised before `watchEvents()` (the catalog mirrored before the app listened) are not awaited. */
  private eventsBefore = new Set<string>();

  constructor(readonly t: TestApp) {
    const emulator = t.app.stripeEmulator;
    if (!emulator) throw new Error('the billing harness needs the app on its Stripe emulator');
    this.stripe = new Stripe(emulator.apiKey, {
      host: emulator.host,
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  }

  get emulatorUrl(): string {
    return this.t.app.stripeEmulator!.url;
  }

  async mutate<T = any>(actor: Actor, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.t.graphql<T>(query, {
      token: actor.token,
      variables: { ...variables, ...(actor.groupId && { groupId: actor.groupId }) },
    });
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data as T;
  }

  /** Saves a payment method as the web app does: start, confirm in the "browser", complete. */
  async savePaymentMethod(actor: Actor, testMethod: string): Promise<any> {
    const { startPaymentMethodSetup: setup } = await this.mutate(
      actor,
      `mutation($groupId: ID) { startPaymentMethodSetup(groupId: $groupId) { setupIntentId clientSecret } }`,
    );
    await this.stripe.setupIntents.confirm(setup.setupIntentId, { payment_method: testMethod });
    const { completePaymentMethodSetup: result } = await this.mutate(
      actor,
      `mutation($id: ID!, $groupId: ID) { completePaymentMethodSetup(setupIntentId: $id, groupId: $groupId) {
        __typename ... on PaymentMethodSaved { paymentMethod { id type brand last4 isDefault } } ... on SetupRequiresAction { clientSecret } ... on SetupIncomplete { status } } }`,
      { id: setup.setupIntentId },
    );
    return result;
  }

  /** Saves a SEPA Direct Debit mandate as the web app does: the IBAN and the acceptance go to Stripe.js. */
  async saveSepaDebit(actor: Actor, iban: string): Promise<any> {
    const { startPaymentMethodSetup: setup } = await this.mutate(
      actor,
      `mutation { startPaymentMethodSetup(type: SEPA_DEBIT) { setupIntentId } }`,
    );
    await this.stripe.setupIntents.confirm(setup.setupIntentId, {
      payment_method_data: {
        type: 'sepa_debit',
        sepa_debit: { iban },
        billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
      mandate_data: {
        customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' } },
      },
    });
    const { completePaymentMethodSetup: result } = await this.mutate(
      actor,
      `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) {
        __typename ... on PaymentMethodSaved { paymentMethod { id type last4 isDefault } } } }`,
      { id: setup.setupIntentId },
    );
    return result;
  }

  /** The customer passes (or fails) the bank's 3-D Secure challenge for the intent behind this client secret. */
  async authenticate(clientSecret: string, result: 'succeed' | 'fail' = 'succeed'): Promise<void> {
    const res = await fetch(`${this.emulatorUrl}/_emulator/authenticate/${clientSecret.split('_secret_')[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ result }),
    });
    if (!res.ok) throw new Error(`authentication failed: ${await res.text()}`);
  }

  async subscribe(actor: Actor, planId: string, interval = 'MONTH'): Promise<any> {
    const { subscribe } = await this.mutate(
      actor,
      `mutation($planId: ID!, $interval: BillingInterval!, $groupId: ID) { subscribe(planId: $planId, interval: $interval, groupId: $groupId) {
        __typename
        ... on Subscribed { subscription { id status version plan { id } } }
        ... on PaymentRequiresAction { clientSecret pendingSubscription { id status } }
        ... on PaymentFailed { code declineCode }
        ... on BillingError { code message } } }`,
      { planId, interval },
    );
    return subscribe;
  }

  /** Changes the user's live subscription at the version it has now; the mutation's result type. */
  async changePlan(actor: Actor, userId: string, planId: string, interval = 'MONTH'): Promise<string> {
    const { version } = await this.t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId } } });
    const { changePlan } = await this.mutate(
      actor,
      `mutation($planId: ID!, $interval: BillingInterval!, $v: Int!) {
        changePlan(planId: $planId, interval: $interval, expectedVersion: $v) { __typename } }`,
      { planId, interval, v: version },
    );
    return changePlan.__typename;
  }

  /** The user's documents, newest first, with `fields` of each (`query` selects them on `Invoice`). */
  async documents(actor: Actor, userId: string, fields: string): Promise<any[]> {
    const res = await this.t.graphql<any>(
      `query($user: ID!) { billingProfile(owner: { userId: $user }) { invoices(first: 20) { edges { node { ${fields} } } } } }`,
      { token: actor.token, variables: { user: userId } },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile.invoices.edges.map((edge: any) => edge.node);
  }

  async profile(actor: Actor, ownerArg: string): Promise<any> {
    const res = await this.t.graphql<any>(
      `{ billingProfile(owner: ${ownerArg}) {
      unpaidInvoice plan { id } entitlements { driveStorage basis graceEndsAt }
      subscription { id status version cancelAtPeriodEnd currentPeriodEnd plan { id } }
      paymentMethods { id type brand last4 isDefault }
      invoices(first: 20) { edges { node { id kind number correctsInvoiceNumber status total { amount currency } amountDue { amount } lines { description amount { amount } proration } } } }
    } }`,
      { token: actor.token },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile;
  }

  async providerCustomerId(ownerWhere: { userId: string } | { groupId: string }): Promise<string> {
    const row = await this.t.db.prisma.customer.findFirstOrThrow({ where: ownerWhere });
    if (!row.providerCustomerId) throw new Error('no provider customer yet');
    return row.providerCustomerId;
  }

  /** A test clock the customer's subscriptions will then follow. */
  async putOnTestClock(providerCustomerId: string, start: Date): Promise<string> {
    const clock = await this.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(start.getTime() / 1000) });
    const res = await fetch(`${this.emulatorUrl}/_emulator/customers/${providerCustomerId}/test_clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ test_clock: clock.id }),
    });
    if (!res.ok) throw new Error(`could not put the customer on the clock: ${await res.text()}`);
    return clock.id;
  }

  async advance(clockId: string, to: Date): Promise<void> {
    await this.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: Math.floor(to.getTime() / 1000) });
  }

  /** Marks where waiting starts: events raised so far are not expected to reach the app. */
  async watchEvents(): Promise<void> {
    this.eventsBefore = new Set(
      (await this.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map((event) => event.id),
    );
  }

  async webhookDeliveries(): Promise<
    { event_id: string; type: string; url: string; attempt: number; status: number | null; error: string | null }[]
  > {
    return ((await (await fetch(`${this.emulatorUrl}/_emulator/webhook_deliveries`)).json()) as { data: any[] }).data;
  }

  /**
   * Waits until the emulator has tried to deliver every event raised since `watchEvents()` to the app, and
   * the app has processed every event its inbox holds: the state after the flurry, nothing left in flight.
   */
  async settled(timeoutMs = 20_000): Promise<void> {
    const endpoint = `${this.t.url}/webhooks/stripe`;
    await eventually(
      async () => {
        const events = await this.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
        const attempted = new Set(
          (await this.webhookDeliveries()).filter((d) => d.url === endpoint).map((d) => d.event_id),
        );
        const undelivered = events
          .filter((event) => !this.eventsBefore.has(event.id) && !attempted.has(event.id))
          .map((event) => event.type);
        const unprocessed = await this.t.db.prisma.providerEvent.findMany({
          where: { processedAt: null },
          select: { type: true, lastError: true },
        });
        return { undelivered, unprocessed };
      },
      ({ undelivered, unprocessed }) => undelivered.length === 0 && unprocessed.length === 0,
      timeoutMs,
    );
  }

  async requestLog(): Promise<{ method: string; path: string; params: unknown }[]> {
    return ((await (await fetch(`${this.emulatorUrl}/_emulator/requests`)).json()) as { data: any[] }).data;
  }
}

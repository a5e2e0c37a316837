import { CustomerRepository } from '../../src/billing/customers/customer-repository';
import { DEFAULT_PLAN_CATALOG } from '../../src/billing/plans/plan-catalog';
import { PlanRepository } from '../../src/billing/plans/plan-repository';
import { PlanService } from '../../src/billing/plans/plan-service';
import { PaymentMethodRepository } from '../../src/billing/payment-methods/payment-method-repository';
import type { PaymentProvider, ProviderPaymentMethod } from '../../src/billing/ports/payment-provider';
import { PaymentMethodSynchronizer } from '../../src/billing/sync/payment-method-synchronizer';
import { customerFor } from '../support/factories';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/test-database';

const card = (id: string): ProviderPaymentMethod => ({
  id,
  customerId: 'cus_sync',
  type: 'CARD',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
  country: 'FR',
  bankCode: null,
  payerEmail: null,
});

describeEachDatabase('a default payment method chosen while a sync runs (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await new PlanService(new PlanRepository(db.prisma), { ttlMs: 0 }).seedCatalog(DEFAULT_PLAN_CATALOG);
  });
  afterAll(() => db.close());

  it('is not overwritten by the older default that sync read from the provider before the change', async () => {
    // The webhook's sync reads the provider's default (still the first card) and is held there; meanwhile the
    // customer makes the second card the default, at the provider and then in our rows.
    let providerDefault = 'pm_first';
    let hold: { started: () => void; released: Promise<void> } | null = null;
    const provider = {
      listPaymentMethods: async () => [card('pm_first'), card('pm_second')],
      retrieveCustomer: async () => {
        const read = providerDefault;
        if (hold) {
          hold.started();
          await hold.released;
        }
        return { deleted: false, defaultPaymentMethodId: read };
      },
    } as unknown as PaymentProvider;
    const customers = new CustomerRepository(db.prisma);
    const paymentMethods = new PaymentMethodRepository(db.prisma);
    const sync = new PaymentMethodSynchronizer(provider, { customers, paymentMethods }, db.locks);
    const row = await customerFor(db.prisma, { userId: 'sync' }, { providerCustomerId: 'cus_sync' });
    const customer = (await customers.findById(row.id))!;
    await sync.paymentMethods(customer);
    const second = (await paymentMethods.findByProviderId('pm_second'))!;
    expect(second.isDefault).toBe(false);

    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      hold = { started: resolve, released: new Promise<void>((done) => (release = done)) };
    });
    const stale = sync.paymentMethods(customer);
    await started;
    providerDefault = 'pm_second';
    const chosen = sync.recordDefault(customer.id, second.id);
    release();
    await Promise.all([stale, chosen]);

    const methods = await paymentMethods.findByCustomerIds([customer.id]);
    expect(methods.filter((method) => method.isDefault).map((method) => method.providerPaymentMethodId)).toEqual([
      'pm_second',
    ]);
  });
});

import type { Customer } from '../customers/customer.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';
import type { PlanService } from '../plans/plan-service.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import {
  freePlanEntitlements,
  resolveEntitlements,
  type EffectiveEntitlements,
} from '../entitlements/entitlement-policy.ts';

/**
 * Writes a customer's denormalized payment state (entitlements and the unpaid flag) from its rows:
 * run after every change of subscription or invoice, and when a grace period ends.
 */
export class PaymentStateService {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly invoices: InvoiceRepository,
    private readonly plans: PlanService,
    private readonly gracePeriodDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async freeEntitlements(): Promise<EffectiveEntitlements> {
    return freePlanEntitlements((await this.plans.catalog()).defaultPlan);
  }

  async refresh(customerId: string): Promise<Customer> {
    const now = this.now();
    const [subscription, catalog, exceptions] = await Promise.all([
      this.subscriptions.findLive(customerId),
      this.plans.catalog(),
      this.customers.findAdminExceptions(customerId),
    ]);
    const unpaid = await this.invoices.hasUnpaid(customerId, now, subscription?.pendingProviderInvoiceId ?? null);
    const plan = subscription ? catalog.byId.get(subscription.planId) : undefined;
    const grantedPlan = exceptions.grantedPlanId ? catalog.byId.get(exceptions.grantedPlanId) : undefined;
    const entitlements = resolveEntitlements(
      subscription && plan ? { status: subscription.status, plan, pastDueSince: subscription.pastDueSince } : null,
      catalog.defaultPlan,
      now,
      this.gracePeriodDays,
      {
        graceExtendedUntil: exceptions.graceExtendedUntil,
        grant: grantedPlan && exceptions.grantedUntil ? { plan: grantedPlan, until: exceptions.grantedUntil } : null,
      },
    );
    return this.customers.updatePaymentState(customerId, entitlements, unpaid);
  }

  /** The sweep for grace periods and plan grants that ended since the last run; returns how many customers it moved. */
  async expireGracePeriods(): Promise<number> {
    const ended = await this.customers.findGracePeriodsEndedBy(this.now());
    for (const customer of ended) await this.refresh(customer.id);
    return ended.length;
  }
}

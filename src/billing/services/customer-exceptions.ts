// What an admin may grant a customer beyond its payments: more time to pay, or a plan without payment
// until a date (staff, partners). Both are stored on the customer and applied by the entitlement policy,
// so every later payment change keeps them in force until they end.
import type { Customer } from '../customers/customer.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { PaymentStateService } from '../sync/payment-state-service.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { PlanService } from '../plans/plan-service.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { CustomerService } from './customer-service.ts';

export type ExtendGraceOutcome = { kind: 'grace_extended'; customer: Customer } | { kind: 'no_payment_failure' };
export type GrantPlanOutcome = { kind: 'plan_granted'; customer: Customer } | { kind: 'plan_archived' };

const DAY_MS = 86_400_000;
const MAX_GRACE_EXTENSION_DAYS = 90;
const MAX_GRANT_DAYS = 5 * 366;

export class CustomerExceptions {
  constructor(
    private readonly deps: {
      customers: CustomerService;
      customerRows: CustomerRepository;
      subscriptions: SubscriptionRepository;
      plans: PlanService;
      paymentState: PaymentStateService;
      now?: () => Date;
    },
  ) {}

  /** Only while a payment is failing (past due); the grace period then lasts until `until`. */
  async extendGracePeriod(owner: BillingOwner, until: Date): Promise<ExtendGraceOutcome> {
    this.checkFuture(until, MAX_GRACE_EXTENSION_DAYS, 'until');
    const customer = await this.deps.customers.require(owner);
    const subscription = await this.deps.subscriptions.findLive(customer.id);
    if (subscription?.status !== 'PAST_DUE') return { kind: 'no_payment_failure' };
    if (customer.graceEndsAt && until <= customer.graceEndsAt) {
      throw invalidInput('`until` must be after the grace period’s current end', 'until');
    }
    await this.deps.customerRows.setAdminExceptions(customer.id, { graceExtendedUntil: until });
    return { kind: 'grace_extended', customer: await this.deps.paymentState.refresh(customer.id) };
  }

  /** The plan's entitlements without payment until `until`, whenever no paid subscription gives more. */
  async grantPlan(owner: BillingOwner, planId: string, until: Date): Promise<GrantPlanOutcome> {
    this.checkFuture(until, MAX_GRANT_DAYS, 'until');
    const plan = (await this.deps.plans.catalog()).byId.get(planId);
    if (!plan) throw notFound('plan');
    if (plan.isDefault) throw invalidInput('the free plan needs no grant', 'planId');
    if (!plan.active) return { kind: 'plan_archived' };
    const customer = await this.deps.customers.ensure(owner);
    await this.deps.customerRows.setAdminExceptions(customer.id, { grantedPlanId: plan.id, grantedUntil: until });
    return { kind: 'plan_granted', customer: await this.deps.paymentState.refresh(customer.id) };
  }

  private checkFuture(until: Date, maxDays: number, field: string): void {
    const now = (this.deps.now ?? (() => new Date()))().getTime();
    if (until.getTime() <= now) throw invalidInput(`\`${field}\` must be in the future`, field);
    if (until.getTime() > now + maxDays * DAY_MS)
      throw invalidInput(`\`${field}\` must be within ${maxDays} days`, field);
  }
}

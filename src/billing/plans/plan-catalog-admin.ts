// Admins manage the plan catalog; every change is mirrored to the provider. A new price is mirrored
// before it is stored (its id is made here and is the provider price's lookup key), so a provider
// failure leaves the catalog as it was and the admin may simply try again.
import { createHash, randomUUID } from 'node:crypto';
import type { Plan, PlanPrice } from './plan.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { BillingInterval } from '../money.ts';
import type { CatalogPrice } from './plan-catalog.ts';
import { isUniqueViolation, type PlanChanges, type PlanRepository } from './plan-repository.ts';
import type { PlanService } from './plan-service.ts';

export type CatalogRefusal = {
  kind: 'refused';
  code: 'PLAN_EXISTS' | 'DEFAULT_PLAN' | 'PLAN_ARCHIVED' | 'CONFLICT';
  message: string;
};
export type PlanSaved = { kind: 'plan_saved'; plan: Plan };
export type PriceSet = {
  kind: 'price_set';
  plan: Plan;
  price: PlanPrice;
  previous: PlanPrice | null;
  subscribersOnPreviousPrice: number;
};

export interface NewPlanInput {
  id: string;
  name: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  prices: CatalogPrice[];
}

const PLAN_ID = /^[a-z0-9-]{1,40}$/;
const CURRENCY = /^[A-Z]{3}$/;

export class PlanCatalogAdmin {
  constructor(
    private readonly plans: PlanRepository,
    private readonly catalog: PlanService,
    private readonly provider: PaymentProvider,
  ) {}

  async createPlan(input: NewPlanInput): Promise<PlanSaved | CatalogRefusal> {
    if (!PLAN_ID.test(input.id)) throw invalidInput('`id` must be 1 to 40 lower-case letters, digits or dashes', 'id');
    checkLimits(input);
    input.prices.forEach(checkPrice);
    const keys = new Set(input.prices.map((p) => `${p.interval}:${p.currency}`));
    if (keys.size !== input.prices.length) throw invalidInput('one price per interval and currency', 'prices');
    if (await this.plans.findById(input.id)) return planExists(input.id);
    const prices = [];
    for (const price of input.prices) {
      const id = randomUUID();
      prices.push({
        ...price,
        id,
        providerPriceId: await this.provider.ensurePrice(
          { id: input.id, name: input.name },
          { id, ...price },
          `price:${id}`,
        ),
      });
    }
    try {
      const plan = await this.plans.create({ ...input, prices });
      this.catalog.invalidateCatalog();
      return { kind: 'plan_saved', plan };
    } catch (error) {
      if (isUniqueViolation(error)) return planExists(input.id);
      throw error;
    }
  }

  /** Customers whose entitlements come from the plan get the new limits at once. */
  async updatePlan(id: string, changes: PlanChanges): Promise<PlanSaved | CatalogRefusal> {
    checkLimits(changes);
    await this.requirePlan(id);
    const plan = await this.plans.update(id, changes);
    this.catalog.invalidateCatalog();
    await this.syncProduct(plan);
    return { kind: 'plan_saved', plan };
  }

  /**
   * A new price for new subscriptions; the provider's prices are immutable, so it is a new provider price.
   * Subscriptions sold at the previous price keep it until they change plan.
   */
  async setPlanPrice(planId: string, price: CatalogPrice): Promise<PriceSet | CatalogRefusal> {
    checkPrice(price);
    const plan = await this.requirePlan(planId);
    if (!plan.active)
      return { kind: 'refused', code: 'PLAN_ARCHIVED', message: 'This plan is archived: it is not sold any more.' };
    if (plan.isDefault) return { kind: 'refused', code: 'DEFAULT_PLAN', message: 'The free plan has no price.' };
    const current = (await this.catalog.catalog()).pricesByPlanId
      .get(planId)
      ?.find((p) => p.interval === price.interval && p.currency === price.currency);
    if (current && current.amount === price.amount && current.providerPriceId) {
      return { kind: 'price_set', plan, price: current, previous: null, subscribersOnPreviousPrice: 0 };
    }
    const id = randomUUID();
    const providerPriceId = await this.provider.ensurePrice(
      { id: plan.id, name: plan.name },
      { id, ...price },
      `price:${id}`,
    );
    try {
      const replaced = await this.plans.replacePrice(planId, { ...price, id, providerPriceId });
      this.catalog.invalidateCatalog();
      const subscribersOnPreviousPrice = replaced.previous
        ? await this.plans.countLiveSubscriptionsOnPrice(replaced.previous.id)
        : 0;
      return { kind: 'price_set', plan, ...replaced, subscribersOnPreviousPrice };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return {
        kind: 'refused',
        code: 'CONFLICT',
        message: 'Another price was set at the same time: read the plan again.',
      };
    }
  }

  /** No new subscriptions; existing ones continue, at the provider too. */
  async archivePlan(id: string): Promise<PlanSaved | CatalogRefusal> {
    const existing = await this.requirePlan(id);
    if (existing.isDefault)
      return {
        kind: 'refused',
        code: 'DEFAULT_PLAN',
        message: 'The free plan every owner starts on cannot be archived.',
      };
    const plan = existing.active ? await this.plans.archive(id) : existing;
    this.catalog.invalidateCatalog();
    await this.syncProduct(plan);
    return { kind: 'plan_saved', plan };
  }

  private async requirePlan(id: string): Promise<Plan> {
    const plan = await this.plans.findById(id);
    if (!plan) throw notFound('plan');
    return plan;
  }

  private syncProduct(plan: Plan): Promise<void> {
    // The key names the state wanted, so a retry of the same change is the same request.
    const state = createHash('sha256').update(`${plan.name}|${plan.active}`).digest('base64url').slice(0, 22);
    return this.provider.syncPlanProduct(
      { id: plan.id, name: plan.name, active: plan.active },
      `plan:${plan.id}:product:${state}`,
    );
  }
}

function planExists(id: string): CatalogRefusal {
  return { kind: 'refused', code: 'PLAN_EXISTS', message: `A plan with the id "${id}" already exists.` };
}

function checkLimits(limits: { name?: string; driveStorageBytes?: bigint; parallelDownloads?: number }): void {
  if (limits.name !== undefined && (!limits.name.trim() || limits.name.length > 100))
    throw invalidInput('`name` must be 1 to 100 characters', 'name');
  if (limits.driveStorageBytes !== undefined && limits.driveStorageBytes <= 0n)
    throw invalidInput('`driveStorage` must be positive', 'driveStorage');
  if (
    limits.parallelDownloads !== undefined &&
    (!Number.isInteger(limits.parallelDownloads) || limits.parallelDownloads < 1 || limits.parallelDownloads > 1000)
  ) {
    throw invalidInput('`parallelDownloads` must be between 1 and 1000', 'parallelDownloads');
  }
}

function checkPrice(price: { interval: BillingInterval; amount: number; currency: string }): void {
  if (!Number.isInteger(price.amount) || price.amount < 1 || price.amount > 99_999_999)
    throw invalidInput('`amount` must be a positive number of minor units', 'amount');
  if (!CURRENCY.test(price.currency))
    throw invalidInput('`currency` must be an ISO 4217 code in upper case', 'currency');
}

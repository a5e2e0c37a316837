// The channels the database triggers NOTIFY on (see the cache_invalidation migration), and the wiring
// that keeps each replica's caches in step with them.
import type { NotificationListener } from '../db/notifications.ts';
import type { CustomerCache } from './customers/customer-cache.ts';
import type { CustomerProjection } from './customers/customer-projection.ts';
import type { PlanService } from './plans/plan-service.ts';

export const CUSTOMER_CHANGED = 'billing_customer_changed';
export const PLAN_CATALOG_CHANGED = 'billing_plan_catalog_changed';

export async function keepCachesInStep(
  notifications: NotificationListener,
  caches: { customers: CustomerCache; projection: CustomerProjection; plans: PlanService },
): Promise<void> {
  await notifications.listen(CUSTOMER_CHANGED, {
    // The payload is the changed row's owner key (`user:<id>` or `group:<id>`).
    onNotification: (ownerKey) => {
      caches.customers.invalidate(ownerKey);
      caches.projection.changed(ownerKey);
    },
    onGap: () => {
      caches.customers.clear();
      caches.projection.reset();
    },
  });
  await notifications.listen(PLAN_CATALOG_CHANGED, {
    onNotification: () => caches.plans.invalidateCatalog(),
    onGap: () => caches.plans.invalidateCatalog(),
  });
}

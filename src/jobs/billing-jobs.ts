// The billing service's scheduled work: the reconciliation sweep (repairs what a lost webhook left
// behind), another chance for stored events that were never processed, and the end of grace periods (entitlements fall back to the free plan on time, not at the next
// event). Both are safe to run on several replicas: each tick is claimed once, and both only re-derive
// state from the provider and our rows.
import type { Logger } from 'pino';
import type { CustomerRepository } from '../billing/customers/customer-repository.ts';
import type { PaymentStateService } from '../billing/sync/payment-state-service.ts';
import type { CustomerReconciliation } from '../billing/sync/customer-reconciliation.ts';
import type { JobQueue } from './job-queue.ts';

export const RECONCILIATION_JOB = 'reconcile-customers';
export const GRACE_EXPIRY_JOB = 'expire-grace-periods';
export const STALLED_EVENTS_JOB = 'resend-stalled-provider-events';
/** Older than every retry of a provider-event job (about 3 hours at most), with margin. */
const STALLED_AFTER_MS = 4 * 3_600_000;
const RECONCILIATION_PAGE = 100;

export interface BillingJobSchedules {
  reconciliationCron: string;
  graceExpiryCron: string;
}

export interface BillingJobDependencies {
  customers: CustomerRepository;
  /** Gives stored events received before the date, never processed, another job; how many. */
  resendStalledEvents: (receivedBefore: Date) => Promise<number>;
  reconciliation: CustomerReconciliation;
  paymentState: PaymentStateService;
  logger: Logger;
}

/** Every customer known to the provider, page by page; one customer's failure does not stop the sweep. */
export async function reconcileAllCustomers({
  customers,
  reconciliation,
  logger,
}: Pick<BillingJobDependencies, 'customers' | 'reconciliation' | 'logger'>): Promise<{
  reconciled: number;
  failed: number;
}> {
  let after: string | null = null;
  let reconciled = 0;
  let failed = 0;
  for (;;) {
    const page = await customers.findWithProviderCustomer(after, RECONCILIATION_PAGE);
    for (const customer of page) {
      try {
        await reconciliation.reconcile(customer);
        reconciled++;
      } catch (error) {
        failed++;
        logger.error({ err: error, customerId: customer.id }, 'reconciliation of a customer failed');
      }
    }
    if (page.length < RECONCILIATION_PAGE) return { reconciled, failed };
    after = page[page.length - 1]!.id;
  }
}

export async function registerBillingJobs(
  queue: JobQueue,
  deps: BillingJobDependencies,
  schedules: BillingJobSchedules | null,
): Promise<void> {
  await queue.work(RECONCILIATION_JOB, async () => {
    const result = await reconcileAllCustomers(deps);
    deps.logger.info(result, 'reconciliation sweep done');
  });
  await queue.work(GRACE_EXPIRY_JOB, async () => {
    const moved = await deps.paymentState.expireGracePeriods();
    if (moved > 0) deps.logger.info({ customers: moved }, 'grace periods ended');
  });
  await queue.work(STALLED_EVENTS_JOB, async () => {
    const resent = await deps.resendStalledEvents(new Date(Date.now() - STALLED_AFTER_MS));
    if (resent > 0) deps.logger.warn({ events: resent }, 'provider events sent again for processing');
  });
  if (!schedules) return;
  await queue.schedule(RECONCILIATION_JOB, schedules.reconciliationCron);
  await queue.schedule(STALLED_EVENTS_JOB, '41 * * * *');
  await queue.schedule(GRACE_EXPIRY_JOB, schedules.graceExpiryCron);
}

// One money operation at a time per customer, across every replica: each mutation that moves money or
// provider state runs under the customer's database lock and is recorded as a durable intent first. The
// intent's id is the provider idempotency key, so a key is never derived from state read outside the lock.
import { LockTimeoutError, type DatabaseLocks } from '../../db/database-locks.ts';
import { BillingDomainError } from '../errors.ts';
import { ProviderCustomerMissingError } from '../ports/payment-provider.ts';
import type { BillingOperationKind, BillingOperationRepository } from './billing-operation-repository.ts';

export interface RunningOperation {
  /** The intent's id: the idempotency key of the provider writes it makes. */
  id: string;
  /**
   * The customer's previous operation of this kind did not finish well (crashed, or failed with the
   * provider's outcome unknown): the provider may hold something it made that we never recorded.
   */
  previousUnsettled: boolean;
}

export const customerLockKey = (customerId: string) => `customer:${customerId}`;

export class BillingOperations {
  /**
   * `repairCustomer`: reconciles a customer whose provider customer the provider no longer has (deleted there
   * while its webhook was lost or not yet processed), so that the client's next try makes a new one.
   */
  constructor(
    private readonly locks: DatabaseLocks,
    private readonly operations: BillingOperationRepository,
    private readonly repairCustomer: (customerId: string) => Promise<void> = async () => undefined,
  ) {}

  async run<T>(
    customerId: string,
    kind: BillingOperationKind,
    work: (operation: RunningOperation) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.locks.withLock(customerLockKey(customerId), async () => {
        const started = await this.operations.start(customerId, kind);
        const previous = await this.operations.latest(customerId, kind, started.id);
        try {
          const result = await work({
            id: started.id,
            previousUnsettled: previous !== null && previous.status !== 'SUCCEEDED',
          });
          await this.operations.finish(started.id, 'SUCCEEDED');
          return result;
        } catch (error) {
          await this.operations.finish(started.id, 'FAILED', error instanceof Error ? error.message : String(error));
          if (!(error instanceof ProviderCustomerMissingError)) throw error;
          // Under the lock already held (locks are re-entrant): nothing else of the customer runs meanwhile.
          await this.repairCustomer(customerId);
          throw new BillingDomainError(
            'PROVIDER_UNAVAILABLE',
            'The payment account was closed at the payment provider and has been reset: try again.',
          );
        }
      });
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        throw new BillingDomainError(
          'OPERATION_IN_PROGRESS',
          'another billing operation of this account is still in progress; try again shortly',
        );
      }
      throw error;
    }
  }
}

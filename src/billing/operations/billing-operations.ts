// One money operation at a time per customer, across every replica: each mutation that moves money or
// provider state runs under the customer's database lock and is recorded as a durable intent first. The
// intent's id is the provider idempotency key, so a key is never derived from state read outside the lock.
import { LockTimeoutError, type DatabaseLocks } from '../../db/database-locks.ts';
import { BillingDomainError } from '../errors.ts';
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
  constructor(
    private readonly locks: DatabaseLocks,
    private readonly operations: BillingOperationRepository,
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
          throw error;
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

import type { BillingOwner } from '../billing-owner.ts';

/** One admin or service mutation, as the audit log keeps it. */
export interface AuditEntry {
  /** The log's order, and its cursor. */
  sequence: bigint;
  occurredAt: Date;
  actor: { sub: string; roles: readonly string[] };
  /** The mutation's name (`createPlan`, `closeCustomer`, ...). */
  operation: string;
  /** Its arguments, redacted. */
  arguments: unknown;
  targetOwner: BillingOwner | null;
  /** `OK`, a business outcome's code (`PAYMENT_FAILED`) or an error's (`FORBIDDEN`). */
  outcome: string;
  requestId: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'sequence' | 'occurredAt'>;

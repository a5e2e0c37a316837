import type { CustomerRecord } from '../../db/prisma-types.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { CustomerRepository } from './customer-repository.ts';

export class CustomerService {
  constructor(private readonly customers: CustomerRepository) {}

  findById(id: string): Promise<CustomerRecord | null> {
    return this.customers.findById(id);
  }
}

/** The owner a customer row belongs to; the database guarantees exactly one of the two ids. */
export function ownerOf(customer: Pick<CustomerRecord, 'userId' | 'groupId'>): BillingOwner {
  if (customer.userId) return { kind: 'user', id: customer.userId };
  if (customer.groupId) return { kind: 'group', id: customer.groupId };
  throw new Error('customer row without an owner');
}

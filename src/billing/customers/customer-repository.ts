import type { CustomerRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { BillingOwner } from '../billing-owner.ts';

export class CustomerRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One query for any mix of user and group owners: the loaders' batch read. */
  findManyByOwners(owners: readonly BillingOwner[]): Promise<CustomerRecord[]> {
    const userIds = owners.filter((o) => o.kind === 'user').map((o) => o.id);
    const groupIds = owners.filter((o) => o.kind === 'group').map((o) => o.id);
    const where =
      groupIds.length === 0
        ? { userId: { in: userIds } }
        : userIds.length === 0
          ? { groupId: { in: groupIds } }
          : { OR: [{ userId: { in: userIds } }, { groupId: { in: groupIds } }] };
    return this.prisma.customer.findMany({ where });
  }

  findById(id: string): Promise<CustomerRecord | null> {
    return this.prisma.customer.findUnique({ where: { id } });
  }
}

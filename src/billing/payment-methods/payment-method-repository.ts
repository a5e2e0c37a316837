import type { PaymentMethodRecord, PrismaClient } from '../../db/prisma-types.ts';

export class PaymentMethodRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByCustomerIds(customerIds: readonly string[]): Promise<PaymentMethodRecord[]> {
    return this.prisma.paymentMethod.findMany({
      where: { customerId: { in: [...customerIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }
}

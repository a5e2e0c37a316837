import type { PaymentMethodRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { ProviderPaymentMethod } from '../ports/payment-provider.ts';

export class PaymentMethodRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByCustomerIds(customerIds: readonly string[]): Promise<PaymentMethodRecord[]> {
    return this.prisma.paymentMethod.findMany({
      where: { customerId: { in: [...customerIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  findById(id: string): Promise<PaymentMethodRecord | null> {
    return this.prisma.paymentMethod.findUnique({ where: { id } });
  }

  findByProviderId(providerPaymentMethodId: string): Promise<PaymentMethodRecord | null> {
    return this.prisma.paymentMethod.findUnique({ where: { providerPaymentMethodId } });
  }

  /** Display data only, keyed by the provider's id; the first method of a customer becomes its default. */
  async upsert(customerId: string, method: ProviderPaymentMethod): Promise<PaymentMethodRecord> {
    const display = {
      type: method.type,
      brand: method.brand,
      last4: method.last4,
      expMonth: method.expMonth,
      expYear: method.expYear,
      country: method.country,
      bankCode: method.bankCode,
      payerEmail: method.payerEmail,
    };
    return this.prisma.$transaction(async (tx) => {
      const hasDefault = (await tx.paymentMethod.count({ where: { customerId, isDefault: true } })) > 0;
      return tx.paymentMethod.upsert({
        where: { providerPaymentMethodId: method.id },
        create: { customerId, providerPaymentMethodId: method.id, isDefault: !hasDefault, ...display },
        update: display,
      });
    });
  }

  /** Removes the rows of methods the provider no longer has for this customer. */
  async removeAllExcept(customerId: string, keptProviderIds: string[]): Promise<void> {
    await this.prisma.paymentMethod.deleteMany({ where: { customerId, providerPaymentMethodId: { notIn: keptProviderIds } } });
  }

  async makeDefault(customerId: string, id: string): Promise<PaymentMethodRecord> {
    return this.prisma.$transaction(async (tx) => {
      await tx.paymentMethod.updateMany({ where: { customerId, isDefault: true, NOT: { id } }, data: { isDefault: false } });
      return tx.paymentMethod.update({ where: { id }, data: { isDefault: true } });
    });
  }

  /** When the customer has methods but no default (the default was removed): the oldest takes its place. */
  async promoteOldestToDefault(customerId: string): Promise<PaymentMethodRecord | null> {
    if ((await this.prisma.paymentMethod.count({ where: { customerId, isDefault: true } })) > 0) return null;
    const oldest = await this.prisma.paymentMethod.findFirst({ where: { customerId }, orderBy: { createdAt: 'asc' } });
    return oldest ? this.makeDefault(customerId, oldest.id) : null;
  }
}

import type { PaymentMethodRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { ProviderPaymentMethod } from '../ports/payment-provider.ts';
import type { PaymentMethod } from './payment-method.ts';

export class PaymentMethodRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByCustomerIds(customerIds: readonly string[]): Promise<PaymentMethod[]> {
    const rows = await this.prisma.paymentMethod.findMany({
      where: { customerId: { in: [...customerIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(paymentMethodFromRow);
  }

  async findById(id: string): Promise<PaymentMethod | null> {
    return nullable(await this.prisma.paymentMethod.findUnique({ where: { id } }));
  }

  async findByProviderId(providerPaymentMethodId: string): Promise<PaymentMethod | null> {
    return nullable(await this.prisma.paymentMethod.findUnique({ where: { providerPaymentMethodId } }));
  }

  /** Display data only, keyed by the provider's id; the first method of a customer becomes its default. */
  async upsert(customerId: string, method: ProviderPaymentMethod): Promise<PaymentMethod> {
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
    const row = await this.prisma.$transaction(async (tx) => {
      const hasDefault = (await tx.paymentMethod.count({ where: { customerId, isDefault: true } })) > 0;
      return tx.paymentMethod.upsert({
        where: { providerPaymentMethodId: method.id },
        create: { customerId, providerPaymentMethodId: method.id, isDefault: !hasDefault, ...display },
        update: display,
      });
    });
    return paymentMethodFromRow(row);
  }

  /** Removes the rows of methods the provider no longer has for this customer. */
  async removeAllExcept(customerId: string, keptProviderIds: string[]): Promise<void> {
    await this.prisma.paymentMethod.deleteMany({
      where: { customerId, providerPaymentMethodId: { notIn: keptProviderIds } },
    });
  }

  async makeDefault(customerId: string, id: string): Promise<PaymentMethod> {
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.paymentMethod.updateMany({
        where: { customerId, isDefault: true, NOT: { id } },
        data: { isDefault: false },
      });
      return tx.paymentMethod.update({ where: { id }, data: { isDefault: true } });
    });
    return paymentMethodFromRow(row);
  }

  /** When the customer has methods but no default (the default was removed): the oldest takes its place. */
  async promoteOldestToDefault(customerId: string): Promise<PaymentMethod | null> {
    if ((await this.prisma.paymentMethod.count({ where: { customerId, isDefault: true } })) > 0) return null;
    const oldest = await this.prisma.paymentMethod.findFirst({ where: { customerId }, orderBy: { createdAt: 'asc' } });
    return oldest ? this.makeDefault(customerId, oldest.id) : null;
  }
}

const nullable = (row: PaymentMethodRecord | null) => row && paymentMethodFromRow(row);

/** The row in the domain's terms: the one place that knows the columns. */
export function paymentMethodFromRow(row: PaymentMethodRecord): PaymentMethod {
  return {
    id: row.id,
    customerId: row.customerId,
    providerPaymentMethodId: row.providerPaymentMethodId,
    type: row.type,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.expMonth,
    expYear: row.expYear,
    country: row.country,
    bankCode: row.bankCode,
    payerEmail: row.payerEmail,
    isDefault: row.isDefault,
    createdAt: row.createdAt,
  };
}

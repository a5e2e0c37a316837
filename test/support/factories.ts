// Small factories: each test builds the rows it needs, with defaults it can override.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/db/prisma-types';
import type { Prisma } from '../../src/generated/prisma/client';

let sequence = 0;
const next = () => ++sequence;

export function customerFor(
  prisma: PrismaClient,
  owner: { userId: string } | { groupId: string },
  fields: Partial<Prisma.CustomerUncheckedCreateInput> = {},
) {
  return prisma.customer.create({
    data: { planId: 'free', driveStorageBytes: 100_000_000n, parallelDownloads: 4, ...owner, ...fields },
  });
}

export async function subscriptionFor(
  prisma: PrismaClient,
  customerId: string,
  fields: Partial<Prisma.SubscriptionUncheckedCreateInput> & { planId: string; interval?: 'MONTH' | 'YEAR' },
) {
  const { interval = 'MONTH', ...rest } = fields;
  const price = await prisma.planPrice.findFirstOrThrow({ where: { planId: fields.planId, interval } });
  return prisma.subscription.create({
    data: {
      customerId,
      priceId: price.id,
      providerSubscriptionId: `sub_test_${next()}`,
      status: 'ACTIVE',
      currentPeriodStart: new Date('2026-11-01T00:00:00Z'),
      currentPeriodEnd: new Date('2026-12-01T00:00:00Z'),
      ...rest,
    },
  });
}

export function invoiceFor(
  prisma: PrismaClient,
  customerId: string,
  fields: Partial<Prisma.InvoiceUncheckedCreateInput> = {},
) {
  return prisma.invoice.create({
    data: {
      id: randomUUID(),
      customerId,
      providerInvoiceId: `in_test_${next()}`,
      status: 'PAID',
      currency: 'EUR',
      subtotal: 800,
      taxAmount: 160,
      total: 960,
      amountPaid: 960,
      amountDue: 960,
      vatRateBps: 2000,
      lines: {
        create: [{ position: 1, description: 'Lite, monthly', quantity: 1, unitAmount: 800, amount: 800 }],
      },
      ...fields,
    },
  });
}

export function paymentMethodFor(
  prisma: PrismaClient,
  customerId: string,
  fields: Partial<Prisma.PaymentMethodUncheckedCreateInput> = {},
) {
  return prisma.paymentMethod.create({
    data: {
      customerId,
      providerPaymentMethodId: `pm_test_${next()}`,
      type: 'CARD',
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2030,
      ...fields,
    },
  });
}

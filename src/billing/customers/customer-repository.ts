import type { CustomerRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { EffectiveEntitlements } from '../entitlements/entitlement-policy.ts';
import type { VatNumberCheck } from '../vat/supply-vat-decision.ts';

export interface LegalIdentityInput {
  legalName: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  vatNumber: string | null;
  billingEmail: string | null;
}

export const IDENTITY_FIELDS: readonly (keyof LegalIdentityInput)[] = [
  'legalName',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'region',
  'country',
  'vatNumber',
  'billingEmail',
];

const ownerWhere = (owner: BillingOwner) => (owner.kind === 'user' ? { userId: owner.id } : { groupId: owner.id });

export class CustomerRepository {
  /** `onWrite` hears the owner key of every row this repository writes (the replica's cache listens). */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly onWrite: (ownerKey: string) => void = () => undefined,
  ) {}

  private written(row: CustomerRecord): CustomerRecord {
    if (row.userId) this.onWrite(`user:${row.userId}`);
    else if (row.groupId) this.onWrite(`group:${row.groupId}`);
    return row;
  }

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

  findByOwner(owner: BillingOwner): Promise<CustomerRecord | null> {
    return this.prisma.customer.findFirst({ where: ownerWhere(owner) });
  }

  findById(id: string): Promise<CustomerRecord | null> {
    return this.prisma.customer.findUnique({ where: { id } });
  }

  findByProviderCustomerId(providerCustomerId: string): Promise<CustomerRecord | null> {
    return this.prisma.customer.findUnique({ where: { providerCustomerId } });
  }

  /** Creates the owner's row on the free plan, or returns the existing one: safe under concurrency. */
  async findOrCreate(owner: BillingOwner, free: EffectiveEntitlements): Promise<CustomerRecord> {
    const existing = await this.findByOwner(owner);
    if (existing) return existing;
    await this.prisma.customer.createMany({
      data: [{ ...ownerWhere(owner), ...entitlementColumns(free) }],
      skipDuplicates: true,
    });
    return this.written(await this.prisma.customer.findFirstOrThrow({ where: ownerWhere(owner) }));
  }

  /** Records the provider customer once; a concurrent first payment that lost the race keeps the winner's. */
  async attachProviderCustomer(id: string, providerCustomerId: string): Promise<CustomerRecord> {
    await this.prisma.customer.updateMany({ where: { id, providerCustomerId: null }, data: { providerCustomerId } });
    return this.written(await this.prisma.customer.findUniqueOrThrow({ where: { id } }));
  }

  /** Writes the fields given, and only those. */
  async updateLegalIdentity(id: string, identity: Partial<LegalIdentityInput>): Promise<CustomerRecord> {
    return this.written(await this.prisma.customer.update({ where: { id }, data: identity }));
  }

  /** The outcome of the latest check of the customer's VAT number, shown on the profile. */
  async recordVatNumberCheck(id: string, status: VatNumberCheck, at: Date): Promise<void> {
    this.written(await this.prisma.customer.update({ where: { id }, data: { vatNumberStatus: status, vatNumberCheckedAt: at } }));
  }

  async updateUsedStorage(id: string, usedStorageBytes: bigint): Promise<CustomerRecord> {
    return this.written(await this.prisma.customer.update({ where: { id }, data: { usedStorageBytes } }));
  }

  async updatePaymentState(id: string, entitlements: EffectiveEntitlements, hasUnpaidInvoice: boolean): Promise<CustomerRecord> {
    const data = { ...entitlementColumns(entitlements), hasUnpaidInvoice };
    return this.written(await this.prisma.customer.update({ where: { id }, data }));
  }

  /**
   * Detaches the owner and forgets its identity: the invoices keep their own snapshots as legal records,
   * and the owner may start afresh.
   */
  async close(customer: CustomerRecord, free: EffectiveEntitlements): Promise<CustomerRecord> {
    const forgotten = Object.fromEntries(IDENTITY_FIELDS.map((field) => [field, null]));
    const closed = await this.prisma.customer.update({
      where: { id: customer.id },
      data: { userId: null, groupId: null, closedAt: new Date(), hasUnpaidInvoice: false, ...forgotten, ...entitlementColumns(free) },
    });
    this.written(customer);
    return closed;
  }

  /** Customers known to the provider, in pages, for the reconciliation sweep. */
  findWithProviderCustomer(afterId: string | null, limit: number): Promise<CustomerRecord[]> {
    return this.prisma.customer.findMany({
      where: { providerCustomerId: { not: null }, closedAt: null, ...(afterId && { id: { gt: afterId } }) },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  findGracePeriodsEndedBy(now: Date): Promise<CustomerRecord[]> {
    return this.prisma.customer.findMany({
      where: {
        OR: [
          { graceEndsAt: { lte: now }, entitlementBasis: 'GRACE_PERIOD' },
          { grantedUntil: { lte: now }, entitlementBasis: 'GRANTED' },
        ],
      },
    });
  }

  async findAdminExceptions(id: string): Promise<Pick<CustomerRecord, 'graceExtendedUntil' | 'grantedPlanId' | 'grantedUntil'>> {
    return this.prisma.customer.findUniqueOrThrow({ where: { id }, select: { graceExtendedUntil: true, grantedPlanId: true, grantedUntil: true } });
  }

  async setAdminExceptions(id: string, exceptions: Partial<Pick<CustomerRecord, 'graceExtendedUntil' | 'grantedPlanId' | 'grantedUntil'>>): Promise<void> {
    this.written(await this.prisma.customer.update({ where: { id }, data: exceptions }));
  }
}

function entitlementColumns(entitlements: EffectiveEntitlements) {
  return {
    planId: entitlements.planId,
    driveStorageBytes: entitlements.driveStorageBytes,
    parallelDownloads: entitlements.parallelDownloads,
    entitlementBasis: entitlements.basis,
    graceEndsAt: entitlements.graceEndsAt,
  };
}

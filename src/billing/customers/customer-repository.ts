import { randomUUID } from 'node:crypto';
import type { CustomerRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { BillingOwner } from '../billing-owner.ts';
import { IDENTITY_FIELDS, type Customer, type CustomerExceptionFields, type LegalIdentity } from './customer.ts';
import type { EffectiveEntitlements } from '../entitlements/entitlement-policy.ts';
import type { VatNumberCheck } from './customer.ts';

const ownerWhere = (owner: BillingOwner) => (owner.kind === 'user' ? { userId: owner.id } : { groupId: owner.id });

export class CustomerRepository {
  /** `onWrite` hears the owner key of every row this repository writes (the replica's cache listens). */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly onWrite: (ownerKey: string) => void = () => undefined,
  ) {}

  private written(row: Pick<CustomerRecord, 'userId' | 'groupId'>): void {
    if (row.userId) this.onWrite(`user:${row.userId}`);
    else if (row.groupId) this.onWrite(`group:${row.groupId}`);
  }

  private writtenCustomer(row: CustomerRecord): Customer {
    this.written(row);
    return customerFromRow(row);
  }

  /** One query for any mix of user and group owners: the loaders' batch read. */
  async findManyByOwners(owners: readonly BillingOwner[]): Promise<Customer[]> {
    const userIds = owners.filter((o) => o.kind === 'user').map((o) => o.id);
    const groupIds = owners.filter((o) => o.kind === 'group').map((o) => o.id);
    const where =
      groupIds.length === 0
        ? { userId: { in: userIds } }
        : userIds.length === 0
          ? { groupId: { in: groupIds } }
          : { OR: [{ userId: { in: userIds } }, { groupId: { in: groupIds } }] };
    return (await this.prisma.customer.findMany({ where })).map(customerFromRow);
  }

  async findByOwner(owner: BillingOwner): Promise<Customer | null> {
    return nullable(await this.prisma.customer.findFirst({ where: ownerWhere(owner) }));
  }

  async findById(id: string): Promise<Customer | null> {
    return nullable(await this.prisma.customer.findUnique({ where: { id } }));
  }

  async findByProviderCustomerId(providerCustomerId: string): Promise<Customer | null> {
    return nullable(await this.prisma.customer.findUnique({ where: { providerCustomerId } }));
  }

  /** Creates the owner's row on the free plan, or returns the existing one: safe under concurrency. */
  async findOrCreate(owner: BillingOwner, free: EffectiveEntitlements): Promise<Customer> {
    const existing = await this.findByOwner(owner);
    if (existing) return existing;
    await this.prisma.customer.createMany({
      data: [{ ...ownerWhere(owner), ...entitlementColumns(free) }],
      skipDuplicates: true,
    });
    return this.writtenCustomer(await this.prisma.customer.findFirstOrThrow({ where: ownerWhere(owner) }));
  }

  /** Records the provider customer once; a concurrent first payment that lost the race keeps the winner's. */
  async attachProviderCustomer(id: string, providerCustomerId: string): Promise<Customer> {
    await this.prisma.customer.updateMany({ where: { id, providerCustomerId: null }, data: { providerCustomerId } });
    return this.writtenCustomer(await this.prisma.customer.findUniqueOrThrow({ where: { id } }));
  }

  /**
   * The provider customer was deleted at the provider: the next payment creates another, under a new anonymous
   * id, so that nothing links the two there. Only if the row still names that provider customer.
   */
  async forgetProviderCustomer(id: string, providerCustomerId: string): Promise<void> {
    const { count } = await this.prisma.customer.updateMany({
      where: { id, providerCustomerId },
      data: { providerCustomerId: null, anonymousId: randomUUID() },
    });
    if (count > 0) this.written(await this.prisma.customer.findUniqueOrThrow({ where: { id } }));
  }

  /** Writes the fields given, and only those. */
  async updateLegalIdentity(id: string, identity: Partial<LegalIdentity>): Promise<Customer> {
    return this.writtenCustomer(await this.prisma.customer.update({ where: { id }, data: identity }));
  }

  /** The outcome of the latest check of the customer's VAT number, shown on the profile. */
  async recordVatNumberCheck(id: string, status: VatNumberCheck, at: Date): Promise<void> {
    this.written(
      await this.prisma.customer.update({ where: { id }, data: { vatNumberStatus: status, vatNumberCheckedAt: at } }),
    );
  }

  async updateUsedStorage(id: string, usedStorageBytes: bigint): Promise<Customer> {
    return this.writtenCustomer(await this.prisma.customer.update({ where: { id }, data: { usedStorageBytes } }));
  }

  async updatePaymentState(
    id: string,
    entitlements: EffectiveEntitlements,
    hasUnpaidInvoice: boolean,
  ): Promise<Customer> {
    const data = { ...entitlementColumns(entitlements), hasUnpaidInvoice };
    return this.writtenCustomer(await this.prisma.customer.update({ where: { id }, data }));
  }

  /**
   * Detaches the owner and forgets its identity: the invoices keep their own snapshots as legal records,
   * and the owner may start afresh.
   */
  async close(customer: Customer, free: EffectiveEntitlements): Promise<Customer> {
    const forgotten = Object.fromEntries(IDENTITY_FIELDS.map((field) => [field, null]));
    const closed = await this.prisma.customer.update({
      where: { id: customer.id },
      data: {
        userId: null,
        groupId: null,
        closedAt: new Date(),
        hasUnpaidInvoice: false,
        ...forgotten,
        ...entitlementColumns(free),
      },
    });
    this.written(customer);
    return customerFromRow(closed);
  }

  /** Customers known to the provider, in pages, for the reconciliation sweep. */
  async findWithProviderCustomer(afterId: string | null, limit: number): Promise<Customer[]> {
    const rows = await this.prisma.customer.findMany({
      where: { providerCustomerId: { not: null }, closedAt: null, ...(afterId && { id: { gt: afterId } }) },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map(customerFromRow);
  }

  async findGracePeriodsEndedBy(now: Date): Promise<Customer[]> {
    const rows = await this.prisma.customer.findMany({
      where: {
        OR: [
          { graceEndsAt: { lte: now }, entitlementBasis: 'GRACE_PERIOD' },
          { grantedUntil: { lte: now }, entitlementBasis: 'GRANTED' },
        ],
      },
    });
    return rows.map(customerFromRow);
  }

  async findAdminExceptions(id: string): Promise<CustomerExceptionFields> {
    return this.prisma.customer.findUniqueOrThrow({
      where: { id },
      select: { graceExtendedUntil: true, grantedPlanId: true, grantedUntil: true },
    });
  }

  async setAdminExceptions(id: string, exceptions: Partial<CustomerExceptionFields>): Promise<void> {
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

const nullable = (row: CustomerRecord | null) => row && customerFromRow(row);

/** The row in the domain's terms: the one place that knows the columns. */
export function customerFromRow(row: CustomerRecord): Customer {
  return {
    id: row.id,
    userId: row.userId,
    groupId: row.groupId,
    anonymousId: row.anonymousId,
    providerCustomerId: row.providerCustomerId,
    legalName: row.legalName,
    addressLine1: row.addressLine1,
    addressLine2: row.addressLine2,
    postalCode: row.postalCode,
    city: row.city,
    region: row.region,
    country: row.country,
    vatNumber: row.vatNumber,
    vatNumberStatus: row.vatNumberStatus,
    vatNumberCheckedAt: row.vatNumberCheckedAt,
    billingEmail: row.billingEmail,
    planId: row.planId,
    driveStorageBytes: row.driveStorageBytes,
    parallelDownloads: row.parallelDownloads,
    entitlementBasis: row.entitlementBasis,
    graceEndsAt: row.graceEndsAt,
    graceExtendedUntil: row.graceExtendedUntil,
    grantedPlanId: row.grantedPlanId,
    grantedUntil: row.grantedUntil,
    usedStorageBytes: row.usedStorageBytes,
    hasUnpaidInvoice: row.hasUnpaidInvoice,
    closedAt: row.closedAt,
    createdAt: row.createdAt,
  };
}

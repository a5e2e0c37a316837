import type { AuditEntryRecord, PrismaClient } from '../../db/prisma-types.ts';
import { ownerKey, type BillingOwner } from '../billing-owner.ts';
import type { AuditEntry, NewAuditEntry } from './audit-entry.ts';

/** Appends and reads; there is no update or delete here, and the table's trigger refuses them anyway. */
export class AuditLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entries: readonly NewAuditEntry[]): Promise<void> {
    await this.prisma.auditEntry.createMany({
      data: entries.map((entry) => ({
        actorSub: entry.actor.sub,
        actorRoles: [...entry.actor.roles],
        operation: entry.operation,
        arguments: entry.arguments as object,
        targetOwner: entry.targetOwner ? ownerKey(entry.targetOwner) : null,
        outcome: entry.outcome,
        requestId: entry.requestId,
      })),
    });
  }

  /** Newest first, keyset-paginated on the sequence. */
  async findPage(owner: BillingOwner | null, limit: number, before: bigint | null): Promise<AuditEntry[]> {
    const rows = await this.prisma.auditEntry.findMany({
      where: { ...(owner && { targetOwner: ownerKey(owner) }), ...(before !== null && { sequence: { lt: before } }) },
      orderBy: { sequence: 'desc' },
      take: limit,
    });
    return rows.map(toAuditEntry);
  }
}

function toAuditEntry(row: AuditEntryRecord): AuditEntry {
  const [kind, ...id] = (row.targetOwner ?? '').split(':');
  return {
    sequence: row.sequence,
    occurredAt: row.occurredAt,
    actor: { sub: row.actorSub, roles: row.actorRoles },
    operation: row.operation,
    arguments: row.arguments,
    targetOwner: kind === 'user' || kind === 'group' ? { kind, id: id.join(':') } : null,
    outcome: row.outcome,
    requestId: row.requestId,
  };
}

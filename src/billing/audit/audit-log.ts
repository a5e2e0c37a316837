import type { BillingOwner } from '../billing-owner.ts';
import { invalidInput } from '../errors.ts';
import type { AuditEntry, NewAuditEntry } from './audit-entry.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';
import { redactArguments } from './audit-redaction.ts';

export interface AuditPage {
  entries: AuditEntry[];
  hasNextPage: boolean;
}

/** The record of who did what: written once per admin or service mutation, read by admins. */
export class AuditLog {
  constructor(private readonly repository: AuditLogRepository) {}

  record(entries: readonly NewAuditEntry[]): Promise<void> {
    return this.repository.append(entries.map((entry) => ({ ...entry, arguments: redactArguments(entry.arguments) })));
  }

  async page(owner: BillingOwner | null, first: number, after: string | null): Promise<AuditPage> {
    if (!Number.isInteger(first) || first < 1 || first > 100)
      throw invalidInput('`first` must be between 1 and 100', 'first');
    const entries = await this.repository.findPage(owner, first + 1, after === null ? null : decodeAuditCursor(after));
    return { entries: entries.slice(0, first), hasNextPage: entries.length > first };
  }
}

export function encodeAuditCursor(entry: AuditEntry): string {
  return Buffer.from(`audit|${entry.sequence}`).toString('base64url');
}

function decodeAuditCursor(cursor: string): bigint {
  const match = /^audit\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw invalidInput('`after` is not a cursor this API returned', 'after');
  return BigInt(match[1]);
}

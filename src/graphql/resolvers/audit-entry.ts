import type { AuditEntryResolvers, AuditLogConnectionResolvers } from '../../generated/graphql.ts';
import { encodeAuditCursor } from '../../billing/audit/audit-log.ts';

export const AuditEntry: AuditEntryResolvers = {
  id: (entry) => entry.sequence.toString(),
  actorSub: (entry) => entry.actor.sub,
  actorRoles: (entry) => [...entry.actor.roles],
  arguments: (entry) => JSON.stringify(entry.arguments),
  targetOwner: ({ targetOwner }) =>
    targetOwner && { __typename: targetOwner.kind === 'user' ? 'User' : 'Group', id: targetOwner.id },
};

export const AuditLogConnection: AuditLogConnectionResolvers = {
  edges: ({ entries }) => entries.map((node) => ({ cursor: encodeAuditCursor(node), node })),
  pageInfo: ({ entries, hasNextPage }) => {
    const last = entries.at(-1);
    return { hasNextPage, endCursor: last ? encodeAuditCursor(last) : null };
  },
};

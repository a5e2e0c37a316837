/** A billing profile belongs to exactly one user or one group of the other subgraphs. */
export interface BillingOwner {
  kind: 'user' | 'group';
  id: string;
}

export function ownerKey(owner: BillingOwner): string {
  return `${owner.kind}:${owner.id}`;
}

/** The owner a customer row belongs to; null once closed (the database allows exactly these two cases). */
export function ownerOf(customer: { userId: string | null; groupId: string | null }): BillingOwner | null {
  if (customer.userId) return { kind: 'user', id: customer.userId };
  if (customer.groupId) return { kind: 'group', id: customer.groupId };
  return null;
}

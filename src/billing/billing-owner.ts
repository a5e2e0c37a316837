/** A billing profile belongs to exactly one user or one group of the other subgraphs. */
export interface BillingOwner {
  kind: 'user' | 'group';
  id: string;
}

export function ownerKey(owner: BillingOwner): string {
  return `${owner.kind}:${owner.id}`;
}

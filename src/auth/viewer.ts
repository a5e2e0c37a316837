export type Role = 'admin' | 'service';

/** Who is asking, as the gateway's token says. */
export interface Viewer {
  /** The user id (`sub`), or the calling service's name for a service token. */
  id: string;
  roles: readonly Role[];
  /** Groups whose billing this viewer administers. */
  adminGroupIds: readonly string[];
}

/** The claims this service reads from a token, besides the registered ones. */
export const CLAIMS = { roles: 'roles', adminGroupIds: 'admin_group_ids' } as const;

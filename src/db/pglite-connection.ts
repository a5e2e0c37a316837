// The embedded database's connection, in a module of its own so that database.ts imports it only when
// PGlite is asked for: a PostgreSQL replica would otherwise carry about 10 MB of PGlite for nothing.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { pgliteNotifications } from './notifications.ts';

/** `initialData`: an in-memory database's starting content, a dump (`PGlite.dumpDataDir`) of another. */
export async function connectPglite(dataDir: string | undefined, initialData?: Blob) {
  const pglite = new PGlite({ dataDir, loadDataDir: initialData });
  await pglite.waitReady;
  return { pglite, adapterFactory: new PrismaPGlite(pglite), notifications: pgliteNotifications(pglite) };
}

// One process at a time on an embedded database directory. PGlite is a database in the process itself:
// two processes on one directory each believe they own it, and the last to write its files wins, losing
// the other's commits. A lock file beside the directory names the owning process; one whose process is
// gone (killed, the machine restarted) is stale and taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Lock files this process holds: a file naming our own pid is ours only if listed here (pid 1 in every container). */
const held = new Set<string>();

export interface DirectoryLock {
  release(): void;
}

/** Takes the lock of `dataDir`, or returns the pid of the live process that holds it. */
export function lockEmbeddedDatabase(dataDir: string): DirectoryLock | { heldBy: number } {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(file);
      return {
        release: () => {
          held.delete(file);
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      const live = holder === process.pid ? held.has(file) : Number.isInteger(holder) && isAlive(holder);
      if (live) return { heldBy: holder };
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// LISTEN/NOTIFY for in-process caches: every replica hears every committed change, so a cache can
// drop an entry as soon as another replica writes it. A handler's `onGap` runs whenever notifications
// may have been missed (the listening connection dropped), so it can forget everything it cached.
import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';

export interface NotificationHandlers {
  onNotification(payload: string): void;
  onGap(): void;
}

export interface NotificationListener {
  listen(channel: string, handlers: NotificationHandlers): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`invalid notification channel ${channel}`);
}

export function pgliteNotifications(pglite: PGlite): NotificationListener {
  const unsubscribes: (() => Promise<void>)[] = [];
  return {
    listen: async (channel, handlers) => {
      assertChannel(channel);
      unsubscribes.push(await pglite.listen(channel, handlers.onNotification));
    },
    close: async () => {
      await Promise.all(unsubscribes.splice(0).map((unsubscribe) => unsubscribe()));
    },
  };
}

const RECONNECT_DELAY_MS = 1000;

/** One dedicated connection (LISTEN cannot share a pooled one); reconnects after a drop, reporting the gap. */
export function postgresNotifications(url: string): NotificationListener {
  const channels = new Map<string, NotificationHandlers[]>();
  let client: Client | null = null;
  let connecting: Promise<Client> | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = (): Promise<Client> =>
    (connecting ??= (async () => {
      const fresh = new Client({ connectionString: url });
      fresh.on('notification', ({ channel, payload }) => {
        for (const handlers of channels.get(channel) ?? []) handlers.onNotification(payload ?? '');
      });
      fresh.on('error', () => lost(fresh));
      fresh.on('end', () => lost(fresh));
      await fresh.connect();
      for (const channel of channels.keys()) await fresh.query(`LISTEN ${channel}`);
      client = fresh;
      return fresh;
    })().finally(() => {
      connecting = null;
    }));

  const lost = (dropped: Client) => {
    if (closed || client !== dropped) return;
    client = null;
    dropped.removeAllListeners('end');
    for (const handlers of [...channels.values()].flat()) handlers.onGap();
    const reconnect = () => {
      if (closed) return;
      connect().then(
        () => {
          for (const handlers of [...channels.values()].flat()) handlers.onGap();
        },
        () => {
          retry = setTimeout(reconnect, RECONNECT_DELAY_MS);
          retry.unref();
        },
      );
    };
    reconnect();
  };

  return {
    listen: async (channel, handlers) => {
      assertChannel(channel);
      const known = channels.has(channel);
      channels.set(channel, [...(channels.get(channel) ?? []), handlers]);
      const connection = client ?? (await connect());
      // A first connection already listened to every known channel; LISTEN twice is harmless anyway.
      if (!known) await connection.query(`LISTEN ${channel}`);
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end();
      client = null;
    },
  };
}

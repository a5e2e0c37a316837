// Process entry: configuration, the listening socket, the app, and a graceful shutdown. Every problem found
// before the slow set-up (configuration, port, host, database) is listed at once, one line each.
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { createApp, type BillingApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { redactPassword } from './db/database.ts';
import { unreachableDatabase } from './db/database-availability.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

function refuseToStart(problems: string[]): never {
  console.error(`Cannot start:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}

/** The last meaningful line of an error's message: Prisma's run to 35 lines, the cause is at the end. */
function oneLine(error: unknown): string {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? 'unknown error').slice(0, 300);
}

/** Binds the socket first: a port in use or a host that does not resolve is known in milliseconds. */
function listen(config: Config): Promise<{ server: Server; problem: string | null }> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('listening', () => resolve({ server, problem: null }));
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${config.http.host}:${config.http.port}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${config.http.port} is already in use`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? `host ${config.http.host} is not an address of this machine`
            : oneLine(error);
      resolve({ server, problem: `HOST/PORT: cannot listen on ${where}: ${reason}` });
    });
    server.listen(config.http.port, config.http.host);
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    refuseToStart(error.problems);
  }
  const database = config.database;
  const [{ server, problem: listenProblem }, databaseProblem] = await Promise.all([
    listen(config),
    database.kind === 'postgres' ? unreachableDatabase(database.url) : Promise.resolve(null),
  ]);
  const problems = [
    ...(listenProblem ? [listenProblem] : []),
    ...(databaseProblem && database.kind === 'postgres'
      ? [`DATABASE_URL: cannot connect to ${redactPassword(database.url)}: ${databaseProblem}`]
      : []),
  ];
  if (problems.length > 0) refuseToStart(problems);

  // The socket is bound from the start; until the app is ready, requests get a 503 to retry.
  let app: BillingApp | null = null;
  server.on('request', (req, res) => {
    if (app) void app.http(req, res);
    else res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"status":"starting"}');
  });
  const logger = pino({ level: config.logLevel });
  try {
    app = await createApp(config, { logger });
  } catch (error) {
    refuseToStart([oneLine(error)]);
  }
  const ready = app;

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const baseUrl = `http://${config.http.host}:${port}`;
  ready.listening(baseUrl);
  logger.info(
    { url: `${baseUrl}/graphql`, database: ready.database.description, payments: ready.paymentsDescription },
    'billing subgraph listening',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    server.close(() => {
      ready.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => refuseToStart([oneLine(error)]));

// Process entry: configuration, the app, the listening socket, and a graceful shutdown.
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { createApp, StartupError } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel });
  const app = await createApp(config, { logger }).catch((error: unknown) => {
    if (!(error instanceof StartupError)) throw error;
    logger.fatal(error.message);
    process.exit(1);
  });

  const server: Server = createServer(app.http).listen(config.http.port, config.http.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const baseUrl = `http://${config.http.host}:${port}`;
  app.listening(baseUrl);
  logger.info(
    { url: `${baseUrl}/graphql`, database: app.database.description, payments: app.paymentsDescription },
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
      app.close().then(
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

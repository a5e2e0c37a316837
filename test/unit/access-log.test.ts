import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { startRequest } from '../../src/http/request-context';

describe('the access log', () => {
  it('writes the path the client asked for, also under a mounted route, without the query string', async () => {
    const lines: { path?: string; msg?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const app = express();
    app.use('/graphql', (_req, res) => {
      res.json({});
    });
    // As the service's request listener: the request is started, then handed to Express's mounted routes.
    const server = createServer((req, res) => {
      startRequest(req, res, logger);
      app(req, res);
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql?query=%7B__typename%7D`);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines.filter((line) => line.msg === 'request').map((line) => line.path)).toEqual(['/graphql']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

// Benchmark children: each server runs in its own process and prints `{"port": N, ...}` when listening.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface BenchServer {
  name: string;
  url: string;
  process: ChildProcess;
  /** What the child printed when it started listening (port, and its own start-up time if it reports one). */
  started: Record<string, number>;
  /** Highest resident set size seen, in bytes. */
  maxRss: number;
}

export async function startServer(name: string, script: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (!line.startsWith('{"port":')) continue;
    const started = JSON.parse(line) as Record<string, number>;
    const server = { name, url: `http://127.0.0.1:${started.port}`, process: child, started, maxRss: 0 };
    sampleRss(server);
    return server;
  }
  throw new Error(`${name} server exited before listening`);
}

/** Reads the child's resident set size from /proc (Linux); keeps the highest seen. */
export function sampleRss(server: BenchServer): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))?.[1] ?? 0);
    server.maxRss = Math.max(server.maxRss, kb * 1024);
    return kb * 1024;
  } catch {
    return 0;
  }
}

export async function stopServer(server: BenchServer): Promise<void> {
  if (server.process.exitCode !== null) return;
  server.process.kill('SIGTERM');
  await once(server.process, 'exit');
}

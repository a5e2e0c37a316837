// Benchmark children: each server runs in its own process and prints `{"port": N, ...}` when listening.
// The measured servers run JavaScript bundled beforehand by esbuild (`buildServers`), as a deployment
// would: under tsx a process also holds tsx's loader thread, its transformed sources and their source maps.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

export interface BenchServer {
  name: string;
  url: string;
  process: ChildProcess;
  /** What the child printed when it started listening (port, and its own start-up time if it reports one). */
  started: Record<string, number>;
  /** Highest resident set size seen, in bytes. */
  maxRss: number;
}

/** bench/.build: two levels below the project root, as src/<dir> is, so paths found from __dirname hold. */
const BUILD_DIR = path.join(__dirname, '.build');

/** Bundles the servers' entry points (bench/<name>.ts) to bench/.build/<name>.js; packages stay in node_modules. */
export async function buildServers(scripts: string[]): Promise<void> {
  await build({
    entryPoints: scripts.map((script) => path.join(__dirname, script)),
    outdir: BUILD_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

/** A built script runs on plain Node; `{ built: false }` runs the TypeScript source under tsx. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string> = {},
  { built = true } = {},
): Promise<BenchServer> {
  const args = built
    ? [path.join(BUILD_DIR, script.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', path.join(__dirname, script)];
  const child = spawn(process.execPath, args, {
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

/** Samples the child's RSS every 100 ms until stopped: the peak of a start-up happens between requests. */
export function watchRss(server: BenchServer): () => void {
  const timer = setInterval(() => sampleRss(server), 100);
  return () => clearInterval(timer);
}

export async function stopServer(server: BenchServer): Promise<void> {
  if (server.process.exitCode !== null) return;
  server.process.kill('SIGTERM');
  await once(server.process, 'exit');
}

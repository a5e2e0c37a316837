// What every benchmark child process does around its server: announce the port to the parent, stop on
// SIGTERM, and exit non-zero on a start-up failure.
export function announce(port: number, stop: () => Promise<unknown>): void {
  console.log(JSON.stringify({ port }));
  process.on('SIGTERM', () => {
    stop().finally(() => process.exit(0));
  });
}

export function runChild(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

// Runs `prisma generate` offline. The Prisma CLI insists on locating its schema engine binary before
// any command, although generate never uses it; any existing file satisfies that check.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const cli = require.resolve('prisma/build/index.js');
execFileSync(process.execPath, [cli, 'generate'], {
  stdio: 'inherit',
  cwd: path.join(__dirname, '..'),
  // CHECKPOINT_DISABLE stops the CLI's version check, which would call out to the internet.
  env: {
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    ...process.env,
  },
});

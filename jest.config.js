// @swc/jest strips types only (fast); `npm run typecheck` is the type check.
// jose and the schema engine glue ship as ES modules only, so they are transformed too.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages/stripe-emulator/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@prisma/schema-engine-wasm)/)'],
  setupFiles: ['<rootDir>/test/support/jest-environment.ts'],
  testTimeout: 60000,
  // Most of a test's time is spent waiting (databases, the emulator's clocks and webhooks), so every core
  // runs a worker; Jest's default leaves one idle, which on a 2-core machine runs the files one at a time.
  maxWorkers: '100%',
};

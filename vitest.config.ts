import { defineConfig } from 'vitest/config';

// Unit tests are fast and pure; integration and conformance tests start a real broker on an
// ephemeral 127.0.0.1 port (and real clients), so they get longer timeouts. Two forks keep a
// 2-core machine busy without starving the brokers the tests start.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    typecheck: { enabled: false },
  },
});

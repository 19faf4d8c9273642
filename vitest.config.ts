import { defineConfig } from 'vitest/config';

// Unit tests are fast and pure; integration and conformance tests start a real broker on an
// ephemeral 127.0.0.1 port (and real clients), so they get longer timeouts. Two forks keep a
// 2-core machine busy without starving the brokers the tests start.
//
// `tributary-source` is the package's own export condition for its TypeScript sources: code that
// imports `tributary` as a user does (the examples) runs from src/ here, the same module
// instances as the tests that import src/ directly. Published installs resolve to dist/.
const conditions = ['tributary-source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['tributary-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    typecheck: { enabled: false },
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `unit`: pure rules, no infrastructure, run in parallel.
 * `integration`: real Kafka and the real database (started by deploy/local/infra.sh or named by
 * KAFKA_BROKERS / MONGODB_URI); files run one at a time, each with its own topics and databases.
 */
export default defineConfig({
  test: {
    // integration files share one broker and database server: one file at a time (the unit
    // project is fast either way)
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/test/**/*.unit.spec.ts', 'services/*/test/**/*.unit.spec.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          globalSetup: ['test/integration/global-setup.ts'],
          // every service process the tests start refuses a query that is not by _id or declared
          env: { LMA_QUERY_GUARD: 'strict' },
          include: ['test/integration/**/*.int.spec.ts', 'services/*/test/**/*.int.spec.ts', 'libs/*/test/**/*.int.spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

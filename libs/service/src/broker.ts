import type { Admin, Kafka } from 'kafkajs';

/**
 * The process's one admin connection to the broker, shared by the readiness probe and the
 * consumer lag: opened on first use, dropped after a failure or a timeout and opened afresh on
 * the next use (no retries of its own: each caller asks again on its next tick).
 */
export interface BrokerAdmin {
  use<T>(task: (admin: Admin) => Promise<T>, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

export function createBrokerAdmin(kafka: Kafka): BrokerAdmin {
  let admin: Admin | undefined;
  const inUse = new Set<Promise<unknown>>();
  const drop = (failed: Admin) => {
    if (admin !== failed) return;
    admin = undefined;
    void failed.disconnect().catch(() => undefined);
  };
  return {
    use(task, timeoutMs) {
      const a = (admin ??= kafka.admin({ retry: { retries: 0 } }));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`broker did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      // connect() returns at once while the admin is connected
      const run = Promise.race([a.connect().then(() => task(a)), timeout])
        .catch((err: unknown) => {
          drop(a);
          throw err;
        })
        .finally(() => {
          clearTimeout(timer);
          inUse.delete(run);
        });
      inUse.add(run);
      return run;
    },
    async stop() {
      await Promise.allSettled([...inUse]);
      const a = admin;
      admin = undefined;
      await a?.disconnect().catch(() => undefined);
    },
  };
}

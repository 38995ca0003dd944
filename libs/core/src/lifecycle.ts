import type { Logger } from './logger';

const exitHooks: (() => Promise<void>)[] = [];

/**
 * Work to finish after a service stopped, right before its process exits (the tracing preload
 * exports its buffered spans here). Within the shutdown timeout; a failing hook is ignored.
 */
export function beforeExit(hook: () => Promise<void>): void {
  exitHooks.push(hook);
}

function exitAfterHooks(code: number): void {
  void Promise.allSettled(exitHooks.map((h) => h())).then(() => process.exit(code));
}

/**
 * Stops a service on SIGTERM/SIGINT: stop consuming, finish in-flight work, commit offsets,
 * close connections (in the order given), then exit. A second signal or the timeout forces exit.
 */
export function onShutdown(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped cleanly');
        exitAfterHooks(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exitAfterHooks(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/**
 * Runs `task` every `intervalMs`, never twice at once (a tick while one runs is skipped); a
 * failure goes to `onError` and the next tick runs as usual. `stop()` waits for a run under way.
 */
export function every(intervalMs: number, task: () => Promise<void>, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .catch(onError)
      .finally(() => (running = undefined));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

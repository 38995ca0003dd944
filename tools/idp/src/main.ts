#!/usr/bin/env node
import { createLogger } from '@lma/core';
import { readIdpConfig } from './config';
import { startIdp } from './provider';

/** The local identity provider: `node tools/idp/dist/main.js` (settings in config.ts). */
async function main(): Promise<void> {
  const config = readIdpConfig();
  const logger = createLogger('idp', config.LOG_LEVEL);
  const idp = await startIdp(config, logger);
  logger.info({ usersFile: config.IDP_USERS_FILE }, 'demo users and their passwords are in the users file');
  const stop = () => {
    void idp.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

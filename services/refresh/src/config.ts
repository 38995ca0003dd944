import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port, requireGatewayPublicKey } from '@lma/core';

export const RefreshConfig = BaseConfig.extend({
  PORT: port(4005),
  /** A job that hears nothing (no page, no reply) for this long ends `incomplete`. */
  REFRESH_PAGE_TIMEOUT_MS: intSetting(120_000, 200, 3_600_000),
  REFRESH_SWEEP_INTERVAL_MS: intSetting(5_000, 100, 600_000),
}).superRefine(requireGatewayPublicKey);
export type RefreshConfig = z.infer<typeof RefreshConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): RefreshConfig => loadConfig(RefreshConfig, env);

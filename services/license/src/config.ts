import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port, requireGatewayPublicKey } from '@lma/core';

export const LicenseConfig = BaseConfig.extend({
  PORT: port(4003),
  /**
   * Refresh jobs reconciled at once with a digest of their package in memory (about 100 bytes per
   * license: infra/refreshDigests.ts); pages of other jobs are read by `_id`. 0: never.
   */
  LICENSE_REFRESH_DIGEST_JOBS: intSetting(4, 0, 64),
}).superRefine(requireGatewayPublicKey);
export type LicenseConfig = z.infer<typeof LicenseConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): LicenseConfig => loadConfig(LicenseConfig, env);

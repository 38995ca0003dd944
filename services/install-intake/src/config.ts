import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port, requireGatewayPublicKey } from '@lma/core';

export const InstallIntakeConfig = BaseConfig.extend({
  PORT: port(4001),
  /** A saga command without a reply after this long is re-sent (same id), then after 2x, 4x... */
  SAGA_STEP_TIMEOUT_MS: intSetting(30_000, 100, 3_600_000),
  /** Sends of one command before its step counts as failed; 0 (default): keep re-sending. */
  SAGA_MAX_SENDS: intSetting(0, 0, 1000),
  SAGA_SWEEP_INTERVAL_MS: intSetting(5_000, 100, 600_000),
  /** Days a failed onboarding stays in the attention list (`GET /onboardings/attention`); parked ones stay until they resume. */
  ONBOARDING_ATTENTION_DAYS: intSetting(7, 1, 365),
  /** How often failed onboardings older than that leave the list. */
  ONBOARDING_ATTENTION_PRUNE_MS: intSetting(60_000, 100, 86_400_000),
}).superRefine(requireGatewayPublicKey);
export type InstallIntakeConfig = z.infer<typeof InstallIntakeConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): InstallIntakeConfig => loadConfig(InstallIntakeConfig, env);

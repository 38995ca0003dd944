import { z } from 'zod';
import { BaseConfig, loadConfig, port } from '@lma/core';

export const LicenseConfig = BaseConfig.extend({
  PORT: port(4003),
});
export type LicenseConfig = z.infer<typeof LicenseConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): LicenseConfig => loadConfig(LicenseConfig, env);

import { z } from 'zod';
import { BaseConfig, loadConfig, port } from '@lma/core';

export const LeadConfig = BaseConfig.extend({
  PORT: port(4002),
});
export type LeadConfig = z.infer<typeof LeadConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): LeadConfig => loadConfig(LeadConfig, env);

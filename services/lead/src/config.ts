import { z } from 'zod';
import { BaseConfig, loadConfig, port, requireGatewayPublicKey } from '@lma/core';

export const LeadConfig = BaseConfig.extend({
  PORT: port(4002),
}).superRefine(requireGatewayPublicKey);
export type LeadConfig = z.infer<typeof LeadConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): LeadConfig => loadConfig(LeadConfig, env);

import { z } from 'zod';
import { BaseConfig, loadConfig, port } from '@lma/core';

export const RefreshConfig = BaseConfig.extend({
  PORT: port(4005),
});
export type RefreshConfig = z.infer<typeof RefreshConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): RefreshConfig => loadConfig(RefreshConfig, env);

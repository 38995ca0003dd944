import { z } from 'zod';
import { BaseConfig, loadConfig, port } from '@lma/core';

export const InstallIntakeConfig = BaseConfig.extend({
  PORT: port(4001),
});
export type InstallIntakeConfig = z.infer<typeof InstallIntakeConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): InstallIntakeConfig => loadConfig(InstallIntakeConfig, env);

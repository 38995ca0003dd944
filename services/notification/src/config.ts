import { z } from 'zod';
import { BaseConfig, loadConfig, port } from '@lma/core';

export const NotificationConfig = BaseConfig.extend({
  PORT: port(4004),
});
export type NotificationConfig = z.infer<typeof NotificationConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig => loadConfig(NotificationConfig, env);

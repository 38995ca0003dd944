export * from './errors';
export * from './logger';
export * from './config';
export * from './http';
export * from './auth';
export * from './mongo';
export * from './lifecycle';
export * from './clock';

export * from './client';
export * from './publisher';
export * from './consumer';
export * from './lag';
export * from './outbox';
export * from './inbox';
export * from './locks';
export * from './tracing';

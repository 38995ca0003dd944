export * from './client';
export * from './acls';
export * from './publisher';
export * from './consumer';
export * from './lag';
export * from './tracing';

export * from './store';
export * from './relay';
export * from './outbox';
export * from './schema';
export * from './queries';
export * from './batch';

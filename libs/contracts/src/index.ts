export * from './ids';
export * from './marketplace';
export * from './license-events';
export * from './internal';
export * from './cloudevents';
export * from './examples';
export * from './refresh';
export * from './notification-inputs';

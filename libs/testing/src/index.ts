export * from './infra';
export * from './kafka';
export * from './services';
export * from './mongo';
export * from './bench';
export * from './gatewayKeys';
export * from './idp';

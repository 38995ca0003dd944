export * from './synthetic';
export { SimState, type SimInstallation, type SimPackage } from './state';
export { Marketplace, type Faults, type Stats } from './marketplace';

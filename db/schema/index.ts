export * from './catalog';
export * from './versioning';
export * from './governance';
export * from './audit';
export * from './system';
export * from './maintenance';
export * from './notifications';

export * from './trajectory-filter';

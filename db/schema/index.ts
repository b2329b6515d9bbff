export * from './missions';
export * from './stations';
export * from './teams';
export * from './credentials';
export * from './events';
export * from './read-models';
export * from './field-kits';
export * from './photos';

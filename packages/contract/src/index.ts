export * from './gateway.js';
export * from './transcript.js';
export * from './auth.js';
export * from './json-limits.js';
export * from './nextcloud.js';

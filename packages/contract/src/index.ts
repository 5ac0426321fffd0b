export * from './gateway.js';
export * from './transcript.js';

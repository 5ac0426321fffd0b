export * from './gateway.js';
export * from './speech.js';

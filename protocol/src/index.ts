export * from './version.ts';
export * from './limits.ts';
export * from './run-status.ts';
export * from './executors.ts';
export * from './events.ts';
export * from './runner-messages.ts';
export * from './viewer-messages.ts';
export * from './api.ts';

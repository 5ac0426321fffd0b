import type { HealthMonitor } from '../health.js';
import type { Handlers } from './server.js';

export interface EngineServices {
  readonly health: HealthMonitor;
}

/** The contract's handlers, wired to the engine's services. One line per call. */
export function createHandlers(services: EngineServices): Handlers {
  return {
    health: ({ refresh }) => services.health.snapshot(refresh ?? false),
    ping: ({ text }) => ({ text }),
  };
}

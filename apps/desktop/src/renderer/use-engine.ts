import { useEffect, useState } from 'react';
import { RpcClient } from '../shared/client.js';
import type { Health } from '../shared/contract.js';
import type { ErrorInfo } from '../shared/errors.js';
import type { CloseReason, Transport } from './transport.js';

export type EngineState =
  | { readonly phase: 'connecting' }
  | {
      readonly phase: 'ready';
      readonly health: Health;
      /** The live connection, for views that make their own calls (voice, conversations). */
      readonly client?: RpcClient;
    }
  | { readonly phase: 'error'; readonly error: ErrorInfo }
  | { readonly phase: 'closed'; readonly reason: CloseReason };

/** Delay before reconnecting after a lost connection (the engine may be restarting). */
export const RECONNECT_MS = 1_000;
/** Health is also re-read now and then: keeps uptime current and heals a missed event. */
export const HEALTH_REFRESH_MS = 15_000;

/**
 * Connects through the transport, asks `health`, follows `health.changed`, and reconnects after a
 * lost connection. A refused token is final: reconnecting would only be refused again.
 */
export function useEngine(transport: Transport): EngineState {
  const [state, setState] = useState<EngineState>({ phase: 'connecting' });

  useEffect(() => {
    let client: RpcClient | undefined;
    let disposed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;

    const connect = (): void => {
      transport.open({
        onOpen: () => {
          const current = new RpcClient({
            send: (t) => transport.send(t),
            sendBinary: (data) => transport.sendBinary(data),
            close: () => transport.close(),
          });
          client = current;
          current.on('health.changed', (health) =>
            setState({ phase: 'ready', health, client: current }),
          );
          const ask = (refresh: boolean): void => {
            void current.call('health', { refresh }).then((result) => {
              if (disposed || client !== current) return;
              setState(
                result.ok
                  ? { phase: 'ready', health: result.value, client: current }
                  : { phase: 'error', error: result.error },
              );
            });
          };
          ask(true);
          clearInterval(poll);
          poll = setInterval(() => ask(false), HEALTH_REFRESH_MS);
        },
        onMessage: (text) => client?.receive(text),
        onClose: (reason) => {
          clearInterval(poll);
          client?.closedBy(reason);
          client = undefined;
          if (disposed) return;
          setState({ phase: 'closed', reason });
          if (reason === 'lost' && transport.kind === 'web')
            retry = setTimeout(connect, RECONNECT_MS);
        },
      });
    };
    connect();
    return () => {
      disposed = true;
      clearTimeout(retry);
      clearInterval(poll);
      transport.close();
    };
  }, [transport]);

  return state;
}

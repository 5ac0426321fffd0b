import { useEffect, useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../shared/contract.js';
import { useVoice } from '../ask/voice-context.js';

/**
 * One engine call's answer, asked again after every finished turn (Diagnostics rows that follow
 * the conversation). `value` is undefined until the first answer; `error` is the last failure's
 * message, cleared by the next success.
 */
export function useAfterTurns<N extends CallName>(
  method: N,
  input: CallInput<N>,
): { value: CallOutput<N> | undefined; error: string | null } {
  const voice = useVoice();
  const [value, setValue] = useState<CallOutput<N> | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  // The input is compared by content: callers pass literals, new objects on every render.
  const key = JSON.stringify(input);
  useEffect(() => {
    if (!voice) return;
    let live = true;
    const load = (): void => {
      void voice.client.call(method, JSON.parse(key) as CallInput<N>).then((r) => {
        if (!live) return;
        if (r.ok) {
          setValue(r.value);
          setError(null);
        } else setError(r.error.message);
      });
    };
    load();
    const off = voice.client.on('voice.turnDone', load);
    return () => {
      live = false;
      off();
    };
  }, [voice, method, key]);
  return { value, error };
}

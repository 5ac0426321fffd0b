import { useEffect, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { SpeechCapabilitiesDto } from '../../shared/speech.js';

/**
 * What speech can do on this workstation, asked once and then followed through
 * `speech.capabilities.changed` (the client has already checked each payload against its schema).
 * Null until the engine answered (or when it does not serve the call).
 */
export function useSpeechCapabilities(client: RpcClient | undefined): SpeechCapabilitiesDto | null {
  const [caps, setCaps] = useState<SpeechCapabilitiesDto | null>(null);
  useEffect(() => {
    if (!client) return;
    let live = true;
    const off = client.on('speech.capabilities.changed', (next) => {
      if (live) setCaps(next);
    });
    void client.call('speech.capabilities', {}).then((r) => {
      if (live && r.ok) setCaps(r.value);
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return caps;
}

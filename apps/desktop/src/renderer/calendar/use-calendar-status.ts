import { useEffect, useState } from 'react';
import type { CalendarStatusDto } from '../../shared/calendar.js';
import type { RpcClient } from '../../shared/client.js';

/**
 * Whether Nextcloud is set up for this workstation (asked of the engine, which asks the sync
 * server), asked again when the health summary or the sign-in changes. Undefined
 * until known: the Calendar view is not offered before then, so it is never a dead end.
 */
export function useCalendarStatus(client: RpcClient | undefined): CalendarStatusDto | undefined {
  const [status, setStatus] = useState<CalendarStatusDto>();
  useEffect(() => {
    if (!client) return;
    let live = true;
    const ask = () =>
      void client.call('calendar.status', {}).then((r) => {
        // A status the engine cannot give keeps the last one known.
        if (live && r.ok) setStatus(r.value);
      });
    ask();
    // Signing in (the calls need a person in sign-in mode) and the server coming back both
    // change the answer.
    const offs = [client.on('health.changed', ask), client.on('identity.changed', ask)];
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, [client]);
  return status;
}

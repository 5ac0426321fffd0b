import { useEffect, useState } from 'react';
import type { CalendarStatusDto } from '../../shared/calendar.js';
import type { RpcClient } from '../../shared/client.js';

/**
 * Whether Nextcloud is set up for this workstation (asked of the engine, which asks the sync
 * server), asked again whenever the health summary changes (the server comes or goes). Undefined
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
    const off = client.on('health.changed', ask);
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return status;
}

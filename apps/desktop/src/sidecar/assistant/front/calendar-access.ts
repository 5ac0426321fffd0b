import { CodedError } from '../../../shared/errors.js';
import { NextcloudClient } from '../../calendar/nextcloud-client.js';
import { CalendarService } from '../../calendar/service.js';
import { CalendarVoice } from '../../calendar/voice.js';
import type { GatewayConfig } from '../../providers/config.js';
import type { CalendarAccess, CalendarTurn } from './front.js';

export const CALENDAR_NOT_SET_UP = 'Calendar is not set up on this workstation.';
const NOT_CONNECTED =
  'Calendar is not connected: connect your Nextcloud account on this workstation first.';
const REVOKED =
  'Nextcloud refused the stored app password, so the calendar cannot be used: connect your Nextcloud account again.';

/** How long a "connected" answer from the server is trusted before it is asked again. */
const STATUS_TTL_MS = 60_000;
/** Conversations whose calendar dialogue (an event awaiting "yes") is kept. */
const MAX_CONVERSATIONS = 32;

export interface CalendarAccessOptions {
  /** The sync server and this workstation's credential; none: there is no calendar here. */
  readonly gateway: GatewayConfig | undefined;
  /** The person's IANA time zone. */
  readonly zone: string;
  readonly now?: () => Date;
}

/**
 * The calendar by voice when this profile has one: signed in to (or enrolled with) a sync server
 * whose Nextcloud this person has connected (`GET /v1/nextcloud/status`). Otherwise it says so
 * plainly. Each conversation has its own dialogue, so an event read back in one conversation is
 * confirmed only there. The workstation never holds a Nextcloud credential: the server relays.
 */
export function nextcloudCalendarAccess(options: CalendarAccessOptions): CalendarAccess {
  const { gateway, zone } = options;
  if (!gateway) return { open: () => Promise.resolve(CALENDAR_NOT_SET_UP) };
  const client = new NextcloudClient({
    serverUrl: gateway.serverUrl,
    token: () => (gateway.bearer ? gateway.bearer() : gateway.deviceKey),
    timeoutMs: 5_000,
  });
  const service = new CalendarService(client, {
    zone,
    ...(options.now ? { now: options.now } : {}),
  });
  const voices = new Map<string, CalendarVoice>();
  let connectedAt = -Infinity;

  /** Undefined when the calendar can be used, else why not (in words). */
  const unusable = async (): Promise<string | undefined> => {
    if (Date.now() - connectedAt < STATUS_TTL_MS) return undefined;
    try {
      const status = await client.status();
      if (!status.configured) return CALENDAR_NOT_SET_UP;
      if (status.state === 'revoked') return REVOKED;
      if (status.state !== 'connected') return NOT_CONNECTED;
    } catch (err) {
      // The server is unreachable or refused: its coded message is what the person hears.
      if (err instanceof CodedError) return err.message;
      throw err;
    }
    connectedAt = Date.now();
    return undefined;
  };

  return {
    open: async (conversationId): Promise<CalendarTurn | string> => {
      const why = await unusable();
      if (why !== undefined) return why;
      let voice = voices.get(conversationId);
      if (!voice) {
        voice = new CalendarVoice(service, { zone, ...(options.now ? { now: options.now } : {}) });
        voices.set(conversationId, voice);
        if (voices.size > MAX_CONVERSATIONS) voices.delete(voices.keys().next().value ?? '');
      }
      const v = voice;
      return {
        handle: async (text) => {
          const reply = await v.handle(text);
          if (reply?.code) connectedAt = -Infinity; // ask the server again next time
          return reply;
        },
      };
    },
  };
}

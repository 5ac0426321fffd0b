import { readFile } from 'node:fs/promises';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { CodedError } from '../../../shared/errors.js';
import type { Contact } from '../../calendar/ics.js';
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
  /**
   * People invitations can go to: a JSON array of `{"name","email"}` (the CLI's `--contacts`
   * format), read when a conversation first uses the calendar. Missing or malformed: nobody is
   * invited, and the read-back says so.
   */
  readonly contactsFile?: string;
}

const CONTACTS = Type.Array(
  Type.Object({ name: Type.String({ minLength: 1 }), email: Type.String({ minLength: 3 }) }),
  { maxItems: 10_000 },
);

async function readContacts(file: string | undefined): Promise<Contact[]> {
  if (file === undefined) return [];
  try {
    const list: unknown = JSON.parse(await readFile(file, 'utf8'));
    return Value.Check(CONTACTS, list) ? list.map((c) => ({ name: c.name, email: c.email })) : [];
  } catch {
    return []; // no contacts file: events are written without invitations
  }
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
        const service = new CalendarService(client, {
          zone,
          contacts: await readContacts(options.contactsFile),
          ...(options.now ? { now: options.now } : {}),
        });
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

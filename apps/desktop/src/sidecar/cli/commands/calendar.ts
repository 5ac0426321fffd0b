import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { DateTime } from 'luxon';
import type { Contact } from '../../calendar/ics.js';
import { NextcloudClient } from '../../calendar/nextcloud-client.js';
import { assertZone } from '../../calendar/parse.js';
import { changeText, choiceText, type FindOutcome } from '../../calendar/edits.js';
import { CalendarService, confirmationText } from '../../calendar/service.js';
import { gatewayConfigFromEnv } from '../../providers/config.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  writeLine,
  type CliIO,
  type Command,
} from '../io.js';

const USAGE = `usage: voiceassist calendar add "TEXT" [--yes] [--calendar ID] [--json] [options]
       voiceassist calendar list --from ISO --to ISO [--calendar ID] [--json] [options]
       voiceassist calendar change "TEXT" [--yes] [--json] [options]

Your Nextcloud calendar through the VoiceAssist server (connect your account first).
  add    understands TEXT ("a meeting tomorrow at 2 pm with Dr. Smith for 30 minutes") on this
         computer, shows the event, who is invited and what it overlaps, and writes it after you
         confirm (--yes writes without asking; without a terminal and without --yes nothing is
         written).
  list   every occurrence in [--from, --to): recurring events expanded, times in ISO 8601 with
         the offset of your time zone; --json prints
         [{"uid","summary","start","end","allDay","recurrenceId"}].
  change moves or cancels an event: "move my 3 pm to Friday", "cancel the staff meeting" (one
         occurrence of a repeating event only). Shows what will change and writes it after you
         confirm (--yes: without asking), guarded by the version read: if the event changed in
         Nextcloud meanwhile nothing is written (exit 1). Several matching events: listed, exit 1.

options:
  --zone TZ         your IANA time zone (default: VOICEASSIST_TIME_ZONE, else this computer's)
  --contacts FILE   JSON [{"name":"Dr. Smith","email":"smith@clinic.example"}]: who can be invited
  --organizer EMAIL your own address (ORGANIZER of events with attendees)
  --now ISO         the moment "tomorrow" is counted from (scripts and tests; default: now)
  --store DIR       the profile folder holding device.key (default: VOICEASSIST_PROFILE_DIR)

env: VOICEASSIST_SERVER_URL and VOICEASSIST_DEVICE_KEY (or DIR/device.key).`;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function readContacts(file: string | undefined, io: CliIO): Promise<Contact[]> {
  if (file === undefined) return [];
  const text = await readFile(path.resolve(io.cwd, file), 'utf8');
  const list: unknown = JSON.parse(text);
  if (
    !Array.isArray(list) ||
    !list.every(
      (c: unknown) =>
        typeof (c as Contact | null)?.name === 'string' &&
        typeof (c as Contact | null)?.email === 'string',
    )
  ) {
    throw new UsageError('--contacts is a JSON array of {"name","email"}');
  }
  return list as Contact[];
}

function instant(raw: unknown, flag: string, zone: string): Date {
  const s = str(raw);
  if (s === undefined) throw new UsageError(`give ${flag} ISO`);
  const d = DateTime.fromISO(s, { zone });
  if (!d.isValid) throw new UsageError(`${flag} is not an ISO 8601 date or time`);
  return d.toJSDate();
}

async function confirm(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const command: Command = {
  name: 'calendar',
  summary:
    'your Nextcloud calendar: add, move or cancel an event from a sentence, list occurrences',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'add' && sub !== 'list' && sub !== 'change') {
      throw new UsageError('give add, list or change');
    }
    const { values, positionals } = parseCommandArgs(rest, {
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
      calendar: { type: 'string' },
      zone: { type: 'string' },
      contacts: { type: 'string' },
      organizer: { type: 'string' },
      now: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      store: { type: 'string' },
    });
    const zone =
      str(values.zone) ??
      io.env.VOICEASSIST_TIME_ZONE ??
      Intl.DateTimeFormat().resolvedOptions().timeZone;
    assertZone(zone);
    const store = str(values.store) ?? io.env.VOICEASSIST_PROFILE_DIR;
    const gateway = gatewayConfigFromEnv(
      io.env,
      store === undefined ? undefined : path.resolve(io.cwd, store),
    );
    if (!gateway) {
      throw new UsageError('set VOICEASSIST_SERVER_URL and VOICEASSIST_DEVICE_KEY (or --store)');
    }
    const client = new NextcloudClient({
      serverUrl: gateway.serverUrl,
      token: () => gateway.deviceKey,
    });
    const now = values.now === undefined ? new Date() : instant(values.now, '--now', zone);
    const organizer = str(values.organizer);
    const service = new CalendarService(client, {
      zone,
      now: () => now,
      contacts: await readContacts(str(values.contacts), io),
      organizer: organizer ? { name: organizer, email: organizer } : undefined,
    });
    const calendarId = str(values.calendar);
    const json = values.json === true;

    if (sub === 'list') {
      const from = instant(values.from, '--from', zone);
      const to = instant(values.to, '--to', zone);
      if (!(from < to)) throw new UsageError('--from must be before --to');
      const list = await service.list(from, to, calendarId);
      if (json) writeLine(io.stdout, JSON.stringify(list));
      else {
        for (const e of list) {
          const when = e.allDay ? `${e.start} (all day)` : `${e.start} – ${e.end}`;
          writeLine(io.stdout, `${when}  ${e.summary}`);
        }
        if (list.length === 0) writeLine(io.stdout, 'No events in that range.');
      }
      return EXIT_OK;
    }

    if (positionals.length !== 1 || !positionals[0]?.trim()) {
      throw new UsageError('give the event as one quoted sentence');
    }
    if (sub === 'change') {
      const text = positionals[0];
      const found: FindOutcome | undefined =
        (await service.prepareMove(text)) ?? (await service.prepareCancel(text));
      if (!found) throw new UsageError('say "move …" or "cancel …"');
      if (found.status === 'ambiguous') {
        writeLine(io.stderr, choiceText(found.candidates, zone));
        if (json)
          writeLine(
            io.stdout,
            JSON.stringify({ written: false, candidates: found.candidates.map((c) => c.instance) }),
          );
        return EXIT_FAILURE;
      }
      const change = found.change;
      const asked = changeText(change, zone);
      let yes = values.yes === true;
      if (!yes && io.interactive) yes = await confirm(io, asked);
      else if (!yes) writeLine(io.stderr, `${asked}\nNot written: add --yes to write it.`);
      const outcome = yes ? await service.apply(change) : null;
      if (outcome?.status === 'changed') {
        writeLine(
          io.stderr,
          'The event changed in Nextcloud since it was read; nothing was written. Look at it and try again.',
        );
      }
      if (json) {
        writeLine(
          io.stdout,
          JSON.stringify({
            written: outcome?.status === 'written',
            kind: change.kind,
            event: change.event.instance,
            to: change.to,
            occurrence: change.occurrence,
            conflicts: change.conflicts,
          }),
        );
      } else if (outcome?.status === 'written') writeLine(io.stdout, `Done: ${asked.slice(0, -1)}`);
      return outcome === null || outcome.status === 'written' ? EXIT_OK : EXIT_FAILURE;
    }
    const prepared = await service.prepare(positionals[0], calendarId);
    const question = confirmationText(prepared);
    let write = values.yes === true;
    if (!write && io.interactive) write = await confirm(io, question);
    else if (!write) writeLine(io.stderr, `${question}\nNot written: add --yes to write it.`);
    const written = write ? await service.write(prepared) : null;
    const d = prepared.draft;
    if (json) {
      writeLine(
        io.stdout,
        JSON.stringify({
          written: written !== null,
          calendar: prepared.calendar.id,
          name: written?.name ?? null,
          uid: prepared.uid,
          summary: d.summary,
          start: d.start,
          end: d.end,
          allDay: d.allDay,
          attendees: [
            ...prepared.invited.map((c) => ({ name: c.name, email: c.email })),
            ...prepared.unresolved.map((name) => ({ name, email: null })),
          ],
          conflicts: prepared.conflicts,
        }),
      );
    } else {
      writeLine(io.stdout, written ? `Added: ${question.slice(4, -1)}` : question);
    }
    return written || !write ? EXIT_OK : EXIT_FAILURE;
  },
};

import { randomUUID } from 'node:crypto';
import type {
  CalendarCardDto,
  CalendarEventDto,
  CalendarStatusDto,
  ConfirmOutput,
  EventsOutput,
  PrepareInput,
  PrepareOutput,
  QueuedChangeDto,
} from '../../shared/calendar.js';
import { CodedError } from '../../shared/errors.js';
import { gatewayConfigFromEnv } from '../providers/config.js';
import type { Handlers } from '../rpc/server.js';
import type { Db } from '../store/database.js';
import {
  changeText,
  choiceText,
  codeOf,
  spokenWhen,
  type ChangeOutcome,
  type FindOutcome,
  type FoundEvent,
  type PreparedChange,
} from './edits.js';
import { nextcloudError, NextcloudClient } from './nextcloud-client.js';
import { CalendarOutbox, type QueuedChange } from './outbox.js';
import { assertZone } from './parse.js';
import {
  CalendarService,
  confirmationText,
  type PreparedEvent,
  type SelectOutcome,
} from './service.js';

type CalendarCall =
  | 'calendar.status'
  | 'calendar.events'
  | 'calendar.prepare'
  | 'calendar.confirm'
  | 'calendar.discardQueued';

export type CalendarRpcOptions = Readonly<{
  env: NodeJS.ProcessEnv;
  /** The profile's encrypted store (for the outbox); undefined without a profile. */
  store: () => Promise<Db | undefined>;
  /** The signed-in person's access token, when the workstation has no device key. */
  bearer?: (() => Promise<string>) | undefined;
  now?: () => Date;
}>;

type Pending = { kind: 'add'; event: PreparedEvent } | { kind: 'change'; change: PreparedChange };

/** Cards older than this are dropped: a confirmation refers to what was just read back. */
const CARD_TTL_MS = 15 * 60_000;
const MAX_CARDS = 20;

export const CHANGED_MESSAGE =
  'This event changed in Nextcloud since it was shown; check it as it is now and try again.';
export const GONE_MESSAGE = 'This event is no longer in Nextcloud.';
export const QUEUED_MESSAGE =
  'Nextcloud cannot be reached now; the change is kept on this workstation and will be written when it is back.';

export function eventDto(f: FoundEvent): CalendarEventDto {
  return {
    ...f.instance,
    calendar: f.calendar,
    calendarName: f.calendarName,
    readOnly: f.readOnly,
    name: f.name,
    etag: f.etag,
  };
}

const queuedDto = (q: QueuedChange): QueuedChangeDto => ({
  id: q.id,
  kind: q.kind,
  summary: q.summary,
  start: q.change.start,
  state: q.state,
  code: q.code,
  createdAt: q.createdAt,
});

/**
 * The Calendar view's calls: the person's Nextcloud calendar through the sync server (the
 * workstation holds no Nextcloud credential). Prepared cards are kept here by id until confirmed
 * or dropped; confirmed changes that cannot be written now go to the outbox in the encrypted store.
 */
export class CalendarRpc {
  private readonly cards = new Map<string, { at: number; pending: Pending }>();
  private readonly now: () => Date;
  readonly zone: string;

  constructor(private readonly opts: CalendarRpcOptions) {
    this.now = opts.now ?? (() => new Date());
    const zone = opts.env.VOICEASSIST_TIME_ZONE?.trim();
    this.zone =
      zone === undefined || zone === '' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
    assertZone(this.zone);
  }

  private client(): NextcloudClient | undefined {
    const gw = gatewayConfigFromEnv(
      this.opts.env,
      this.opts.env.VOICEASSIST_PROFILE_DIR,
      this.opts.bearer,
    );
    if (!gw) return undefined;
    const bearer = gw.bearer;
    return new NextcloudClient({
      serverUrl: gw.serverUrl,
      token: bearer ? () => bearer() : () => gw.deviceKey,
    });
  }

  /** The service for one call (cheap): the server client and, with a profile, the outbox. */
  async service(): Promise<CalendarService> {
    const client = this.client();
    if (!client) throw nextcloudError('NEXTCLOUD_NOT_CONFIGURED');
    const db = await this.opts.store().catch(() => undefined);
    return new CalendarService(client, {
      zone: this.zone,
      now: this.now,
      ...(db ? { outbox: new CalendarOutbox(db, this.now) } : {}),
    });
  }

  async status(): Promise<CalendarStatusDto> {
    const base = { zone: this.zone, login: null, webUrl: null };
    const client = this.client();
    if (!client) {
      return {
        ...base,
        configured: false,
        state: 'not_configured',
        detail: 'No VoiceAssist server is set up for this workstation.',
      };
    }
    try {
      const s = await client.status();
      if (!s.configured) {
        return {
          ...base,
          configured: false,
          state: 'not_configured',
          detail: 'The VoiceAssist server has no Nextcloud.',
        };
      }
      return {
        ...base,
        configured: true,
        state: s.state,
        login: s.login,
        webUrl: s.webUrl,
        detail: '',
      };
    } catch (e) {
      if (!(e instanceof CodedError)) throw e;
      return { ...base, configured: false, state: 'unreachable', detail: e.message };
    }
  }

  async events(from: string, to: string): Promise<EventsOutput> {
    const [a, b] = [new Date(from), new Date(to)];
    if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime()) || !(a < b)) {
      throw new CodedError(
        'RPC_INVALID_INPUT',
        'from and to must be ISO 8601 instants, from before to.',
      );
    }
    const service = await this.service();
    try {
      await service.flush();
    } catch {
      // Writing the queue is retried on every read; reading the calendar still goes ahead.
    }
    try {
      const events = (await service.findEvents(a, b)).map(eventDto);
      return { events, queued: service.queued().map(queuedDto) };
    } catch (e) {
      if (!(e instanceof CodedError)) throw e;
      const code = codeOf(e) ?? 'NEXTCLOUD_ERROR';
      return {
        events: [],
        queued: service.queued().map(queuedDto),
        error: { code, message: e.message },
      };
    }
  }

  private keep(pending: Pending): string {
    const t = this.now().getTime();
    for (const [id, c] of this.cards) if (t - c.at > CARD_TTL_MS) this.cards.delete(id);
    while (this.cards.size >= MAX_CARDS) {
      const oldest = this.cards.keys().next().value;
      if (oldest === undefined) break;
      this.cards.delete(oldest);
    }
    const id = randomUUID();
    this.cards.set(id, { at: t, pending });
    return id;
  }

  private changeCard(change: PreparedChange): CalendarCardDto {
    const e = change.event.instance;
    const to = change.to ?? { start: e.start, end: e.end, allDay: e.allDay };
    return {
      id: this.keep({ kind: 'change', change }),
      kind: change.kind,
      text: changeText(change, this.zone),
      summary: e.summary,
      start: to.start,
      end: to.end,
      allDay: to.allDay,
      calendarName: change.event.calendarName,
      occurrence: change.occurrence,
      conflicts: change.conflicts.map((c) => ({ summary: c.summary, start: c.start })),
    };
  }

  private fromFind(o: FindOutcome | SelectOutcome): PrepareOutput {
    if (o.status === 'ready') return { status: 'ready', card: this.changeCard(o.change) };
    if (o.status === 'ambiguous') {
      return {
        status: 'ambiguous',
        question: choiceText(o.candidates, this.zone),
        candidates: o.candidates.map(eventDto),
      };
    }
    return {
      status: 'changed',
      message: o.latest ? CHANGED_MESSAGE : GONE_MESSAGE,
      latest: o.latest ? eventDto(o.latest) : null,
    };
  }

  async prepare(input: PrepareInput): Promise<PrepareOutput> {
    const service = await this.service();
    if ('text' in input) {
      const found =
        (await service.prepareMove(input.text)) ?? (await service.prepareCancel(input.text));
      if (found) return this.fromFind(found);
      const p = await service.prepare(input.text);
      return {
        status: 'ready',
        card: {
          id: this.keep({ kind: 'add', event: p }),
          kind: 'add',
          text: confirmationText(p),
          summary: p.draft.summary,
          start: p.draft.start,
          end: p.draft.end,
          allDay: p.draft.allDay,
          calendarName: p.calendar.displayName,
          occurrence: false,
          conflicts: p.conflicts.map((c) => ({ summary: c.summary, start: c.start })),
        },
      };
    }
    if ('move' in input) {
      const { start, end, allDay } = input;
      return this.fromFind(await service.prepareMoveOf(input.move, { start, end, allDay }));
    }
    if ('cancel' in input) return this.fromFind(await service.prepareCancelOf(input.cancel));
    const again = await service.reviewQueued(input.queued);
    if (!again) throw nextcloudError('NEXTCLOUD_NOT_FOUND', 'no such queued change');
    return this.fromFind(again);
  }

  private describe(p: Pending, o: ChangeOutcome): ConfirmOutput {
    if (o.status === 'queued') return { status: 'queued', message: QUEUED_MESSAGE, latest: null };
    if (o.status === 'changed') {
      return {
        status: 'changed',
        message: o.latest ? CHANGED_MESSAGE : GONE_MESSAGE,
        latest: o.latest ? eventDto(o.latest) : null,
      };
    }
    let message: string;
    if (p.kind === 'add') message = `Added "${p.event.draft.summary}".`;
    else {
      const e = p.change.event.instance;
      message =
        p.change.kind === 'cancel' || !p.change.to
          ? `Cancelled "${e.summary}".`
          : `Moved "${e.summary}" to ${spokenWhen(p.change.to.start, p.change.to.allDay, this.zone)}.`;
    }
    return { status: 'written', message, latest: null };
  }

  async confirm(id: string, confirm: boolean): Promise<ConfirmOutput> {
    const card = this.cards.get(id);
    if (!card) throw nextcloudError('CALENDAR_CARD_EXPIRED');
    this.cards.delete(id);
    if (!confirm) return { status: 'discarded', message: 'Nothing was changed.', latest: null };
    const service = await this.service();
    const p = card.pending;
    // Without a profile there is no outbox: then the unreachable error is the answer.
    const o = p.kind === 'add' ? await service.confirmAdd(p.event) : await service.apply(p.change);
    return this.describe(p, o);
  }

  handlers(): Pick<Handlers, CalendarCall> {
    return {
      'calendar.status': () => this.status(),
      'calendar.events': ({ from, to }) => this.events(from, to),
      'calendar.prepare': (input) => this.prepare(input),
      'calendar.confirm': ({ id, confirm }) => this.confirm(id, confirm),
      'calendar.discardQueued': async ({ id }) => ({
        discarded: (await this.service()).discardQueued(id),
      }),
    };
  }
}

import { Value } from 'typebox/value';
import type { Static, TSchema } from 'typebox';
import {
  CalendarObject,
  CalendarsResponse,
  EventsResponse,
  FilesListResponse,
  LoginPollResponse,
  LoginStartResponse,
  NEXTCLOUD_PATHS as P,
  NextcloudStatus,
  PutFileResponse,
  PutObjectResponse,
  type CalendarInfo,
  type NextcloudErrorCode,
  type PutObjectRequest,
} from '@voiceassist/contract';
import { CodedError, ERROR_AREAS, isErrorCode, type ErrorCode } from '../../shared/errors.js';
import { identityError } from '../identity/errors.js';

/** Every Nextcloud refusal the server can send is registered (typecheck fails otherwise). */
type Unregistered = Exclude<NextcloudErrorCode, ErrorCode>;
export const NEXTCLOUD_CODES_REGISTERED: [Unregistered] extends [never] ? true : Unregistered =
  true;

export const NEXTCLOUD_ERRORS = ERROR_AREAS.nextcloud;
export type NextcloudAreaCode = keyof typeof NEXTCLOUD_ERRORS;
export const nextcloudError = (code: NextcloudAreaCode, detail?: string): CodedError =>
  new CodedError(code, detail ? `${NEXTCLOUD_ERRORS[code]} (${detail})` : NEXTCLOUD_ERRORS[code]);

export type NextcloudClientOptions = Readonly<{
  /** The sync server, e.g. https://voiceassist.clinic.example (no trailing slash needed). */
  serverUrl: string;
  /** The device key or the signed-in person's access token (sent as Bearer). */
  token: () => Promise<string> | string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}>;

/**
 * The sync server's Nextcloud relay (`/v1/nextcloud/*`, shapes in @voiceassist/contract). The
 * workstation never holds a Nextcloud credential: the server relays CalDAV and WebDAV with the
 * person's stored app password. Answers are validated; the server's coded refusals become
 * CodedErrors with its code and message; a network failure is SERVER_UNREACHABLE.
 */
export class NextcloudClient {
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: NextcloudClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  private async request(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string | undefined>,
    body?: { json: unknown } | { bytes: Uint8Array },
  ): Promise<Response> {
    const url = new URL(path, this.opts.serverUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.opts.token()}`,
    };
    let payload: RequestInit['body'];
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/octet-stream';
      payload = body.bytes;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (e) {
      throw identityError('SERVER_UNREACHABLE', (e as Error).name);
    }
    if (!res.ok) {
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        throw identityError('SERVER_PROTOCOL', `HTTP ${res.status} without JSON`);
      }
      const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (isErrorCode(err?.code) && typeof err.message === 'string') {
        throw new CodedError(err.code, err.message);
      }
      throw identityError('SERVER_PROTOCOL', `HTTP ${res.status}`);
    }
    return res;
  }

  private async json<S extends TSchema>(
    schema: S,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string | undefined> = {},
    body?: unknown,
  ): Promise<Static<S>> {
    const res = await this.request(
      method,
      path,
      query,
      body === undefined ? undefined : { json: body },
    );
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw identityError('SERVER_PROTOCOL', `${path} without JSON`);
    }
    if (!Value.Check(schema, json)) throw identityError('SERVER_PROTOCOL', path);
    return json;
  }

  status(): Promise<NextcloudStatus> {
    return this.json(NextcloudStatus, 'GET', P.status);
  }

  /** Nextcloud Login Flow v2: open `loginUrl` in the system browser, then poll. */
  loginStart(): Promise<LoginStartResponse> {
    return this.json(LoginStartResponse, 'POST', P.loginStart, {}, {});
  }

  loginPoll(flowId: string): Promise<LoginPollResponse> {
    return this.json(LoginPollResponse, 'POST', P.loginPoll, {}, { flowId });
  }

  async calendars(): Promise<CalendarInfo[]> {
    return (await this.json(CalendarsResponse, 'GET', P.calendars)).calendars;
  }

  /** Objects with an instance in [from, to) (ISO 8601); expand them with calendar/ics.ts. */
  async events(calendar: string, from: string, to: string): Promise<CalendarObject[]> {
    return (await this.json(EventsResponse, 'GET', P.events, { calendar, from, to })).objects;
  }

  object(calendar: string, name: string): Promise<CalendarObject> {
    return this.json(CalendarObject, 'GET', P.object, { calendar, name });
  }

  /** Create (no etag; refused if the name exists) or replace (etag; 412 → NEXTCLOUD_CONFLICT). */
  putObject(req: PutObjectRequest): Promise<PutObjectResponse> {
    return this.json(PutObjectResponse, 'PUT', P.object, {}, req);
  }

  async deleteObject(calendar: string, name: string, etag: string): Promise<void> {
    await this.request('DELETE', P.object, { calendar, name, etag }).then((r) => r.body?.cancel());
  }

  listFolder(path: string): Promise<FilesListResponse> {
    return this.json(FilesListResponse, 'GET', P.filesList, { path });
  }

  /** A file's bytes and the ETag they were read at. */
  async download(path: string): Promise<{ bytes: Buffer; etag: string | null }> {
    const res = await this.request('GET', P.filesContent, { path });
    return { bytes: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag') };
  }

  async upload(path: string, bytes: Uint8Array, overwrite = false): Promise<PutFileResponse> {
    const res = await this.request(
      'PUT',
      P.filesContent,
      { path, overwrite: overwrite ? 'true' : undefined },
      { bytes },
    );
    const json: unknown = await res.json();
    if (!Value.Check(PutFileResponse, json)) throw identityError('SERVER_PROTOCOL', path);
    return json;
  }
}

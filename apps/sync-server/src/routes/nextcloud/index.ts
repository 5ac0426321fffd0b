import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  CalendarsResponse,
  DeleteObjectQuery,
  EventsQuery,
  EventsResponse,
  CalendarObject,
  FileContentQuery,
  FilesListQuery,
  FilesListResponse,
  LoginPollRequest,
  LoginPollResponse,
  LoginStartResponse,
  MAX_UPLOAD_BYTES,
  NEXTCLOUD_PATHS as P,
  NextcloudStatus,
  ObjectRef,
  PutFileResponse,
  PutObjectRequest,
  PutObjectResponse,
} from '@voiceassist/contract';
import { AppError } from '../../errors.js';
import { requireNextcloud } from '../../plugins/app/nextcloud.js';

const Empty = Type.Object({}, { additionalProperties: false });

/**
 * `/v1/nextcloud/*`: a person's connection to the clinic's Nextcloud, their calendars (CalDAV)
 * and files (WebDAV), relayed with the app password the server keeps. Roles are in
 * src/auth/route-access.ts; every write is audited (operation and outcome, never content or
 * names: a file or event name can carry a patient's identifiers).
 */
const nextcloud: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const who = (req: FastifyRequest) => {
    const p = req.principal;
    if (!p) throw new AppError('AUTH_REQUIRED');
    return { userId: p.userId, clinicId: p.clinicId, deviceId: p.deviceId, requestId: req.id };
  };
  const service = () => requireNextcloud(app.nextcloud);

  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.get(P.status, { schema: { response: { 200: NextcloudStatus } } }, async (req) => {
    if (!app.nextcloud) {
      return {
        configured: false,
        state: 'not_connected' as const,
        login: null,
        connectedAt: null,
        webUrl: null,
      };
    }
    return app.nextcloud.status(who(req).userId);
  });

  app.post(
    P.loginStart,
    { schema: { body: Type.Optional(Empty), response: { 200: LoginStartResponse } } },
    async (req) => service().startLogin(who(req)),
  );

  app.post(
    P.loginPoll,
    { schema: { body: LoginPollRequest, response: { 200: LoginPollResponse } } },
    async (req) => service().pollLogin(who(req), req.body.flowId),
  );

  app.delete(
    P.connection,
    { schema: { response: { 200: Type.Object({ disconnected: Type.Boolean() }) } } },
    async (req) => ({ disconnected: await service().disconnect(who(req)) }),
  );

  // ---- calendar (CalDAV) ----
  app.get(P.calendars, { schema: { response: { 200: CalendarsResponse } } }, async (req) => ({
    calendars: await service().run(who(req), 'calendar', ({ caldav }) => caldav.calendars()),
  }));

  app.get(
    P.events,
    { schema: { querystring: EventsQuery, response: { 200: EventsResponse } } },
    async (req) => {
      const { calendar, from, to } = req.query;
      if (!(Date.parse(from) < Date.parse(to))) {
        throw new AppError('BAD_REQUEST', '"from" must be before "to".');
      }
      return {
        objects: await service().run(who(req), 'calendar', ({ caldav }) =>
          caldav.events(calendar, from, to),
        ),
      };
    },
  );

  app.get(
    P.object,
    { schema: { querystring: ObjectRef, response: { 200: CalendarObject } } },
    async (req) =>
      service().run(who(req), 'calendar', ({ caldav }) =>
        caldav.get(req.query.calendar, req.query.name),
      ),
  );

  app.put(
    P.object,
    { schema: { body: PutObjectRequest, response: { 200: PutObjectResponse } } },
    async (req) => {
      const b = req.body;
      const { etag } = await service().run(who(req), 'calendar', ({ caldav }) => caldav.put(b), {
        action: 'nextcloud_calendar_write',
        detail: { op: b.etag ? 'update' : 'create' },
      });
      return { calendar: b.calendar, name: b.name, etag };
    },
  );

  app.delete(
    P.object,
    {
      schema: {
        querystring: DeleteObjectQuery,
        response: { 200: Type.Object({ deleted: Type.Boolean() }) },
      },
    },
    async (req) => {
      const q = req.query;
      await service().run(
        who(req),
        'calendar',
        ({ caldav }) => caldav.delete(q.calendar, q.name, q.etag),
        { action: 'nextcloud_calendar_write', detail: { op: 'delete' } },
      );
      return { deleted: true };
    },
  );

  // ---- files (WebDAV) ----
  app.get(
    P.filesList,
    { schema: { querystring: FilesListQuery, response: { 200: FilesListResponse } } },
    async (req) => service().run(who(req), 'files', ({ webdav }) => webdav.list(req.query.path)),
  );

  app.get(P.filesContent, { schema: { querystring: FileContentQuery } }, async (req, reply) => {
    const file = await service().run(who(req), 'files', ({ webdav }) =>
      webdav.download(req.query.path),
    );
    // Bytes for the workstation's ingestion, never rendered by a browser from here.
    reply.header('content-type', 'application/octet-stream');
    reply.header('x-content-type-options', 'nosniff');
    if (file.etag) reply.header('etag', file.etag);
    if (file.length !== null) reply.header('content-length', file.length);
    return reply.send(file.body);
  });

  app.put(
    P.filesContent,
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: { querystring: FileContentQuery, response: { 200: PutFileResponse } },
    },
    async (req) => {
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as application/octet-stream.');
      }
      const path = req.query.path;
      const { etag } = await service().run(
        who(req),
        'files',
        ({ webdav }) => webdav.upload(path, body, req.query.overwrite === 'true'),
        { action: 'nextcloud_file_write', detail: { op: 'upload', bytes: body.length } },
      );
      return { path, etag };
    },
  );

  done();
};

export default nextcloud;

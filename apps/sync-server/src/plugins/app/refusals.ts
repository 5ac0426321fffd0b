import http from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, errorBody, isAppError, type ErrorCode } from '../../errors.js';

/**
 * One shape for every refusal: `{"error":{"code","message"}}` with a registered code, whatever
 * refused the request (our code, schema validation, Fastify's body parser, Node's HTTP parser, the
 * router). Client faults are logged at warn with their code only (no stack, no content); only our
 * own failures are errors.
 */

/** Fastify's own client errors, by its code, as ours (with messages that never echo the body). */
const FASTIFY_CODES: Readonly<Record<string, { code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is over 1 MiB; send less at a time.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'BAD_REQUEST',
    message: 'The body is empty; send a JSON object.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_REQUEST', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    message: 'The content-length does not match the body.',
  },
};

/** HTTP statuses of other 4xx errors thrown at us, as our codes. */
const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
};

type Refusal = Readonly<{ code: ErrorCode; message: string; status: number; deviceFault: boolean }>;

function refusalOf(err: FastifyError): Refusal | undefined {
  if (isAppError(err)) {
    return {
      code: err.code,
      message: err.message,
      status: err.statusCode,
      deviceFault: err.deviceFault,
    };
  }
  if (err.validation) {
    // Ajv's messages name the path and the rule, never the value.
    return { code: 'BAD_REQUEST', message: err.message, status: 400, deviceFault: false };
  }
  const known = FASTIFY_CODES[err.code];
  if (known) {
    const { status, message } = ERRORS[known.code];
    return { code: known.code, message: known.message ?? message, status, deviceFault: false };
  }
  // A SyntaxError from the JSON parser carries a snippet of the body in its message: never echoed.
  if (err instanceof SyntaxError || err.statusCode === 400) {
    const message = 'The body is not valid JSON.';
    return { code: 'BAD_REQUEST', message, status: 400, deviceFault: false };
  }
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'BAD_REQUEST';
    return { code, message: ERRORS[code].message, status: ERRORS[code].status, deviceFault: false };
  }
  return undefined;
}

/** Routes as registered (method and path pattern), to tell a wrong method (405) from 404. */
class RouteTable {
  private readonly routes: { pattern: RegExp; method: string }[] = [];
  add(method: string | string[], url: string): void {
    const pattern = new RegExp(
      `^${url
        .split('/')
        .map((seg) =>
          seg.startsWith(':')
            ? '[^/]+'
            : seg === '*'
              ? '.*'
              : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/')}/?$`,
    );
    for (const m of Array.isArray(method) ? method : [method])
      this.routes.push({ pattern, method: m });
  }
  /** The methods the path takes, or none when no route has that path. */
  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  }
}

/**
 * Node's HTTP parser refused the request before Fastify saw it (headers too large, a malformed
 * request line, a slow client): answered in our shape, then the connection is closed.
 */
export function clientErrorHandler(
  this: { log: FastifyBaseLogger },
  err: NodeJS.ErrnoException & { code?: string },
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST';
  const { status } = ERRORS[code];
  const message = code === 'BAD_REQUEST' ? 'The request is not valid HTTP.' : ERRORS[code].message;
  this.log.warn({ code, parser: err.code }, 'client error');
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const NUL = /%00|\0/i;

export type RefusalsOptions = {
  /** A device's request failed by its own fault (counted against its failure limit). */
  onDeviceFault?: (req: FastifyRequest, code: ErrorCode, deviceFault: boolean) => void;
};

/** The error and not-found handlers and the path checks every route shares. */
export default fp<RefusalsOptions>(
  (app, opts, done) => {
    const routes = new RouteTable();
    app.addHook('onRoute', (r) => routes.add(r.method, r.url));

    // A NUL byte has no business in a path, and PostgreSQL text cannot hold one.
    app.addHook('onRequest', (req, reply, next) => {
      if (!NUL.test(req.url)) return next();
      req.log.warn({ code: 'BAD_REQUEST' }, 'refused: NUL in path');
      void reply.code(400).send(errorBody('BAD_REQUEST', 'The path contains a NUL character.'));
    });

    const refuse = (req: FastifyRequest, reply: FastifyReply, r: Refusal) => {
      if (r.status >= 500) req.log.error({ code: r.code }, 'request failed');
      else if (r.code === 'CLIENT_CANCELLED') req.log.info({ code: r.code }, 'client hung up');
      else req.log.warn({ code: r.code, status: r.status }, 'request refused');
      if (req.principal) opts.onDeviceFault?.(req, r.code, r.deviceFault);
      return reply.code(r.status).send(errorBody(r.code, r.message));
    };

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const r = refusalOf(err);
      if (r) return refuse(req, reply, r);
      // The pool could not hand out a connection in time (PostgreSQL overloaded or down).
      if (err.message === 'timeout exceeded when trying to connect') {
        req.log.warn({ code: 'DB_UNAVAILABLE' }, 'database pool exhausted');
        return reply.code(503).send(errorBody('DB_UNAVAILABLE'));
      }
      // Our own failure. Its message may hold request content: only its code and name are logged.
      req.log.error({ code: err.code, name: err.name }, 'unhandled error');
      if (req.principal) opts.onDeviceFault?.(req, 'INTERNAL', false);
      return reply.code(500).send(errorBody('INTERNAL'));
    });

    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0] ?? '/';
      const methods = routes.methodsFor(path);
      if (methods.length === 0) {
        req.log.warn({ code: 'NOT_FOUND' }, 'request refused');
        return reply.code(404).send(errorBody('NOT_FOUND'));
      }
      req.log.warn({ code: 'METHOD_NOT_ALLOWED', method: req.method }, 'request refused');
      return reply
        .code(405)
        .header('allow', methods.join(', '))
        .send(
          errorBody(
            'METHOD_NOT_ALLOWED',
            `This path takes ${methods.join(', ')}, not ${req.method}.`,
          ),
        );
    });
    done();
  },
  { name: 'refusals' },
);

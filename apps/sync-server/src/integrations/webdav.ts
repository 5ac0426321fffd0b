import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  createClient,
  parseXML,
  prepareFileFromProps,
  type DAVResultResponse,
  type WebDAVClient,
} from 'webdav';
import type { FileEntry } from '@voiceassist/contract';
import { AppError } from '../errors.js';
import { DavStatusError, davError } from '../nextcloud/dav-errors.js';
import type { DavAccess } from './caldav.js';

/** What one listing asks for: Nextcloud's file id where the server has it (oc:fileid). */
const PROPFIND_BODY = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
  <d:prop>
    <d:getetag/><d:getlastmodified/><d:getcontentlength/><d:getcontenttype/><d:resourcetype/>
    <oc:fileid/>
  </d:prop>
</d:propfind>`;

/** "/a/b" with no "." or ".." segments, no backslashes or NULs; "/" is the root. */
export function normalisePath(p: string): string {
  if (!p.startsWith('/') || p.length > 4096 || p.includes('\\') || p.includes('\0')) {
    throw new AppError('BAD_REQUEST', 'A file path starts with "/" and names a file or folder.');
  }
  const parts = p.split('/').filter(Boolean);
  if (parts.some((s) => s === '.' || s === '..')) {
    throw new AppError('BAD_REQUEST', 'A file path may not contain "." or ".." segments.');
  }
  return `/${parts.join('/')}`;
}

/** What `customRequest` gives back (node-fetch 3 under the `webdav` client): the parts we use. */
type DavResponse = Readonly<{
  status: number;
  headers: { get(name: string): string | null; has(name: string): boolean };
  body: unknown;
  text(): Promise<string>;
}>;

/** node-fetch bodies are Node streams; a WHATWG fetch body is converted. */
const nodeStream = (body: unknown): Readable =>
  body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>);

/** ETags as the listing gives them (the client strips W/ and quotes): comparable everywhere. */
export const bareEtag = (etag: string | null): string | null =>
  etag === null ? null : etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

const discard = (res: DavResponse) => {
  if (res.body instanceof Readable) res.body.resume();
};

/**
 * WebDAV for one person (`webdav` client) at their files root: a folder's direct children in one
 * PROPFIND (with ETags, so the workstation can tell what changed without downloading), file
 * bytes streamed through, uploads that never replace an existing file unless asked to.
 */
export class WebDav {
  private readonly client: WebDAVClient;
  private readonly rootPath: string;

  constructor(
    private readonly access: DavAccess,
    /** Nextcloud's web address, for links that open a file there. */
    private readonly webBase: string | undefined,
  ) {
    this.client = createClient(access.url, {
      username: access.login,
      password: access.appPassword,
    });
    this.rootPath = decodeURIComponent(new URL(access.url).pathname).replace(/\/+$/, '');
  }

  /** The full URL of a path (the client's own joining drops a folder's trailing slash). */
  private urlOf(path: string, folder: boolean): string {
    const encoded = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    return new URL(`${encoded}${folder && encoded ? '/' : ''}`, this.access.url).href;
  }

  private signal() {
    return AbortSignal.timeout(this.access.timeoutMs);
  }

  private relative(href: string): string {
    const p = decodeURIComponent(new URL(href, this.access.url).pathname).replace(/\/+$/, '');
    return p.startsWith(this.rootPath) ? p.slice(this.rootPath.length) || '/' : p || '/';
  }

  private webUrl(path: string, type: 'file' | 'folder', fileId: string | null): string | null {
    if (!this.webBase) return null;
    if (fileId) return `${this.webBase}/index.php/f/${encodeURIComponent(fileId)}`;
    const slash = path.lastIndexOf('/');
    const dir = type === 'folder' ? path : path.slice(0, slash) || '/';
    const q = new URLSearchParams({ dir });
    if (type === 'file') q.set('scrollto', path.slice(slash + 1));
    return `${this.webBase}/index.php/apps/files/?${q.toString()}`;
  }

  private entry(
    r: DAVResultResponse & { propstat: NonNullable<DAVResultResponse['propstat']> },
  ): FileEntry {
    const path = this.relative(r.href);
    const props = r.propstat.prop;
    const stat = prepareFileFromProps(props, path, false);
    const type = stat.type === 'directory' ? 'folder' : 'file';
    const rawId = (props as Record<string, unknown>).fileid;
    const fileId =
      typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) || null : null;
    const modified = stat.lastmod ? new Date(stat.lastmod) : undefined;
    return {
      path,
      name: path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1),
      type,
      etag: bareEtag(stat.etag ?? null),
      lastModified: modified && !Number.isNaN(modified.getTime()) ? modified.toISOString() : null,
      size: type === 'file' ? stat.size : 0,
      mime: stat.mime ?? null,
      fileId,
      webUrl: this.webUrl(path, type, fileId),
    };
  }

  /** The folder and its direct children (PROPFIND, Depth 1). */
  async list(folder: string): Promise<{ folder: FileEntry; entries: FileEntry[] }> {
    const path = normalisePath(folder);
    try {
      const res = (await this.client.customRequest(path, {
        url: this.urlOf(path, true),
        method: 'PROPFIND',
        headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' },
        data: PROPFIND_BODY,
        signal: this.signal(),
      })) as unknown as DavResponse;
      if (res.status !== 207) throw new DavStatusError(res.status);
      const xml = await res.text();
      const result = await parseXML(xml);
      const all = result.multistatus.response.flatMap((r) =>
        r.propstat ? [this.entry({ ...r, propstat: r.propstat })] : [],
      );
      const self = all.find((e) => e.path === path);
      if (self?.type !== 'folder') {
        throw new AppError(
          'NEXTCLOUD_NOT_FOUND',
          'That folder is not (or no longer) in Nextcloud.',
        );
      }
      return { folder: self, entries: all.filter((e) => e !== self) };
    } catch (e) {
      throw davError(e, false);
    }
  }

  /** The file's bytes as a stream, with its ETag and length when the server gives them. */
  async download(file: string): Promise<{
    body: Readable;
    etag: string | null;
    length: number | null;
    mime: string | null;
  }> {
    const path = normalisePath(file);
    try {
      const res = (await this.client.customRequest(path, {
        url: this.urlOf(path, false),
        method: 'GET',
        signal: this.signal(),
      })) as unknown as DavResponse;
      if (!res.body) throw new DavStatusError(502);
      const length = Number(res.headers.get('content-length'));
      return {
        body: nodeStream(res.body),
        etag: bareEtag(res.headers.get('etag')),
        length: Number.isFinite(length) && res.headers.has('content-length') ? length : null,
        mime: res.headers.get('content-type'),
      };
    } catch (e) {
      throw davError(e, false);
    }
  }

  /** Uploads bytes; without `overwrite`, an existing file is refused (NEXTCLOUD_CONFLICT). */
  async upload(file: string, bytes: Buffer, overwrite: boolean): Promise<{ etag: string | null }> {
    const path = normalisePath(file);
    if (path === '/') throw new AppError('BAD_REQUEST', 'Name the file to write.');
    try {
      const res = (await this.client.customRequest(path, {
        url: this.urlOf(path, false),
        method: 'PUT',
        headers: {
          'Content-Type': 'application/octet-stream',
          ...(overwrite ? {} : { 'If-None-Match': '*' }),
        },
        data: bytes,
        signal: this.signal(),
      })) as unknown as DavResponse;
      discard(res);
      return { etag: bareEtag(res.headers.get('etag')) };
    } catch (e) {
      throw davError(e, true);
    }
  }
}

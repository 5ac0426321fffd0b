import type { PutFileResponse } from '@voiceassist/contract';
import { codeOf } from '../calendar/edits.js';
import type { NextcloudClient } from '../calendar/nextcloud-client.js';

export type SaveRequest = Readonly<{
  /** The chosen Nextcloud folder, e.g. "/VoiceAssist" ("/" is the root). */
  folder: string;
  /** Becomes the file name ("Metformin dosing" → "Metformin dosing.md"). */
  title: string;
  /** The answer or the cited passage, as Markdown. */
  markdown: string;
}>;

const MAX_TRIES = 50;

/** A file name Nextcloud and every desktop client accept: no slashes or control characters. */
export function fileNameFor(title: string): string {
  const base = title
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return base === '' || base === '.' || base === '..' ? 'VoiceAssist note' : base;
}

/**
 * "Save this to my files": an answer or a cited source written to the person's Nextcloud through
 * the server's WebDAV route. Never over an existing file: a taken name gets " (2)", " (3)"…
 * Nextcloud's refusals arrive coded (NEXTCLOUD_QUOTA_EXCEEDED, NEXTCLOUD_READ_ONLY…).
 */
export async function saveToFiles(
  client: Pick<NextcloudClient, 'upload'>,
  req: SaveRequest,
): Promise<PutFileResponse> {
  const folder = req.folder.endsWith('/') ? req.folder : `${req.folder}/`;
  const name = fileNameFor(req.title);
  const bytes = new TextEncoder().encode(`# ${req.title.trim()}\n\n${req.markdown.trim()}\n`);
  for (let n = 1; n <= MAX_TRIES; n++) {
    const path = `${folder}${n === 1 ? name : `${name} (${n})`}.md`;
    try {
      return await client.upload(path, bytes);
    } catch (e) {
      if (codeOf(e) !== 'NEXTCLOUD_CONFLICT') throw e;
    }
  }
  throw new Error(`no free name for "${name}" after ${MAX_TRIES} tries`);
}

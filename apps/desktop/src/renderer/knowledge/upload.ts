import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { UPLOAD_PIECE_CHARS } from '../../shared/knowledge.js';
import { SLOW_CALL } from './ui.js';

/** Bytes per piece: their base64 stays within UPLOAD_PIECE_CHARS. */
const PIECE_BYTES = (UPLOAD_PIECE_CHARS / 4) * 3;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function uploadId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Sends files by content (a browser gives no paths), piece by piece, then adds them all in one
 * run. Resolves with the first problem, or null once the run started (progress follows as events).
 */
export async function uploadFiles(
  client: RpcClient,
  files: readonly File[],
  onFile: (name: string) => void,
): Promise<ErrorInfo | null> {
  const paths: string[] = [];
  for (const file of files) {
    onFile(file.name);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const id = uploadId();
    let offset = 0;
    do {
      const piece = bytes.subarray(offset, offset + PIECE_BYTES);
      const last = offset + piece.length >= bytes.length;
      const r = await client.call(
        'knowledge.upload',
        { uploadId: id, name: file.name, offset, data: base64(piece), last },
        SLOW_CALL,
      );
      if (!r.ok) return r.error;
      offset += piece.length;
      if (last && r.value.path) paths.push(r.value.path);
    } while (offset < bytes.length);
  }
  if (paths.length === 0) return null;
  const started = await client.call('knowledge.ingest', { paths }, SLOW_CALL);
  return started.ok ? null : started.error;
}

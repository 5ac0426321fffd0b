/**
 * Maps a URL path onto path segments inside a served folder, or null when it must not be served.
 * Pure and shared so Electron's `app://` handler and web mode's static server apply the SAME rule.
 * Callers still join the segments under their root and check the result stays inside it.
 */
export function safeRelativeSegments(urlPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null; // never clamp: a request that tries to climb is refused
    if (/^[a-zA-Z]:$/.test(segment)) return null; // drive letters
    segments.push(segment);
  }
  if (segments.length === 0) return ['index.html'];
  return segments;
}

/** Content types for what the renderer build emits. */
export function contentTypeFor(fileName: string): string {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  switch (ext) {
    case 'html':
      return 'text/html; charset=utf-8';
    case 'js':
    case 'mjs':
      return 'text/javascript; charset=utf-8';
    case 'css':
      return 'text/css; charset=utf-8';
    case 'json':
      return 'application/json; charset=utf-8';
    case 'svg':
      return 'image/svg+xml';
    case 'png':
      return 'image/png';
    case 'woff2':
      return 'font/woff2';
    case 'wasm':
      return 'application/wasm';
    case 'onnx':
      return 'application/octet-stream';
    case 'ico':
      return 'image/x-icon';
    default:
      return 'application/octet-stream';
  }
}

/**
 * Incremental Server-Sent Events parser: bytes in, the `data:` payload of each complete event
 * out. Only what the gateway sends is handled (data lines, comments, CRLF or LF).
 */
export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const out: string[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (!m) break;
      const block = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
      if (data.length > 0) out.push(data.join('\n'));
    }
    return out;
  }
}

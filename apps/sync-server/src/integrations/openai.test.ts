import { describe, it, expect } from 'vitest';
import { ChatSseReader, type ChatBatch } from './openai.js';

const enc = new TextEncoder();
const reader = (parts: string[]) =>
  new ChatSseReader(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(enc.encode(p));
        c.close();
      },
    }).getReader(),
  );
const ev = (content: string) =>
  JSON.stringify({
    id: 'x',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content } }],
  });

async function all(r: ChatSseReader): Promise<{ batches: ChatBatch[]; error?: string }> {
  const batches: ChatBatch[] = [];
  try {
    for (let b = await r.next(); b; b = await r.next()) batches.push(b);
  } catch (e) {
    return { batches, error: (e as { code?: string }).code };
  }
  return { batches };
}

describe('ChatSseReader', () => {
  it('returns complete events across arbitrary read boundaries, relaying their JSON text unchanged', async () => {
    const text = `data: ${ev('Hel')}\n\n: keep-alive\n\ndata: ${ev('lo')}\r\n\r\ndata: [DONE]\n\n`;
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += 7) parts.push(text.slice(i, i + 7));
    const { batches, error } = await all(reader(parts));
    expect(error).toBeUndefined();
    const chunks = batches.flatMap((b) => b.chunks);
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(['Hel', 'lo']);
    expect(batches.map((b) => b.text).join('')).toBe(`data: ${ev('Hel')}\n\ndata: ${ev('lo')}\n\n`);
    expect(batches.at(-1)?.done).toBe(true);
  });

  it('joins multi-line data with a newline, as SSE does', async () => {
    const json = ev('a');
    const cut = json.indexOf(',') + 1; // a newline between JSON tokens is still JSON
    const { batches } = await all(
      reader([`data: ${json.slice(0, cut)}\ndata:${json.slice(cut)}\n\n`]),
    );
    expect(batches.flatMap((b) => b.chunks).map((c) => c.choices[0]?.delta.content)).toEqual(['a']);
  });

  it('hands out the good events before a malformed one, then fails with PROVIDER_STREAM_BROKEN', async () => {
    const { batches, error } = await all(
      reader([`data: ${ev('ok')}\n\ndata: {"id": "broken", "choices": [\n\n`]),
    );
    expect(batches.flatMap((b) => b.chunks)).toHaveLength(1);
    expect(error).toBe('PROVIDER_STREAM_BROKEN');
  });

  it('an in-band error event or a body cut mid-event is PROVIDER_STREAM_BROKEN', async () => {
    expect((await all(reader([`data: {"error":{"message":"overloaded"}}\n\n`]))).error).toBe(
      'PROVIDER_STREAM_BROKEN',
    );
    expect((await all(reader([`data: ${ev('a')}\n\ndata: {"id"`]))).error).toBe(
      'PROVIDER_STREAM_BROKEN',
    );
  });
});

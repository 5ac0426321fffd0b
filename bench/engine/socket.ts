import WebSocket from 'ws';

/**
 * A minimal client of the engine's web-mode socket, speaking the JSON wire format directly
 * (`{t:'req',seq,method,input}` → `{t:'res',seq,result}`; events `{t:'evt',name,payload}`), so the
 * same bench drives an older engine build for the baseline.
 */
export class EngineSocket {
  private seq = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const msg = JSON.parse(data.toString('utf8')) as {
        t?: string;
        seq?: number;
        result?: unknown;
        name?: string;
        payload?: unknown;
      };
      if (msg.t === 'res' && typeof msg.seq === 'number') {
        this.pending.get(msg.seq)?.(msg.result);
        this.pending.delete(msg.seq);
      } else if (msg.t === 'evt' && typeof msg.name === 'string')
        for (const l of this.listeners) l(msg.name, msg.payload);
    });
  }

  static open(launchUrl: string): Promise<EngineSocket> {
    const url = new URL(launchUrl);
    const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
    const ws = new WebSocket(
      `ws://${url.host}/rpc`,
      ['voiceassist.v1', `voiceassist.token.${token}`],
      { origin: url.origin },
    );
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new EngineSocket(ws)));
      ws.once('error', reject);
    });
  }

  /** Resolves with the call's `value`; rejects with its error code. */
  call(method: string, input: unknown): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (result) => {
        const r = result as { ok: boolean; value?: unknown; error?: { code: string } };
        if (r.ok) resolve(r.value);
        else reject(new Error(`${method}: ${r.error?.code ?? 'unknown error'}`));
      });
      this.ws.send(JSON.stringify({ t: 'req', seq, method, input }));
    });
  }

  /** Resolves with the first event `name` whose payload satisfies `match`. */
  waitFor(name: string, match: (payload: unknown) => boolean): Promise<unknown> {
    return new Promise((resolve) => {
      const l = (n: string, p: unknown): void => {
        if (n !== name || !match(p)) return;
        this.listeners.delete(l);
        resolve(p);
      };
      this.listeners.add(l);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Page-side marks of the heard bench besides the speaker tap (heard-tap.ts), injected with
 * `page.addInitScript` before the app loads, measuring the product as it is:
 *
 * - `__heardPage.keys`: performance.now() of every Space keydown/keyup (capture phase, first
 *   listener on window, auto-repeat ignored): the clinician's key marks;
 * - `__heardPage.micOpenedAt`: when getUserMedia resolved (the fake microphone's file starts then,
 *   so the bench can place each spoken question under a held key);
 * - `__heardPage.events`: the engine's events as the page received them (name, performance.now(),
 *   and for `voice.turnDone` the turn's stage timings), read from the transport's WebSocket.
 */
export interface PageEvent {
  readonly name: string;
  readonly at: number;
  readonly timings?: Readonly<Record<string, number | null>>;
  readonly final?: boolean;
}

export interface PageMarks {
  readonly keys: readonly { readonly type: 'keydown' | 'keyup'; readonly at: number }[];
  readonly micOpenedAt: number | null;
  readonly events: readonly PageEvent[];
}

/** Events worth a mark (audio chunks: the first of each turn is what matters). */
const MARKED = [
  'voice.transcript',
  'voice.answer',
  'voice.speak',
  'voice.audio.chunk',
  'voice.turnDone',
  'voice.state',
];

export const HEARD_PAGE_INIT_SCRIPT = `(() => {
  if (window.__heardPage) return;
  const marks = { keys: [], micOpenedAt: null, events: [] };
  window.__heardPage = marks;
  const onKey = (e) => {
    if (e.code !== 'Space' || e.repeat) return;
    marks.keys.push({ type: e.type, at: performance.now() });
  };
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('keyup', onKey, true);
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => gum(c).then((s) => { marks.micOpenedAt ??= performance.now(); return s; });
  }
  const marked = new Set(${JSON.stringify(MARKED)});
  const Ws = window.WebSocket;
  window.WebSocket = class extends Ws {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (m) => {
        const at = performance.now();
        if (typeof m.data !== 'string') return;
        let msg;
        try { msg = JSON.parse(m.data); } catch { return; }
        if (!msg || msg.t !== 'evt' || !marked.has(msg.name)) return;
        const e = { name: msg.name, at };
        const p = msg.payload || {};
        if (msg.name === 'voice.turnDone' && p.turn) e.timings = p.turn.timings;
        if (msg.name === 'voice.transcript') e.final = p.final === true;
        marks.events.push(e);
      });
    }
  };
})();`;

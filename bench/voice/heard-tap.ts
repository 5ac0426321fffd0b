/**
 * The stop mark of a bench "as the clinician hears it": when the first non-silent sample of an
 * answer reaches the speaker. Injected into the page by the bench (playwright `addInitScript`), so
 * the product's audio code is measured as it is, with nothing added for the bench:
 *
 * - every `AudioContext` the page creates gets a sink (a GainNode) wired to its destination, and
 *   every `connect(ctx.destination)` the page makes is routed into that sink instead;
 * - once an AudioWorklet module loads, the sink feeds an AudioWorklet "tap" that passes audio
 *   through unchanged and, while armed, reports the context frame of the first sample whose
 *   magnitude exceeds the threshold: the sample as it enters the destination, i.e. after
 *   everything the app does to it (queueing, gain, resampling);
 * - that frame is mapped to the page's `performance.now()` timeline through
 *   `AudioContext.getOutputTimestamp()`, which pairs the context time being *played by the output
 *   device* with its performance time: so the mark includes the output latency Chromium reports
 *   (`mark.audibleAt`). `mark.renderedAt` is the same frame's time without the output stage
 *   (`audibleAt − outputLatency`), for those who want "reaches the destination".
 *
 * Marks are read with `window.__heardTap.marks`; `window.__heardTap.arm()` arms every tap for the
 * next answer (each tap fires once per arming). Audio connected before the worklet has loaded
 * plays through the sink directly and is not timed: the bench awaits `window.__heardTap.ready()`
 * before its first turn. Verified in Chromium: a tone scheduled on the context clock is marked
 * within 25 ms of its scheduled time mapped through the same timestamp (heard-tap.test.ts).
 */

/** Samples above this magnitude count as sound (−60 dBFS). */
export const HEARD_THRESHOLD = 0.001;

export interface HeardMark {
  /** performance.now() (page timeline) when the sample is played by the output device. */
  readonly audibleAt: number;
  /** The same sample as it enters the destination: audibleAt − outputLatency. */
  readonly renderedAt: number;
  /** When the main thread heard from the tap (late by a message hop; for diagnostics). */
  readonly reportedAt: number;
  readonly contextFrame: number;
  readonly sampleRate: number;
  readonly outputLatencyMs: number;
  readonly baseLatencyMs: number;
}

const WORKLET_SOURCE = `
class HeardTap extends AudioWorkletProcessor {
  constructor() {
    super();
    this.armed = true;
    this.port.onmessage = (e) => { if (e.data === 'arm') this.armed = true; };
  }
  process(inputs, outputs) {
    const input = inputs[0] || [];
    const output = outputs[0] || [];
    for (let c = 0; c < output.length; c++) {
      const src = input[c] || input[0];
      if (src) output[c].set(src); else output[c].fill(0);
    }
    if (this.armed) {
      for (const ch of input) {
        for (let i = 0; i < ch.length; i++) {
          if (Math.abs(ch[i]) > ${HEARD_THRESHOLD}) {
            this.armed = false;
            this.port.postMessage({ frame: currentFrame + i, sampleRate });
            return true;
          }
        }
      }
    }
    return true;
  }
}
registerProcessor('heard-tap', HeardTap);
`;

/** The page script. Plain JavaScript (it runs in the page, not through our build). */
export const HEARD_TAP_INIT_SCRIPT = `(() => {
  const Original = window.AudioContext;
  if (!Original || window.__heardTap) return;
  const moduleUrl = URL.createObjectURL(new Blob([${JSON.stringify(WORKLET_SOURCE)}], { type: 'text/javascript' }));
  const marks = [];
  const taps = [];
  const pending = [];
  const connect = AudioNode.prototype.connect;
  class TappedAudioContext extends Original {
    constructor(...args) {
      super(...args);
      const sink = this.createGain();
      connect.call(sink, this.destination);
      this.__heardSink = sink;
      const ready = this.audioWorklet.addModule(moduleUrl).then(() => {
        const tap = new AudioWorkletNode(this, 'heard-tap', {
          numberOfInputs: 1,
          numberOfOutputs: 1,
          outputChannelCount: [this.destination.channelCount],
        });
        tap.port.onmessage = (e) => {
          const ts = this.getOutputTimestamp();
          const frameTime = e.data.frame / e.data.sampleRate;
          const audibleAt = ts.performanceTime + (frameTime - ts.contextTime) * 1000;
          const outputLatencyMs = (this.outputLatency || 0) * 1000;
          marks.push({
            audibleAt,
            renderedAt: audibleAt - outputLatencyMs,
            reportedAt: performance.now(),
            contextFrame: e.data.frame,
            sampleRate: e.data.sampleRate,
            outputLatencyMs,
            baseLatencyMs: (this.baseLatency || 0) * 1000,
          });
        };
        sink.disconnect();
        connect.call(sink, tap);
        connect.call(tap, this.destination);
        taps.push(tap);
      });
      pending.push(ready);
    }
  }
  AudioNode.prototype.connect = function (target, ...rest) {
    const sink = this.context && this.context.__heardSink;
    if (sink && target === this.context.destination && this !== sink && !taps.includes(this))
      return connect.call(this, sink, ...rest);
    return connect.call(this, target, ...rest);
  };
  window.AudioContext = TappedAudioContext;
  window.__heardTap = {
    marks,
    arm() { for (const t of taps) t.port.postMessage('arm'); },
    ready() { return Promise.all(pending).then(() => taps.length); },
  };
})();`;

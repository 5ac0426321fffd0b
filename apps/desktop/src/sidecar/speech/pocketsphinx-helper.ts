/**
 * The Python side of the pocketsphinx recogniser, run as `python3 -c HELPER_SOURCE` with Debian's
 * `python3-pocketsphinx` (the SWIG bindings over libpocketsphinx3). Kept as a string so it travels
 * inside the bundled engine (esbuild inlines it) instead of as a loose file beside it.
 *
 * Why a long-lived child process: a native crash or hang in a 2015-era C decoder ends one helper,
 * not the engine; the 27 MB language model loads once (≈1 s), not per turn; and live cepstral mean
 * normalisation carries over between turns, as it should for one microphone.
 *
 * Protocol. stdin: frames of [1 byte type][uint32 LE length][payload]:
 *   S  start a session, payload = session number (ASCII)     A  audio, PCM16 LE at 16 kHz
 *   F  finalize the session                                   C  cancel the session
 * stdout: one JSON object per line, each with `s` (the session number) except `ready`:
 *   {"t":"ready"} | {"t":"interim","text"} | {"t":"segment","text"}
 *   | {"t":"final","text","conf","seconds"} | {"t":"error","message"}
 * Inside a session the decoder ends an utterance at each pause it detects (as
 * pocketsphinx_continuous does): that text is settled (`segment`) and decoding restarts, which
 * also lets the live CMN update. `conf` is the mean word posterior over the session's words.
 */
export const HELPER_SOURCE = String.raw`
import json, struct, sys
from pocketsphinx import Decoder

model, lm, dic = sys.argv[1], sys.argv[2], sys.argv[3]
extra = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
out = sys.stdout
def emit(obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()

config = Decoder.default_config()
config.set_string("-hmm", model)
config.set_string("-lm", lm)
config.set_string("-dict", dic)
config.set_string("-logfn", "/dev/null")
# Streamed input is normalised live (as pocketsphinx_continuous does); feat.params says batch.
config.set_string("-cmn", "live")
for key, value in extra.items():
    if isinstance(value, bool):
        config.set_boolean(key, value)
    elif isinstance(value, int):
        config.set_int(key, value)
    elif isinstance(value, float):
        config.set_float(key, value)
    else:
        config.set_string(key, str(value))
decoder = Decoder(config)
logmath = decoder.get_logmath()
FILLERS = {"<s>", "</s>", "<sil>"}
INTERIM_EVERY = 6400  # bytes of audio (200 ms) between interim hypotheses: hyp() walks the lattice

def read_exact(n):
    buf = b""
    while len(buf) < n:
        chunk = sys.stdin.buffer.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

class Session:
    def __init__(self, sid):
        self.sid = sid
        self.texts, self.probs = [], []
        self.in_speech = False
        self.bytes = 0
        self.since_interim = 0
        self.last_interim = ""
        decoder.start_utt()

    def close_utterance(self):
        decoder.end_utt()
        hyp = decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        if text:
            self.texts.append(text)
            for seg in decoder.seg():
                word = seg.word.split("(")[0]
                if word in FILLERS or word.startswith("[") or word.startswith("+"):
                    continue
                self.probs.append(min(1.0, logmath.exp(seg.prob)))
        return text

    def audio(self, data):
        self.bytes += len(data)
        decoder.process_raw(data, False, False)
        speaking = decoder.get_in_speech()
        if self.in_speech and not speaking:
            text = self.close_utterance()
            decoder.start_utt()
            self.last_interim = ""
            if text:
                emit({"t": "segment", "s": self.sid, "text": text})
        self.in_speech = speaking
        self.since_interim += len(data)
        if self.since_interim >= INTERIM_EVERY:
            self.since_interim = 0
            hyp = decoder.hyp()
            text = hyp.hypstr.strip() if hyp is not None else ""
            if text != self.last_interim:
                self.last_interim = text
                emit({"t": "interim", "s": self.sid, "text": text})

    def finalize(self):
        self.close_utterance()
        conf = sum(self.probs) / len(self.probs) if self.probs else None
        emit({"t": "final", "s": self.sid, "text": " ".join(self.texts), "conf": conf,
              "seconds": self.bytes / 32000.0})

    def cancel(self):
        decoder.end_utt()

emit({"t": "ready"})
session = None
while True:
    header = read_exact(5)
    if header is None:
        break
    kind = header[0:1]
    (length,) = struct.unpack("<I", header[1:5])
    payload = read_exact(length) if length else b""
    if payload is None:
        break
    try:
        if kind == b"S":
            if session is not None:
                session.cancel()
            session = Session(int(payload.decode("ascii")))
        elif kind == b"A" and session is not None:
            session.audio(payload)
        elif kind == b"F" and session is not None:
            session.finalize()
            session = None
        elif kind == b"C" and session is not None:
            session.cancel()
            session = None
    except Exception as error:
        sid = session.sid if session is not None else None
        emit({"t": "error", "s": sid, "message": type(error).__name__})
        session = None
`;

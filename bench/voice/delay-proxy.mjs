// A TCP proxy that adds a network round trip between the workstation and the sync server, for
// benchmarks on a machine whose kernel has no `netem` qdisc (checked: `tc qdisc add … netem`
// answers "Specified qdisc kind is unknown"). Every byte is held RTT/2 in each direction, in
// order; a new connection reaches the server one RTT later (the TCP handshake), with what the
// client sent meanwhile queued. Bandwidth and loss are not simulated: only latency.
//
// Run in a process of its own, so the engine's event loop cannot delay it:
//   node bench/voice/delay-proxy.mjs --target http://127.0.0.1:PORT --rtt-ms 20
// prints `proxy listening on http://127.0.0.1:PORT` once ready, reports each new connection to its
// parent as `{ connection: true }` (IPC), and stops on SIGTERM or when that channel closes.
import net from 'node:net';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const target = new URL(arg('--target', ''));
const rttMs = Number(arg('--rtt-ms', '0'));
if (!Number.isFinite(rttMs) || rttMs < 0) throw new Error('--rtt-ms: a number ≥ 0');
const oneWay = rttMs / 2;

/** Writes each chunk `delay` ms after it was read; timers of one duration fire in order. */
function pipeDelayed(from, to, delay) {
  from.on('data', (chunk) => {
    if (delay === 0) to.write(chunk);
    else setTimeout(() => to.destroyed || to.write(chunk), delay);
  });
  from.on('end', () => setTimeout(() => to.destroyed || to.end(), delay));
  from.on('error', () => setTimeout(() => to.destroy(), delay));
  from.on('close', () => setTimeout(() => to.destroy(), delay + 1));
}

const sockets = new Set();
const server = net.createServer({ noDelay: true }, (client) => {
  sockets.add(client);
  process.send?.({ connection: true });
  client.on('close', () => sockets.delete(client));
  client.pause(); // queued until the upstream connection is "open"
  setTimeout(() => {
    const upstream = net.connect({
      host: target.hostname,
      port: Number(target.port),
      noDelay: true,
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      pipeDelayed(client, upstream, oneWay);
      pipeDelayed(upstream, client, oneWay);
      client.resume();
    });
    upstream.once('error', () => client.destroy());
  }, rttMs);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`proxy listening on http://127.0.0.1:${port}`);
});

const stop = () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);

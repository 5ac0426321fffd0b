// The provider stand-ins in a process of their own (harness/gateway.ts `standinsProcess`): a real
// provider is never slowed down by the workstation's own work, so benchmarks must not run the
// stand-ins on the engine's event loop. Options come in VOICEASSIST_STANDINS (JSON); fault changes
// arrive over IPC as { id, name, faults } and are acknowledged with { ack: id }, in order;
// { id, takeServed: true } is answered with { ack: id, served } (provider-side timings).
const { register } = await import('tsx/esm/api');
register();
const s = await import('@voiceassist/sync-server/test-support/standins/index.ts');
const o = JSON.parse(process.env.VOICEASSIST_STANDINS ?? '{}');
const standins = {
  openai: await s.startOpenAiStandin({
    apiKey: s.STANDIN_KEYS.openai,
    ...(o.reply ? { reply: o.reply } : {}),
  }),
  deepgram: await s.startDeepgramStandin({
    apiKey: s.STANDIN_KEYS.deepgram,
    transcript: o.transcript,
  }),
  elevenlabs: await s.startElevenLabsStandin({ apiKey: s.STANDIN_KEYS.elevenlabs }),
};
process.on('message', (m) => {
  if (m.takeServed) {
    const served = Object.fromEntries(
      Object.entries(standins).map(([k, v]) => [k, v.served.splice(0)]),
    );
    process.send?.({ ack: m.id, served });
    return;
  }
  const target = standins[m.name];
  if (target && m.faults) {
    for (const [k, v] of Object.entries(m.faults)) target.faults[k] = v ?? undefined;
  }
  process.send?.({ ack: m.id });
});
process.once('disconnect', () => {
  void Promise.all(Object.values(standins).map((x) => x.close())).then(() => process.exit(0));
});
process.send?.({
  ready: true,
  keys: s.STANDIN_KEYS,
  urls: Object.fromEntries(Object.entries(standins).map(([k, v]) => [k, v.url])),
});

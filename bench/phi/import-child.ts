/**
 * Run in a fresh process by run.ts: imports one module and prints how long the import took
 * in wall and CPU time (and, for @voiceassist/phi, the first detectPhi call) as one JSON line.
 */
import type * as Phi from '@voiceassist/phi';

const target = process.argv[2] ?? '@voiceassist/phi';
const json = target.endsWith('.json');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const mod: unknown = json ? await import(target, { with: { type: 'json' } }) : await import(target);
const importMs = performance.now() - t0;
// CPU time (all threads, the loader's included) is far less disturbed by other processes than
// wall time on a shared machine.
const cpu = process.cpuUsage(cpu0);
const importCpuMs = (cpu.user + cpu.system) / 1000;
let firstCallMs: number | undefined;
if (target === '@voiceassist/phi') {
  const { detectPhi } = mod as typeof Phi;
  const t1 = performance.now();
  detectPhi('Spoke with Dr. Sarah Johnson at Stanford Hospital on 7/22.');
  firstCallMs = performance.now() - t1;
}
console.log(JSON.stringify({ target, importMs, importCpuMs, firstCallMs }));

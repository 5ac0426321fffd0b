import { existsSync } from 'node:fs';
import path from 'node:path';
import { readyLine } from '../shared/web-mode.js';
import { ArgsError, parseSidecarArgs, USAGE } from './args.js';
import { createEngine } from './engine.js';
import { createLogger } from './logger.js';
import { parentPortOf, serveParentPort } from './transport/parent-port.js';
import { startWebTransport } from './transport/web.js';
import { newControlSecret, removeControlFile, writeControlFile } from './transport/web-control.js';

/**
 * The engine's entry. Electron runs it as a utilityProcess (talks over process.parentPort); web
 * mode serves the renderer and a loopback WebSocket and prints ONE ready line on stdout.
 */
async function main(): Promise<void> {
  let args;
  try {
    args = parseSidecarArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    process.stderr.write(`sidecar: ${err.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.mode === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.mode === 'web' && !existsSync(path.join(args.rendererDir, 'index.html'))) {
    process.stderr.write(
      `sidecar: no built renderer in ${path.resolve(args.rendererDir)} (index.html missing). Build it first: npm run build -w @voiceassist/desktop\n`,
    );
    process.exitCode = 2;
    return;
  }
  const log = createLogger('sidecar');
  const engine = createEngine(log);
  let closeTransport: () => Promise<void> = () => Promise.resolve();
  // Installed before anything is announced, so a launcher may stop us the moment it reads "ready".
  const shutdown = (signal: string): void => {
    log.info({ signal }, 'engine stopping');
    void Promise.allSettled([engine.stop(), closeTransport()]).finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  if (args.mode === 'utility') {
    const parentPort = parentPortOf(process);
    if (!parentPort) {
      process.stderr.write(
        `sidecar: not started by Electron (no process.parentPort); use --web\n\n${USAGE}\n`,
      );
      process.exitCode = 2;
      await engine.stop();
      return;
    }
    serveParentPort(parentPort, engine.rpc, log, engine.version);
    engine.warm();
  } else {
    // With a profile, `voiceassist open` can ask this engine for another launch link.
    const dir = process.env.VOICEASSIST_PROFILE_DIR;
    const profileDir = dir === '' ? undefined : dir;
    const controlSecret = profileDir ? newControlSecret() : undefined;
    const web = await startWebTransport({
      rendererDir: path.resolve(args.rendererDir),
      port: args.port,
      rpc: engine.rpc,
      log,
      ...(controlSecret ? { controlSecret } : {}),
    });
    const controlFile =
      profileDir && controlSecret
        ? writeControlFile(profileDir, {
            origin: web.origin,
            pid: process.pid,
            secret: controlSecret,
          })
        : undefined;
    closeTransport = async () => {
      if (controlFile) removeControlFile(controlFile);
      await web.close();
    };
    process.stdout.write(`${readyLine(web.launchUrl)}\n`);
    engine.warm();
  }
  log.info({ mode: args.mode, version: engine.version }, 'engine started');
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sidecar: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});

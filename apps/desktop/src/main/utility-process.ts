import { utilityProcess, type UtilityProcess } from 'electron';
import type { ChildHandle, Launch } from './supervisor.js';

/**
 * The sidecar as an Electron utilityProcess (Chromium's service launcher, MessagePorts enabled).
 * `kill` ends the process; the sidecar ends anything it starts on SIGTERM itself.
 */
export function utilityLauncher(entry: string, env: NodeJS.ProcessEnv): Launch {
  return () => {
    const child: UtilityProcess = utilityProcess.fork(entry, [], {
      serviceName: 'VoiceAssist engine',
      stdio: 'inherit',
      env,
    });
    const handle: ChildHandle = {
      get pid() {
        return child.pid;
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      postMessage: (message, transfer) =>
        child.postMessage(message, transfer as Electron.MessagePortMain[] | undefined),
      kill: () => {
        child.kill();
      },
    };
    return handle;
  };
}

import path from 'node:path';

/**
 * Where the engine's model files are (the Silero VAD, ONNX embedding folders): resolved once per
 * process from what the launcher says, never by walking up from a source file (that breaks once
 * bundled). `VOICEASSIST_MODELS_DIR` wins (npm start, the CLI launcher, tests and Electron main
 * set it); otherwise a packaged app's `process.resourcesPath/models`. Without either, no folder:
 * the embedder uses the encoder that ships in npm and the VAD the copy in node_modules.
 */
export interface Resources {
  readonly modelsDir: string | undefined;
  /** How the folder was found, for the start-up log. */
  readonly from: 'VOICEASSIST_MODELS_DIR' | 'process.resourcesPath' | 'none';
}

/** Electron sets `process.resourcesPath` in its processes (utilityProcess included); Node does not. */
const electronResourcesPath = (): string | undefined =>
  (process as { resourcesPath?: string }).resourcesPath;

export function resolveResources(
  env: NodeJS.ProcessEnv = process.env,
  resourcesPath: string | undefined = electronResourcesPath(),
): Resources {
  const fromEnv = env.VOICEASSIST_MODELS_DIR;
  if (fromEnv !== undefined && fromEnv !== '')
    return { modelsDir: path.resolve(fromEnv), from: 'VOICEASSIST_MODELS_DIR' };
  if (resourcesPath !== undefined && resourcesPath !== '')
    return { modelsDir: path.join(resourcesPath, 'models'), from: 'process.resourcesPath' };
  return { modelsDir: undefined, from: 'none' };
}

import path from 'node:path';

const nonEmpty = (value: string | undefined): string | undefined =>
  value === '' ? undefined : value;

export interface EngineEnvInput {
  /** `app.isPackaged`. */
  readonly packaged: boolean;
  /** `process.resourcesPath`: the installed app's resources folder. */
  readonly resourcesPath: string;
  /** `app.getAppPath()`: apps/desktop when run from a checkout. */
  readonly appPath: string;
  /** `app.getPath('userData')`: the per-user folder the profile lives in by default. */
  readonly userData: string;
}

/**
 * The environment main starts the engine with: the caller's, plus where the models are (an
 * installed app's resources, or the checkout's resources/models) and the profile folder, unless
 * the caller set them. The engine never guesses either from its own path.
 */
export function engineEnv(env: NodeJS.ProcessEnv, input: EngineEnvInput): NodeJS.ProcessEnv {
  const modelsDir = input.packaged
    ? path.join(input.resourcesPath, 'models')
    : path.resolve(input.appPath, '..', '..', 'resources', 'models');
  return {
    ...env,
    ORT_DISABLE_TELEMETRY: '1',
    VOICEASSIST_MODELS_DIR: nonEmpty(env.VOICEASSIST_MODELS_DIR) ?? modelsDir,
    VOICEASSIST_PROFILE_DIR:
      nonEmpty(env.VOICEASSIST_PROFILE_DIR) ?? path.join(input.userData, 'profile'),
  };
}

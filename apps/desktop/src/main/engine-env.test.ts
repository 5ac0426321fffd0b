import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineEnv } from './engine-env.js';

const input = {
  packaged: true,
  resourcesPath: '/opt/VoiceAssist/resources',
  appPath: '/opt/VoiceAssist/resources/app.asar',
  userData: '/home/ann/.config/VoiceAssist',
};

describe('engineEnv', () => {
  it('points an installed app’s engine at its resources and the per-user profile', () => {
    expect(engineEnv({ PATH: '/usr/bin' }, input)).toEqual({
      PATH: '/usr/bin',
      ORT_DISABLE_TELEMETRY: '1',
      VOICEASSIST_MODELS_DIR: path.join('/opt/VoiceAssist/resources', 'models'),
      VOICEASSIST_PROFILE_DIR: path.join('/home/ann/.config/VoiceAssist', 'profile'),
    });
  });

  it('uses the checkout’s resources/models when run from source, and keeps what the caller set', () => {
    const env = engineEnv(
      { VOICEASSIST_PROFILE_DIR: '/tmp/p' },
      { ...input, packaged: false, appPath: '/src/repo/apps/desktop' },
    );
    expect(env.VOICEASSIST_MODELS_DIR).toBe(path.resolve('/src/repo/resources/models'));
    expect(env.VOICEASSIST_PROFILE_DIR).toBe('/tmp/p');
    expect(engineEnv({ VOICEASSIST_MODELS_DIR: '/m' }, input).VOICEASSIST_MODELS_DIR).toBe('/m');
  });
});

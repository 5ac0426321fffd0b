import { Type, type Static } from 'typebox';

/**
 * The clinician's workstation settings: kept by the engine in the profile folder, so they survive
 * restarts (a browser tab's storage would not: web mode gets a new port, hence a new origin, each
 * start). The renderer applies them (microphone, key, voice, speed, text size).
 */
export const TEXT_SIZES = ['small', 'normal', 'large', 'larger'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export const SettingsDto = Type.Object(
  {
    /** MediaDeviceInfo.deviceId of the chosen microphone; null: the system default. */
    microphoneId: Type.Union([Type.String({ maxLength: 512 }), Type.Null()]),
    /** KeyboardEvent.code held to talk inside the window (Space, F8, …). */
    pushToTalkKey: Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' }),
    /** Name of the system voice that reads answers when the server has no voice service; null: default. */
    voiceName: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
    /** Speaking rate of the system voice (1 = normal). */
    speechRate: Type.Number({ minimum: 0.5, maximum: 2 }),
    textSize: Type.Union([
      Type.Literal('small'),
      Type.Literal('normal'),
      Type.Literal('large'),
      Type.Literal('larger'),
    ]),
    /** Read answers to typed questions aloud (spoken questions are always answered aloud). */
    readTypedAnswers: Type.Boolean(),
    /**
     * Retention policy: conversations (turns and PHI vaults) are deleted this many days after
     * their last turn, at engine start and daily.
     */
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** False when the engine has no profile folder: changes last until it stops. */
    persisted: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SettingsDto = Static<typeof SettingsDto>;

export const SettingsPatch = Type.Partial(Type.Omit(SettingsDto, ['persisted']), {
  additionalProperties: false,
});
export type SettingsPatch = Static<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Omit<SettingsDto, 'persisted'> = {
  microphoneId: null,
  pushToTalkKey: 'Space',
  voiceName: null,
  speechRate: 1,
  textSize: 'normal',
  readTypedAnswers: false,
  retentionDays: 30,
};

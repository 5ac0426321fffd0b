import { generateSecret, generateURI, verifySync } from 'otplib';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s. */
const PERIOD = 30;

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export const totpUri = (secret: string, user: string): string =>
  generateURI({ issuer: 'VoiceAssist', label: user, secret, period: PERIOD });

/**
 * The time step the code belongs to when it is valid now (±1 step for clock drift) and newer
 * than `afterStep` — a code is accepted once, so an observed code cannot be replayed.
 */
export function checkTotp(
  secret: string,
  code: string,
  afterStep: number | null,
  nowSeconds = Math.floor(Date.now() / 1000),
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const r = verifySync({
    secret,
    token: code,
    period: PERIOD,
    epoch: nowSeconds,
    epochTolerance: PERIOD,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return r.valid && 'epoch' in r ? Math.floor(r.epoch / PERIOD) : undefined;
}

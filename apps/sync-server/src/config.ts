import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from './errors.js';

/**
 * Configuration comes from the environment (operators) and CLI flags (which win). It is validated
 * once at boot; an error names each variable, what is wrong and what is expected.
 */
const str = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));
const int = (min: number, max: number, description: string) =>
  Type.Optional(Type.Integer({ minimum: min, maximum: max, description }));
const url = (description: string) =>
  Type.Optional(Type.String({ pattern: '^(https?|wss?)://[^\\s]+$', description }));

const RawConfig = Type.Object({
  HOST: str('a host name or IP address to listen on, e.g. 127.0.0.1'),
  PORT: int(0, 65535, 'an integer port 0-65535 (0 = any free port)'),
  VOICEASSIST_DATA_DIR: str('a folder for server data (embedded PostgreSQL lives under it)'),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'a postgres:// connection URL' }),
  ),
  LOG_LEVEL: Type.Optional(
    Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { description: 'one of fatal, error, warn, info, debug, trace, silent' },
    ),
  ),
  OPENAI_BASE_URL: url(
    'an http(s) URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1',
  ),
  OPENAI_API_KEY: str('the API key for OPENAI_BASE_URL'),
  OPENAI_MODEL: str('a model name, e.g. gpt-4o-mini'),
  OPENAI_FALLBACK_BASE_URL: url('an http(s) URL of a second OpenAI-compatible API'),
  OPENAI_FALLBACK_API_KEY: str('the API key for OPENAI_FALLBACK_BASE_URL'),
  OPENAI_FALLBACK_MODEL: str('the model name at OPENAI_FALLBACK_BASE_URL'),
  DEEPGRAM_URL: url('the Deepgram API URL, e.g. wss://api.deepgram.com'),
  DEEPGRAM_API_KEY: str('the Deepgram API key'),
  DEEPGRAM_MODEL: str('a Deepgram model, e.g. nova-3'),
  ELEVENLABS_BASE_URL: url('the ElevenLabs API URL, e.g. https://api.elevenlabs.io'),
  ELEVENLABS_API_KEY: str('the ElevenLabs API key'),
  ELEVENLABS_VOICE_ID: str('an ElevenLabs voice id'),
  ELEVENLABS_MODEL_ID: str('an ElevenLabs model id, e.g. eleven_flash_v2_5'),
  ELEVENLABS_OUTPUT_FORMAT: str('an ElevenLabs output format, e.g. mp3_44100_128 or pcm_16000'),
  PROVIDER_TIMEOUT_MS: int(100, 600_000, 'milliseconds 100-600000'),
  CIRCUIT_FAILURE_THRESHOLD: int(1, 1000, 'consecutive failures before the circuit opens'),
  CIRCUIT_RESET_MS: int(10, 3_600_000, 'milliseconds before a half-open probe'),
  // Identity and access (README "Sign-in"): database app role, proxies, OIDC, tokens, limits.
  DATABASE_APP_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: "a postgres:// URL of the app's own role (not DATABASE_URL's)",
    }),
  ),
  TRUST_PROXY: str('true, false, a hop count, or comma-separated proxy addresses/CIDRs'),
  OIDC_ISSUER: url('the OIDC issuer URL, e.g. https://cloud.example.org (Nextcloud)'),
  OIDC_CLIENT_ID: str('the client id registered at the OIDC provider'),
  OIDC_CLIENT_SECRET: str('the client secret (omit for a public client)'),
  OIDC_SCOPES: str('space-separated scopes, e.g. "openid profile email groups"'),
  OIDC_GROUPS_CLAIM: str('the claim that lists groups, e.g. groups'),
  OIDC_GROUP_ROLES: Type.Optional(
    Type.String({
      pattern: `^\\s*[^=,]+=(clinician|admin|auditor)\\s*(,\\s*[^=,]+=(clinician|admin|auditor)\\s*)*$`,
      description: 'GROUP=ROLE pairs separated by commas (roles: clinician, admin, auditor)',
    }),
  ),
  OIDC_CLINIC: str('the clinic id OIDC users belong to, e.g. default'),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 3600, 'seconds 60-3600'),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 90 * 86_400, 'seconds 300-7776000'),
  SESSION_IDLE_MINUTES: int(1, 24 * 60, 'minutes 1-1440 before a workstation locks'),
  LOCAL_LOGIN: Type.Optional(
    Type.Union([Type.Literal('on'), Type.Literal('off')], { description: 'on or off' }),
  ),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(1, 1_000_000, 'sign-ins per minute per client address'),
  RATE_LIMIT_REGISTER_PER_HOUR: int(1, 1_000_000, 'device enrolments per hour per client address'),
  RATE_LIMIT_REFRESH_PER_MINUTE: int(1, 1_000_000, 'token refreshes per minute per client address'),
  AUDIT_ANCHOR_MINUTES: int(1, 24 * 60, 'minutes 1-1440 between audit anchors'),
  DEVICE_FAILURES_PER_MINUTE: int(
    1,
    100_000,
    'failing requests per device per minute before that device is refused for a while',
  ),
  // Nextcloud (README "Nextcloud"): where it is, its DAV paths, the key for stored app passwords.
  NEXTCLOUD_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      description: "the clinic's Nextcloud address, e.g. https://cloud.clinic.example",
    }),
  ),
  NEXTCLOUD_CALDAV_PATH: Type.Optional(
    Type.String({
      pattern: '^/.*\\{user\\}',
      description: 'a path containing {user}, e.g. /remote.php/dav/calendars/{user}/',
    }),
  ),
  NEXTCLOUD_WEBDAV_PATH: Type.Optional(
    Type.String({
      pattern: '^/.*\\{user\\}',
      description: 'a path containing {user}, e.g. /remote.php/dav/files/{user}/',
    }),
  ),
  NEXTCLOUD_KEYS_FILE: str('a file path for the key that encrypts stored Nextcloud app passwords'),
  NEXTCLOUD_TIMEOUT_MS: int(100, 600_000, 'milliseconds 100-600000'),
});
type RawConfig = Static<typeof RawConfig>;

/** Which CLI flag sets which variable, so errors can name both. */
const FLAGS: Partial<Record<keyof RawConfig, string>> = {
  HOST: '--host',
  PORT: '--port',
  VOICEASSIST_DATA_DIR: '--data-dir',
};

export type OpenAiConfig = { baseURL: string; apiKey: string; model: string };
export type Config = Readonly<{
  version: string;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  providers: Readonly<{
    openai: OpenAiConfig | undefined;
    openaiFallback: OpenAiConfig | undefined;
    deepgram: { url: string; apiKey: string; model: string } | undefined;
    elevenlabs:
      | { baseUrl: string; apiKey: string; voiceId: string; modelId: string; outputFormat: string }
      | undefined;
  }>;
  gateway: Readonly<{
    timeoutMs: number;
    circuitFailureThreshold: number;
    circuitResetMs: number;
    deviceFailuresPerMinute: number;
  }>;
  /** The app role's URL when an operator made one; else the server manages its own. */
  databaseAppUrl: string | undefined;
  /** Fastify's trustProxy: which X-Forwarded-For hops give the client address rate limits use. */
  trustProxy: boolean | number | string[];
  auth: AuthConfig;
  nextcloud: NextcloudConfig;
}>;

export const DEFAULT_CALDAV_PATH = '/remote.php/dav/calendars/{user}/';
export const DEFAULT_WEBDAV_PATH = '/remote.php/dav/files/{user}/';

export type NextcloudConfig = Readonly<{
  /** The clinic's Nextcloud (no trailing slash); undefined: the integration is off. */
  url: string | undefined;
  caldavPath: string;
  webdavPath: string;
  /** The key file encrypting stored app passwords (README "Nextcloud: credentials"). */
  keysFile: string;
  timeoutMs: number;
}>;

export type Role = 'clinician' | 'admin' | 'auditor';

export type AuthConfig = Readonly<{
  oidc:
    | Readonly<{
        issuer: string;
        clientId: string;
        clientSecret: string | undefined;
        scopes: string;
        groupsClaim: string;
        groupRoles: ReadonlyMap<string, readonly Role[]>;
        clinic: string;
      }>
    | undefined;
  localLogin: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  idleTimeoutSeconds: number;
  rateLimits: Readonly<{
    loginPerMinute: number;
    registerPerHour: number;
    refreshPerMinute: number;
  }>;
  auditAnchorMinutes: number;
}>;

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, 'voiceassist-server');
  // As root, PostgreSQL runs as user `postgres`, which cannot traverse /root (mode 700).
  if (process.getuid?.() === 0) return '/var/lib/voiceassist-server';
  return path.join(os.homedir(), '.local', 'share', 'voiceassist-server');
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

function pick(raw: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(RawConfig.properties)) {
    const v = raw[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** Validates env + flags. Throws AppError CONFIG_INVALID listing every problem. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  flags: Partial<Record<'HOST' | 'PORT' | 'VOICEASSIST_DATA_DIR', string>> = {},
): Config {
  const input = Value.Convert(RawConfig, { ...pick(env), ...pick(flags) });
  const problems = new Map<string, string>();
  for (const e of Value.Errors(RawConfig, input)) {
    const key = e.instancePath.replace(/^\//, '') as keyof RawConfig;
    if (problems.has(key)) continue;
    const flag = FLAGS[key] ? ` (${FLAGS[key]})` : '';
    const desc = (RawConfig.properties[key] as { description?: string } | undefined)?.description;
    problems.set(key, `${key}${flag}: ${e.message}; expected ${desc ?? 'a valid value'}`);
  }
  const c = input as RawConfig;
  const requireTogether = (names: (keyof RawConfig)[], what: string) => {
    const set = names.filter((n) => c[n] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      const missing = names.filter((n) => c[n] === undefined).join(', ');
      problems.set(names[0] ?? what, `${what}: ${set.join(', ')} set but ${missing} missing`);
    }
  };
  requireTogether(['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_MODEL'], 'OpenAI provider');
  requireTogether(
    ['OPENAI_FALLBACK_BASE_URL', 'OPENAI_FALLBACK_API_KEY', 'OPENAI_FALLBACK_MODEL'],
    'OpenAI fallback provider',
  );
  requireTogether(['DEEPGRAM_URL', 'DEEPGRAM_API_KEY'], 'Deepgram provider');
  requireTogether(['OIDC_ISSUER', 'OIDC_CLIENT_ID'], 'OIDC sign-in');
  requireTogether(
    ['ELEVENLABS_BASE_URL', 'ELEVENLABS_API_KEY', 'ELEVENLABS_VOICE_ID'],
    'ElevenLabs provider',
  );
  if (problems.size > 0) {
    throw new AppError(
      'CONFIG_INVALID',
      `Invalid configuration:\n  - ${[...problems.values()].join('\n  - ')}`,
    );
  }
  return toConfig(c);
}

function toConfig(c: RawConfig): Config {
  const openai = (base?: string, apiKey?: string, model?: string) =>
    base && apiKey && model ? { baseURL: base, apiKey, model } : undefined;
  return {
    version: VERSION,
    host: c.HOST ?? '127.0.0.1',
    port: c.PORT ?? 8787,
    dataDir: path.resolve(c.VOICEASSIST_DATA_DIR ?? defaultDataDir()),
    databaseUrl: c.DATABASE_URL,
    logLevel: c.LOG_LEVEL ?? 'info',
    providers: {
      openai: openai(c.OPENAI_BASE_URL, c.OPENAI_API_KEY, c.OPENAI_MODEL),
      openaiFallback: openai(
        c.OPENAI_FALLBACK_BASE_URL,
        c.OPENAI_FALLBACK_API_KEY,
        c.OPENAI_FALLBACK_MODEL,
      ),
      deepgram:
        c.DEEPGRAM_URL && c.DEEPGRAM_API_KEY
          ? { url: c.DEEPGRAM_URL, apiKey: c.DEEPGRAM_API_KEY, model: c.DEEPGRAM_MODEL ?? 'nova-3' }
          : undefined,
      elevenlabs:
        c.ELEVENLABS_BASE_URL && c.ELEVENLABS_API_KEY && c.ELEVENLABS_VOICE_ID
          ? {
              baseUrl: c.ELEVENLABS_BASE_URL,
              apiKey: c.ELEVENLABS_API_KEY,
              voiceId: c.ELEVENLABS_VOICE_ID,
              modelId: c.ELEVENLABS_MODEL_ID ?? 'eleven_flash_v2_5',
              outputFormat: c.ELEVENLABS_OUTPUT_FORMAT ?? 'mp3_44100_128',
            }
          : undefined,
    },
    gateway: {
      timeoutMs: c.PROVIDER_TIMEOUT_MS ?? 30_000,
      circuitFailureThreshold: c.CIRCUIT_FAILURE_THRESHOLD ?? 5,
      circuitResetMs: c.CIRCUIT_RESET_MS ?? 30_000,
      deviceFailuresPerMinute: c.DEVICE_FAILURES_PER_MINUTE ?? 30,
    },
    databaseAppUrl: c.DATABASE_APP_URL,
    trustProxy: parseTrustProxy(c.TRUST_PROXY),
    auth: {
      oidc:
        c.OIDC_ISSUER && c.OIDC_CLIENT_ID
          ? {
              issuer: c.OIDC_ISSUER,
              clientId: c.OIDC_CLIENT_ID,
              clientSecret: c.OIDC_CLIENT_SECRET,
              scopes: c.OIDC_SCOPES ?? 'openid profile email groups',
              groupsClaim: c.OIDC_GROUPS_CLAIM ?? 'groups',
              groupRoles: parseGroupRoles(c.OIDC_GROUP_ROLES ?? ''),
              clinic: c.OIDC_CLINIC ?? 'default',
            }
          : undefined,
      localLogin: (c.LOCAL_LOGIN ?? 'on') === 'on',
      accessTokenTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS ?? 900,
      refreshTokenTtlSeconds: c.REFRESH_TOKEN_TTL_SECONDS ?? 7 * 86_400,
      idleTimeoutSeconds: (c.SESSION_IDLE_MINUTES ?? 15) * 60,
      rateLimits: {
        loginPerMinute: c.RATE_LIMIT_LOGIN_PER_MINUTE ?? 10,
        registerPerHour: c.RATE_LIMIT_REGISTER_PER_HOUR ?? 5,
        refreshPerMinute: c.RATE_LIMIT_REFRESH_PER_MINUTE ?? 20,
      },
      auditAnchorMinutes: c.AUDIT_ANCHOR_MINUTES ?? 60,
    },
    nextcloud: {
      url: c.NEXTCLOUD_URL?.replace(/\/+$/, ''),
      caldavPath: c.NEXTCLOUD_CALDAV_PATH ?? DEFAULT_CALDAV_PATH,
      webdavPath: c.NEXTCLOUD_WEBDAV_PATH ?? DEFAULT_WEBDAV_PATH,
      keysFile: path.resolve(
        c.NEXTCLOUD_KEYS_FILE ??
          path.join(c.VOICEASSIST_DATA_DIR ?? defaultDataDir(), 'nextcloud-keys.json'),
      ),
      timeoutMs: c.NEXTCLOUD_TIMEOUT_MS ?? 15_000,
    },
  };
}

/** `GROUP=ROLE,GROUP=ROLE` (already validated by the pattern) as group → roles. */
export function parseGroupRoles(spec: string): ReadonlyMap<string, readonly Role[]> {
  const out = new Map<string, Role[]>();
  for (const pair of spec.split(',')) {
    const i = pair.lastIndexOf('=');
    if (i < 0) continue;
    const group = pair.slice(0, i).trim();
    const role = pair.slice(i + 1).trim() as Role;
    const roles = out.get(group) ?? [];
    if (!roles.includes(role)) roles.push(role);
    out.set(group, roles);
  }
  return out;
}

function parseTrustProxy(v: string | undefined): boolean | number | string[] {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

// @ts-check
/**
 * One ESLint config for the whole workspace. The blocks under "Layers" are the architecture
 * (DESIGN.md, STYLE.md): each process folder may import only what its process really has, and the
 * messages say what to use instead.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:*'];

const nodeBuiltins = (why) => ({
  group: NODE_BUILTINS,
  message: why,
});

const NATIVE_ENGINE_MODULES = [
  'better-sqlite3-multiple-ciphers',
  'better-sqlite3',
  'sqlite-vec',
  'onnxruntime-node',
  '@energetic-ai/*',
  '@tensorflow/*',
];

/** Test support is for tests: production code in src/ never imports it (STYLE.md). */
const NO_TEST_SUPPORT = {
  group: ['**/test-support/**', '**/test/**', '@voiceassist/tests', '@voiceassist/tests/*'],
  message:
    'Production code does not import test support (test-support/, test/, the @voiceassist/tests harness): only *.test.ts files and other test support may.',
};

/** The desktop reaches the server over HTTP only; tests reach it through the cross-app harness. */
const NO_SERVER = {
  group: ['@voiceassist/sync-server', '@voiceassist/sync-server/*', '**/sync-server/**'],
  message:
    'The desktop never imports the sync server: the engine talks to it over HTTP, and tests start it through the cross-app harness (@voiceassist/tests/harness).',
};

const SIDECAR_PATTERNS = [
  {
    group: ['electron', 'electron/*'],
    message:
      'The sidecar is plain Node (an Electron utilityProcess in production): no electron import. Talk to main over process.parentPort / the MessagePort.',
  },
  {
    group: ['**/main/**', '**/renderer/**', '**/preload/**', 'react', 'react-dom'],
    message: 'The sidecar shares code with other processes only through src/shared.',
  },
  NO_TEST_SUPPORT,
  NO_SERVER,
];

const RENDERER_PATTERNS = [
  nodeBuiltins(
    'The renderer is a sandboxed web page: no Node built-ins. Ask the engine through the bridge (window.voiceassist) instead.',
  ),
  {
    group: ['electron', 'electron/*'],
    message:
      'The renderer must not import Electron: use the typed bridge exposed by the preload (window.voiceassist).',
  },
  {
    group: ['**/main/**', '**/sidecar/**', '**/preload/**'],
    message:
      'The renderer reaches the engine only through the RPC contract in src/shared and the bridge; import from ../shared instead.',
  },
  ...NATIVE_ENGINE_MODULES.map((m) => ({
    group: [m],
    message: 'Native engines run in the sidecar; call them through the RPC contract.',
  })),
  NO_SERVER,
];

/** Modules that reach the network: in the sidecar only egress/ (and the UI transport) may use them. */
const PROVIDER_NETWORK_MODULES = [
  'node:http',
  'node:https',
  'node:http2',
  'node:net',
  'node:tls',
  'node:dgram',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'undici',
  '@voiceassist/http-client',
  'ws',
  'node-fetch',
  'axios',
  'got',
  'openai',
  'openai/*',
  '@deepgram/*',
  '@elevenlabs/*',
  'elevenlabs',
];
const EGRESS_MESSAGE =
  'Provider requests leave the workstation only through the egress guard (src/sidecar/egress: EgressGuard.fetch / fetchFor / openWebSocket), which pseudonymizes PHI, enforces the provider policy and writes the audit record.';

const SERVER_NO_DESKTOP = {
  group: [
    '@voiceassist/desktop',
    '@voiceassist/desktop/*',
    '**/apps/desktop/**',
    '**/desktop/src/**',
  ],
  message: 'The server shares code with the desktop only through packages/*.',
};
const SERVER_NOT_ELECTRON = {
  group: ['electron', 'electron/*'],
  message: 'The server is not an Electron app.',
};

/** `no-restricted-imports` with `patterns` only, so later blocks replace earlier ones cleanly. */
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      '.tsbuild/**',
      'coverage/**',
      'bench/results/**',
      'resources/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  // Plain JS/MJS scripts: Node globals, no type-aware rules that need a tsconfig.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  // Tests: no focused tests; a skip must be a runtime `skipIf(reason)`.
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/e2e/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='only']",
          message: 'Focused tests (.only) never land: they silently skip the rest of the suite.',
        },
        {
          selector:
            "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(skip|todo)$/]",
          message:
            'Do not skip tests. Use it.skipIf(condition) with the reason in the test name, or fix the test.',
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  // Import cycles: none anywhere (STYLE.md). The TypeScript resolver follows `.js` specifiers to
  // their `.ts` sources and workspace packages to their folders.
  {
    files: ['**/*.{ts,tsx,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },

  // ───────────────────────────── Layers ─────────────────────────────
  // Desktop tests and test support: anything a test needs, except the server directly. (Files in a
  // process folder below get that folder's rules instead, which forbid the server too.)
  {
    files: ['apps/desktop/**/*.{ts,tsx,mjs}'],
    rules: restrict(NO_SERVER),
  },
  {
    files: ['packages/*/src/**/*.{ts,mjs}', 'apps/desktop/src/shared/**/*.{ts,mjs}'],
    // http-client is the one Node-only package: the HTTP client of the sidecar and the server.
    ignores: ['**/*.test.ts', 'packages/http-client/**'],
    rules: restrict(
      nodeBuiltins(
        'Isomorphic code runs in the browser, the sidecar and the server: no Node built-ins. Take what you need as a parameter from the process that has it.',
      ),
      {
        group: ['electron', 'electron/*'],
        message: 'Isomorphic code must not import Electron: only src/main and src/preload may.',
      },
      {
        group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
        message: 'Isomorphic code has no UI: React belongs in src/renderer.',
      },
      {
        group: [
          '**/main/**',
          '**/renderer/**',
          '**/sidecar/**',
          '**/preload/**',
          '@voiceassist/desktop',
        ],
        message: 'Shared code imports no process folder; move what both need into src/shared.',
      },
      ...NATIVE_ENGINE_MODULES.map((m) => ({
        group: [m],
        message: 'Native engines run in the sidecar only.',
      })),
      NO_TEST_SUPPORT,
      NO_SERVER,
    ),
  },
  {
    files: ['apps/desktop/src/renderer/**/*.{ts,tsx,mjs}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...restrict(...RENDERER_PATTERNS) },
  },
  {
    files: ['apps/desktop/src/renderer/**/*.{ts,tsx,mjs}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: restrict(...RENDERER_PATTERNS, NO_TEST_SUPPORT),
  },
  {
    files: ['apps/desktop/src/preload/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowImportNames: ['contextBridge', 'ipcRenderer'],
              message: 'The preload exposes the bridge only: contextBridge and ipcRenderer.',
            },
          ],
          patterns: [
            nodeBuiltins(
              'The preload runs sandboxed: no Node built-ins. Keep it to contextBridge.',
            ),
            {
              group: ['**/main/**', '**/sidecar/**', '**/renderer/**', 'react', 'react-dom'],
              message: 'The preload holds no logic: import only schemas from ../shared.',
            },
            ...NATIVE_ENGINE_MODULES.map((m) => ({
              group: [m],
              message: 'Native engines run in the sidecar only.',
            })),
            NO_TEST_SUPPORT,
            NO_SERVER,
          ],
        },
      ],
    },
  },
  {
    files: ['apps/desktop/src/sidecar/**/*.{ts,mjs}'],
    ignores: ['**/*.test.ts'],
    rules: restrict(...SIDECAR_PATTERNS),
  },
  // Egress (issue 4): provider traffic leaves the workstation only through sidecar/egress, which
  // pseudonymizes, enforces the per-provider policy and audits. Everywhere else in the sidecar,
  // network modules and provider SDKs are off limits. Exempt: egress/ itself; transport/ (it runs
  // the loopback HTTP/WebSocket SERVER that serves the UI, not provider traffic); tests.
  {
    files: ['apps/desktop/src/sidecar/**/*.{ts,mjs}'],
    ignores: [
      '**/*.test.ts',
      'apps/desktop/src/sidecar/egress/**',
      'apps/desktop/src/sidecar/transport/**',
      // The RFC 8252 loopback listener that receives the IdP's redirect at sign-in (a server on
      // 127.0.0.1, like transport/; no provider, no user data).
      'apps/desktop/src/sidecar/identity/loopback.ts',
    ],
    rules: restrict(
      ...SIDECAR_PATTERNS,
      ...PROVIDER_NETWORK_MODULES.map((m) => ({
        group: [m],
        allowTypeImports: true,
        message: EGRESS_MESSAGE,
      })),
    ),
  },
  {
    files: ['apps/desktop/src/sidecar/**/*.{ts,mjs}'],
    ignores: [
      '**/*.test.ts',
      'apps/desktop/src/sidecar/egress/**',
      // health.ts probes our own sync server's /ready (no provider, no user data).
      'apps/desktop/src/sidecar/health.ts',
      // fetch-models.ts downloads pinned model files checked by sha256 (no user data).
      'apps/desktop/src/sidecar/knowledge/embed/fetch-models.ts',
      // identity/client.ts signs in against our own sync server (no provider, no user data).
      'apps/desktop/src/sidecar/identity/client.ts',
      // calendar/nextcloud-client.ts reaches the clinic's own Nextcloud through our sync server
      // (no third-party provider): calendar events and the person's own files.
      'apps/desktop/src/sidecar/calendar/nextcloud-client.ts',
    ],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest'].map((name) => ({
          name,
          message: EGRESS_MESSAGE,
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...['fetch', 'WebSocket'].map((property) => ({
          object: 'globalThis',
          property,
          message: EGRESS_MESSAGE,
        })),
      ],
    },
  },
  {
    files: ['apps/desktop/src/main/**/*.{ts,mjs}'],
    ignores: ['**/*.test.ts'],
    rules: restrict(
      ...NATIVE_ENGINE_MODULES.map((m) => ({
        group: [m],
        message: 'Main stays thin: no models, no SQL. That work belongs in the sidecar.',
      })),
      {
        group: ['**/renderer/**', '**/sidecar/**', 'react', 'react-dom'],
        message:
          'Main must not import renderer or sidecar code: it starts the sidecar by path and talks RPC.',
      },
      NO_TEST_SUPPORT,
      NO_SERVER,
    ),
  },
  {
    files: ['apps/sync-server/**/*.{ts,mjs}'],
    rules: restrict(SERVER_NO_DESKTOP, SERVER_NOT_ELECTRON),
  },
  {
    files: ['apps/sync-server/src/**/*.{ts,mjs}'],
    ignores: ['**/*.test.ts'],
    rules: restrict(SERVER_NO_DESKTOP, SERVER_NOT_ELECTRON, NO_TEST_SUPPORT),
  },
);

// ESLint: Next.js's rules, plus the layering ARCHITECTURE.md describes, enforced (a broken layer fails CI).
import fs from 'node:fs';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Areas, lowest first: an area may import the areas before it in this list, never one after it.
// audit and health stand alone; ops (backup, restore, import, start-up) sits above all of them.
const ORDERED = ['governance', 'catalog', 'versioning', 'iceberg'];
const ALONE = ['audit', 'health'];
const AREAS = [...ORDERED, ...ALONE, 'ops'];
const area = (a) => `./lib/${a}`;

const zones = [];
// db/ is below everything but the plain shared rules it needs.
zones.push({
  target: './db',
  from: './lib',
  except: ['./errors.ts', './ids.ts', './env.ts', './logger.ts', './metrics.ts'],
  message: 'db/ holds schema, client, migrations and keyset paging; reads belong in lib/<area>/queries.',
});
for (const from of ['./app', './components']) {
  zones.push({ target: ['./db', './lib'], from, message: 'lib/ and db/ never import the UI or routes.' });
}
zones.push({ target: './components', from: './app', message: 'The UI kit never imports a route folder.' });
// Shared rules (lib/*.ts, lib/auth, lib/storage) sit below every area.
zones.push({
  target: ['./lib/*.ts', './lib/auth', './lib/storage'],
  from: AREAS.map(area),
  message: 'Shared rules import no area (ARCHITECTURE.md: layers).',
});
for (const [i, a] of ORDERED.entries()) {
  const above = [...ORDERED.slice(i + 1), ...ALONE, 'ops'];
  zones.push({
    target: area(a),
    from: above.map(area),
    message: `lib/${a} may import only ${ORDERED.slice(0, i).join(', ') || 'no other area'} (ARCHITECTURE.md: areas).`,
  });
}
for (const a of ALONE) {
  zones.push({
    target: area(a),
    from: AREAS.filter((b) => b !== a).map(area),
    message: `lib/${a} imports no other area.`,
  });
}
// The CLI (cli/) is a client of the API: it imports no server code, only the pure connection snippets.
zones.push({
  target: './cli',
  from: ['./app', './components', './db'],
  message: 'The CLI talks to the server over HTTP only (cli/client.ts).',
});
zones.push({
  target: './cli',
  from: './lib',
  except: ['./iceberg/snippets.ts'],
  message:
    'The CLI imports no server code: move a pure helper out of server modules first (as lib/iceberg/snippets.ts).',
});
// A console wing (an area's route group such as (catalog), or audit, health) imports only components/, lib/, db/,
// itself, and the shell's actions (sign-out, tenant switch).
const consoleDir = 'app/(console)';
for (const d of fs.readdirSync(consoleDir, { withFileTypes: true })) {
  if (!d.isDirectory()) continue;
  zones.push({
    target: `./${consoleDir}/${d.name}`,
    from: `./${consoleDir}`,
    except: [`./${d.name}`, './actions.ts'],
    message: 'Pages import only components/, lib/ and their own wing; share across wings through components/.',
  });
}

const config = [
  {
    ignores: [
      '.next/**',
      '.next-*/**',
      'node_modules/**',
      'db/migrations/**',
      'bench/out/**',
      '.data/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  ...nextVitals,
  ...nextTs,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    // The import rules read our sources, never the packages' bundles (PGlite's is too deep to parse).
    settings: { 'import/ignore': ['node_modules'] },
    rules: {
      'import/no-restricted-paths': ['error', { zones }],
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // No import cycle among the server code and the UI kit (pages are leaves: nothing imports them).
    files: ['lib/**', 'db/**', 'components/**'],
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Test harnesses read arbitrary JSON answers; typing every body would add nothing a failing assertion does not say.
    files: ['tests/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests, benchmarks and scripts are not React: a function named use… there is a fixture, not a hook.
    files: ['tests/**', 'bench/**', 'scripts/**', 'e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];

export default config;

// The checks the code must pass before it is tested (`npm run lint`, the lint suite of `npm test`).
// Besides typescript-eslint's type-aware rules, it makes the layers of the README's "Layout" physical:
// an import that crosses a layer the wrong way is an error here, not a surprise in the bundle.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The src/core modules the Studio webview may import: they run in a browser, so they (and whatever
 * they import) use neither Node nor vscode. media/tsconfig.json type-checks them without Node's types.
 */
export const BROWSER_CORE = [
  'models',
  'errors',
  'request',
  'lifecycle',
  'gatewayAnswer',
  'displayText',
  'finish',
  'finishSchema',
  'styles',
  'styleApply',
];

/** Node's modules by their bare names; the `node:` ones are matched by a pattern in forbidPackages. */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('node:'));

/** Package imports a layer may not make, as `no-restricted-imports` options. */
function forbidPackages(packages, why) {
  return [
    'error',
    { paths: packages.map((name) => ({ name, message: why })), patterns: [{ group: ['node:*'], message: why }] },
  ];
}
const NO_VSCODE = {
  name: 'vscode',
  message: 'src/core is pure: only src/host, src/extension.ts and src/commands.ts talk to VS Code.',
};
const NO_VSCODE_IN_WORKER = {
  name: 'vscode',
  message: 'src/imaging runs in a worker thread, where there is no vscode API.',
};
const BROWSER_SAFE = 'This file runs in the Studio webview (a browser): no Node modules, no vscode.';

/** Which folder may not import which (`import-x/no-restricted-paths`), with the reason each exists. */
const ZONES = [
  {
    target: './src/core',
    from: ['./src/host', './src/imaging', './src/extension.ts', './src/commands.ts', './src/shared', './media'],
    message: 'src/core is the bottom layer: it imports nothing from host, imaging, shared or the webview.',
  },
  {
    target: './src/imaging',
    from: ['./src/host', './src/extension.ts', './src/commands.ts', './src/shared', './media'],
    message: 'src/imaging runs in a worker thread without VS Code: it imports only src/core.',
  },
  {
    target: BROWSER_CORE.map((name) => `./src/core/${name}.ts`),
    from: './src/core',
    except: BROWSER_CORE.map((name) => `./${name}.ts`),
    message: `The webview imports this file: it may only import the browser-safe core (${BROWSER_CORE.join(', ')}).`,
  },
  {
    target: './src/shared',
    from: './src/core',
    except: BROWSER_CORE.map((name) => `./${name}.ts`),
    message: `src/shared is read by both sides: from src/core only the browser-safe part (${BROWSER_CORE.join(', ')}).`,
  },
  {
    target: './src/shared',
    from: ['./src/host', './src/extension.ts', './src/commands.ts', './media'],
    message: 'src/shared is the protocol between webview and host: it depends on neither.',
  },
  {
    target: './media',
    from: './src',
    except: ['./shared', ...BROWSER_CORE.map((name) => `./core/${name}.ts`)],
    message: `The webview imports only src/shared and the browser-safe core (${BROWSER_CORE.join(', ')}).`,
  },
  {
    target: './src/host',
    from: ['./src/extension.ts', './src/commands.ts', './media'],
    message: 'src/host is imported by src/extension.ts and src/commands.ts, never the other way round.',
  },
  {
    target: ['./src', './media'],
    from: './test',
    message: 'Shipped code never imports the tests.',
  },
  {
    target: './test/sim',
    from: ['./src', './media'],
    message: 'The simulator is written from the protocol (docs/protocol.md), never from the client.',
  },
];

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-vsix/',
      'out/',
      'out-*/',
      '.vscode-test/',
      'test-results/',
      'test/fixtures/',
    ],
  },
  {
    files: ['**/*.{ts,mjs,cjs,js}'],
    extends: [js.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.cjs', '.js', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A `let` assigned once after the closures that read it (a timer they clear) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/first': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/order': [
        'error',
        { groups: ['builtin', 'external', ['internal', 'parent', 'sibling', 'index']], 'newlines-between': 'never' },
      ],
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
    },
  },
  {
    files: ['**/*.{mjs,cjs,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // A require() in CommonJS is a statement that runs where it stands (stubActivate.cjs times the
    // bundle's): its place is not a matter of order.
    files: ['**/*.cjs'],
    rules: { 'import-x/order': 'off' },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-require-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // An aborted wait rejects with its AbortSignal's reason (typed any), as the platform's own APIs do.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
      // tsconfig's noFallthroughCasesInSwitch checks this with types: it knows process.exit() never returns.
      'no-fallthrough': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // A fake of an async interface reads best as an async function that returns at once.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Small rooms: a function says one thing. Data tables and the lifecycle's reducer are the
    // exceptions, each marked where it stands with the reason.
    files: ['src/**/*.ts', 'media/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  // Each file is in exactly one of the blocks below: `no-restricted-imports` takes the last block's options.
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }] },
  },
  {
    files: ['src/imaging/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE_IN_WORKER] }] },
  },
  {
    files: [...BROWSER_CORE.map((name) => `src/core/${name}.ts`), 'src/shared/**/*.ts', 'media/**/*.ts'],
    rules: { 'no-restricted-imports': forbidPackages(['vscode', ...NODE_BUILTINS], BROWSER_SAFE) },
  },
  {
    files: ['media/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The end-to-end scenarios pass functions to the page (Playwright's evaluate), which run in the browser.
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);

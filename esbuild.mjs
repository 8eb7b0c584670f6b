// Bundles the extension host code (node, cjs), the image worker (node, cjs) and the Studio webview (browser).
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);

/** Prints the lines VS Code's `$esbuild-watch` problem matcher expects. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [problemMatcher],
};

async function copyCodicons() {
  const cssPath = require.resolve('@vscode/codicons/dist/codicon.css');
  await mkdir('dist', { recursive: true });
  await copyFile(cssPath, 'dist/codicon.css');
  await copyFile(path.join(path.dirname(cssPath), 'codicon.ttf'), 'dist/codicon.ttf');
}

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The image worker thread: its own file, so the host starts it by path; sharp stays a package
  // in node_modules (native binaries and .wasm files cannot be bundled).
  esbuild.context({
    ...common,
    entryPoints: ['src/imaging/worker.ts'],
    outfile: 'dist/imageWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['sharp'],
  }),
  esbuild.context({
    ...common,
    entryPoints: [
      { in: 'media/studio/main.ts', out: 'webview' },
      { in: 'media/studio/studio.css', out: 'webview' },
      { in: 'media/spending/main.ts', out: 'spending' },
      { in: 'media/spending/spending.css', out: 'spending' },
    ],
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  }),
]);

await copyCodicons();
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

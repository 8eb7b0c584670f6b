/**
 * Activation must not pay for the image library: sharp is tens of megabytes of native code and
 * WebAssembly, and most sessions never make a finished file. This bundles the extension as
 * esbuild.mjs does and walks what activation evaluates (static imports from src/extension.ts; a
 * module reached only through import() is evaluated on first use).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..');

async function evaluatedAtActivation(): Promise<string[]> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    write: false,
    metafile: true,
    outfile: path.join(root, 'out', 'activation-probe.js'),
    logLevel: 'silent',
  });
  const { inputs } = result.metafile;
  const reached = new Set<string>();
  const stack = ['src/extension.ts'];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const imported of inputs[file]?.imports ?? []) {
      if (!imported.external && imported.kind !== 'dynamic-import' && imported.kind !== 'require-call') {
        stack.push(imported.path);
      }
    }
  }
  return [...reached];
}

describe('what activation loads', () => {
  it('loads nothing of the image engine or the image library until an image is finished', async () => {
    const evaluated = await evaluatedAtActivation();
    assert.ok(evaluated.length > 10, `only ${evaluated.length} modules found: the walk is broken`);
    assert.deepEqual(
      evaluated.filter((file) => /src\/imaging\/|src\/host\/imaging\.ts|node_modules\/(sharp|@img)\//.test(file)),
      [],
    );
  });

  it('loads no schema library either: zod is evaluated with the first generation, not by the quick fix or the commands', async () => {
    const evaluated = await evaluatedAtActivation();
    assert.deepEqual(
      evaluated.filter((file) => /node_modules\/zod\//.test(file)),
      [],
    );
  });
});

// §4 Footprint and §5 panel figures.
// - Production bundle (`node esbuild.mjs --production`) and `.vsix` (`vsce package`), both made in a
//   snapshot copy of the tree under the system temp folder, so the shared dist/ is never rewritten
//   under someone's feet (node_modules is linked, not copied).
// - What activation evaluates: esbuild's metafile for the same bundle, walked from src/extension.ts
//   along static imports only (a dynamic import() is deferred until first use).
// - Bundle load + activate() in plain Node with a stand-in vscode module (stubActivate.cjs), indicative.
// - activate() as VS Code reports it: out/results/activation.json, written by the integration run.
// - Panel (time to interactive, 10 000-image picker): out/results/panel-bench.json, from the e2e harness.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { benchDir, emitResult, median, outDir, require, root } from './lib.mjs';

const run = promisify(execFile);
const SKIP = new Set(['node_modules', '.git', 'out', 'dist', 'dist-vsix', 'test', 'test-results', '.vscode-test']);
const LOAD_RUNS = 7;

async function snapshot() {
  const stage = await mkdtemp(path.join(tmpdir(), 'aigc-bench-pkg-'));
  for (const name of await readdir(root)) {
    if (SKIP.has(name) || name.startsWith('out-') || name.endsWith('.vsix')) continue;
    await cp(path.join(root, name), path.join(stage, name), { recursive: true });
  }
  await symlink(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  return stage;
}

function tail(text, lines = 12) {
  return String(text ?? '')
    .trim()
    .split('\n')
    .slice(-lines)
    .join('\n');
}

/** esbuild options of the extension's production bundle (esbuild.mjs), for the probes below. */
const LIKE_THE_EXTENSION = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  legalComments: 'none',
};

/** The modules a static import chain reaches from the entry, and their bytes in the minified output. */
async function staticGraph(stage) {
  const esbuild = require(path.join(root, 'node_modules', 'esbuild'));
  const result = await esbuild.build({
    absWorkingDir: stage,
    entryPoints: ['src/extension.ts'],
    ...LIKE_THE_EXTENSION,
    write: false,
    metafile: true,
    outfile: path.join(stage, 'metafile-probe.js'),
    logLevel: 'silent',
  });
  const { inputs, outputs } = result.metafile;
  const output = Object.values(outputs)[0];
  const reached = new Set();
  const stack = ['src/extension.ts'];
  while (stack.length > 0) {
    const file = stack.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    // esbuild evaluates a module reached only through import() or a require() call on first use, not at load.
    for (const imp of inputs[file]?.imports ?? [])
      if (!imp.external && imp.kind !== 'dynamic-import' && imp.kind !== 'require-call') stack.push(imp.path);
  }
  const group = (file) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (pkg) return pkg;
    const parts = file.split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : file;
  };
  const groups = {};
  let atActivation = 0;
  let deferred = 0;
  for (const [file, info] of Object.entries(output.inputs)) {
    const eager = reached.has(file);
    if (eager) atActivation += info.bytesInOutput;
    else deferred += info.bytesInOutput;
    const key = group(file);
    groups[key] ??= { eager: 0, deferred: 0 };
    groups[key][eager ? 'eager' : 'deferred'] += info.bytesInOutput;
  }
  const largestEager = Object.entries(output.inputs)
    .filter(([file]) => reached.has(file))
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 8)
    .map(([file, info]) => ({ file: file.replace(/^.*node_modules\//, 'node_modules/'), bytes: info.bytesInOutput }));
  const packagesAtActivation = [
    ...new Set([...reached].map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean)),
  ];
  const eagerCore = [...reached].filter((f) => f.startsWith('src/core/'));
  return { total: output.bytes, atActivation, deferred, groups, largestEager, packagesAtActivation, eagerCore };
}

/**
 * What loading the eagerly reached src/core modules (and the zod they pull in) costs on its own:
 * a bundle of just those, built like the extension, required in fresh processes.
 */
async function eagerCoreLoad(stage, files) {
  const esbuild = require(path.join(root, 'node_modules', 'esbuild'));
  const probe = path.join(stage, 'core-probe.js');
  const contents = `${files.map((f, i) => `import * as m${i} from './${f}';`).join('\n')}\nglobalThis.__probe = [${files.map((_, i) => `m${i}`).join(', ')}];\n`;
  await esbuild.build({
    stdin: { contents, resolveDir: stage, loader: 'ts', sourcefile: 'core-probe.ts' },
    absWorkingDir: stage,
    ...LIKE_THE_EXTENSION,
    outfile: probe,
    logLevel: 'silent',
  });
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(probe)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const times = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const { stdout } = await run(process.execPath, ['-e', script]);
    times.push(Number(stdout.trim()));
  }
  return { bytes: (await stat(probe)).size, requireMs: median(times), files: files.length };
}

async function readResult(name) {
  for (const dir of [...new Set([path.join(root, 'out', 'results'), path.join(outDir, 'results')])]) {
    const file = path.join(dir, name);
    try {
      return { file: path.relative(root, file), data: JSON.parse(await readFile(file, 'utf8')) };
    } catch {
      // not there (yet)
    }
  }
  return undefined;
}

/** Whatever shape the integration launcher settles on: a number, {ms}, {activationMs}, {median}, or samples. */
function activationMs(data) {
  if (typeof data === 'number') return data;
  if (!data || typeof data !== 'object') return undefined;
  for (const key of ['activationMs', 'ms', 'median', 'p50', 'activateMs', 'value']) {
    if (typeof data[key] === 'number') return data[key];
  }
  for (const key of ['samples', 'runs', 'values']) {
    if (Array.isArray(data[key])) {
      const values = data[key]
        .map((v) => (typeof v === 'number' ? v : activationMs(v)))
        .filter((v) => typeof v === 'number');
      if (values.length) return median(values);
    }
  }
  return undefined;
}

async function main() {
  const stage = await snapshot();
  const result = {};
  try {
    // Bundle
    try {
      const started = Date.now();
      await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: stage, maxBuffer: 16 * 1024 * 1024 });
      const bundle = await readFile(path.join(stage, 'dist', 'extension.js'));
      const size = async (f) => (await stat(path.join(stage, 'dist', f)).catch(() => undefined))?.size;
      result.bundle = {
        bytes: bundle.length,
        gzipBytes: gzipSync(bundle, { level: 9 }).length,
        webviewJsBytes: await size('webview.js'),
        webviewCssBytes: await size('webview.css'),
        buildMs: Date.now() - started,
      };
    } catch (error) {
      result.bundle = { error: tail(error.stderr || error.message) };
    }

    // What activation evaluates
    try {
      result.graph = await staticGraph(stage);
    } catch (error) {
      result.graph = { error: tail(error.message) };
    }

    // Load + activate in plain Node (fresh process each time)
    if (result.bundle?.bytes) {
      const runs = [];
      let error;
      for (let i = 0; i < LOAD_RUNS; i++) {
        try {
          const { stdout } = await run(process.execPath, [
            path.join(benchDir, 'stubActivate.cjs'),
            path.join(stage, 'dist', 'extension.js'),
            path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'),
          ]);
          const r = JSON.parse(stdout.trim().split('\n').pop());
          if (r.error) error = r.error;
          runs.push(r);
        } catch (e) {
          error = tail(e.stderr || e.message, 4);
        }
      }
      result.stubLoad = {
        runs: runs.length,
        requireMs: median(runs.map((r) => r.requireMs)),
        activateMs: median(runs.filter((r) => !r.error).map((r) => r.activateMs)),
        error,
      };
    }

    if (result.graph?.eagerCore?.length) {
      try {
        result.eagerCoreLoad = await eagerCoreLoad(stage, result.graph.eagerCore);
      } catch (error) {
        result.eagerCoreLoad = { error: tail(error.message, 4) };
      }
    }

    // VSIX, packaged exactly as `npm run package` would (vsce runs vscode:prepublish itself)
    try {
      const vsix = path.join(stage, 'bench.vsix');
      const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
      // The base URLs for the README's relative links, as the `package` script passes them.
      const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
      const baseUrls = (manifest.scripts.package.match(/--base\w+Url \S+/g) ?? []).flatMap((flag) => flag.split(' '));
      const { stdout } = await run(process.execPath, [vsce, 'package', ...baseUrls, '--out', vsix], {
        cwd: stage,
        maxBuffer: 16 * 1024 * 1024,
        timeout: 180_000,
      });
      const files = /Packaged: .*\((\d+) files?/.exec(stdout)?.[1];
      result.vsix = { bytes: (await stat(vsix)).size, files: files ? Number(files) : undefined };
    } catch (error) {
      result.vsix = { error: tail(`${error.stdout ?? ''}\n${error.stderr ?? error.message}`) };
    }

    const activation = await readResult('activation.json');
    result.activation = activation
      ? { file: activation.file, ms: activationMs(activation.data), raw: activation.data }
      : undefined;
    const panel = await readResult('panel-bench.json');
    result.panel = panel ? { file: panel.file, raw: panel.data } : undefined;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  emitResult(result);
}

await main();

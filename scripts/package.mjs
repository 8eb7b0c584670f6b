#!/usr/bin/env node
// `npm run package [-- --target <vsce target>]`: builds the .vsix for one platform, with sharp's
// native binaries for that platform (and its WebAssembly build, the fallback), or without
// --target the universal .vsix, which carries only the WebAssembly build. The dependencies of
// another platform cannot be installed over this checkout's node_modules, so the package is
// staged in a temporary copy where npm installs exactly the target's production dependencies.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

/** vsce's targets and what npm must be told to install sharp's binaries for each. */
const TARGETS = {
  'win32-x64': ['--os=win32', '--cpu=x64'],
  'win32-arm64': ['--os=win32', '--cpu=arm64'],
  'darwin-x64': ['--os=darwin', '--cpu=x64'],
  'darwin-arm64': ['--os=darwin', '--cpu=arm64'],
  'linux-x64': ['--os=linux', '--cpu=x64', '--libc=glibc'],
  'linux-arm64': ['--os=linux', '--cpu=arm64', '--libc=glibc'],
  'linux-armhf': ['--os=linux', '--cpu=arm', '--libc=glibc'],
  'alpine-x64': ['--os=linux', '--cpu=x64', '--libc=musl'],
  'alpine-arm64': ['--os=linux', '--cpu=arm64', '--libc=musl'],
};

/** What the .vsix is made of (.vscodeignore picks from these). */
const SHIPPED = [
  'package.json',
  'package-lock.json',
  '.vscodeignore',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist',
  'l10n',
  'media',
];

const { values } = parseArgs({ options: { target: { type: 'string' } } });
const target = values.target;
if (target !== undefined && !(target in TARGETS)) {
  console.error(`unknown target ${target}; one of: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'inherit' });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

run(process.execPath, ['esbuild.mjs', '--production'], root);
const stage = await mkdtemp(path.join(tmpdir(), 'aigc-package-'));
try {
  for (const entry of SHIPPED) {
    await cp(path.join(root, entry), path.join(stage, entry), { recursive: true });
  }
  for (const nls of ['package.nls.json', 'package.nls.zh-cn.json'])
    await cp(path.join(root, nls), path.join(stage, nls));
  // dist/ is built above; vsce must not try to build again where there are no sources.
  const manifest = JSON.parse(await readFile(path.join(stage, 'package.json'), 'utf8'));
  delete manifest.scripts['vscode:prepublish'];
  await writeFile(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const platform = target ? TARGETS[target] : ['--omit=optional'];
  run(npm, ['install', '--omit=dev', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', ...platform], stage);
  const name = `aigc-image-studio${target ? `-${target}` : ''}.vsix`;
  await mkdir(path.join(root, 'dist-vsix'), { recursive: true });
  const out = path.join(root, 'dist-vsix', name);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(
    process.execPath,
    [
      vsce,
      'package',
      ...(target ? ['--target', target] : []),
      '--baseContentUrl',
      'https://example.invalid/aigc-image-studio/blob/main',
      '--baseImagesUrl',
      'https://example.invalid/aigc-image-studio/raw/main',
      '--out',
      out,
    ],
    stage,
  );
  console.log(`${path.relative(root, out)}: ${((await stat(out)).size / 1024 / 1024).toFixed(1)} MB`);
} finally {
  await rm(stage, { recursive: true, force: true });
}

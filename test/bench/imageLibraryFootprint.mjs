// What each image library costs on disk and in a .vsix: its installed packages (the dependency
// closure as npm laid it out for this platform), and the subset it loads at run time, raw and
// deflated as a .vsix (a zip) would store it. Documentation, type declarations, C sources and the
// builds for other environments (browser, ESM twins, multi-threaded AVIF, JPEG XL) are not shipped.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { root } from './lib.mjs';

const NATIVE_SHARP = /^@img\/sharp-(libvips-)?(linux|linuxmusl|darwin|win32|freebsd)/;

const SPECS = {
  sharp: { roots: ['sharp'], skipFiles: [/^sharp\/(src|install|lib)\//, /^sharp\/dist\/.*\.mjs$/] },
  'sharp-wasm32': {
    roots: ['sharp', '@img/sharp-wasm32'],
    skipPackages: NATIVE_SHARP,
    skipFiles: [/^sharp\/(src|install|lib)\//, /^sharp\/dist\/.*\.mjs$/],
  },
  'wasm-vips': {
    roots: ['wasm-vips'],
    skipFiles: [/^wasm-vips\/lib\/(vips-es6\.js|vips\.js|vips-node\.mjs|vips-jxl\.wasm|vips-resvg\.wasm)$/],
  },
  jsquash: {
    roots: ['@jsquash/png', '@jsquash/jpeg', '@jsquash/webp', '@jsquash/avif', '@jsquash/resize'],
    // AVIF is only written (the gateway returns PNG, JPEG, WebP); one resize method is used.
    skipFiles: [/^@jsquash\/avif\/codec\/(dec\/|enc\/avif_enc_mt)/, /^@jsquash\/resize\/lib\/(hqx|magic-kernel)\//],
  },
};

const NOT_RUNTIME = [
  /\.md$/i,
  /\.d\.[cm]?ts$/,
  /\.map$/,
  /\.tsbuildinfo$/,
  /(^|\/)(test|tests|docs?|example|examples)\//,
];
const isLicence = (file) => /(^|\/)(LICEN[CS]E|NOTICE|COPYING)[^/]*$/i.test(file);

/** The installed packages reachable from `roots` through dependencies and installed optional ones. */
function closure(roots, skipPackages) {
  const found = new Map();
  const visit = (name, fromDir) => {
    const candidates = [path.join(fromDir, 'node_modules', name), path.join(root, 'node_modules', name)];
    const dir = candidates.find((d) => existsSync(path.join(d, 'package.json')));
    if (!dir || found.has(dir) || skipPackages?.test(name)) return;
    found.set(dir, name);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  for (const r of roots) visit(r, root);
  return [...found].map(([dir, name]) => ({ dir, name }));
}

function filesUnder(dir, prefix, skipNested = true) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!(skipNested && entry.name === 'node_modules')) out.push(...filesUnder(full, rel, skipNested));
    } else if (entry.isFile()) out.push({ full, rel, bytes: statSync(full).size });
  }
  return out;
}

export function footprint(library) {
  const spec = SPECS[library];
  const files = closure(spec.roots, spec.skipPackages).flatMap(({ dir, name }) => filesUnder(dir, name));
  const shipped = files.filter(
    (f) =>
      isLicence(f.rel) || !(NOT_RUNTIME.some((re) => re.test(f.rel)) || spec.skipFiles?.some((re) => re.test(f.rel))),
  );
  const sum = (list) => list.reduce((n, f) => n + f.bytes, 0);
  const largest = [...shipped]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((f) => ({ file: f.rel, bytes: f.bytes }));
  return {
    packages: [
      ...new Set(
        files.map((f) =>
          f.rel
            .split('/')
            .slice(0, f.rel.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
      ),
    ],
    installedBytes: sum(files),
    runtimeFiles: shipped.length,
    runtimeBytes: sum(shipped),
    deflatedBytes: shipped.reduce((n, f) => n + deflateRawSync(readFileSync(f.full)).length, 0),
    largest,
  };
}

export async function footprints(libraries) {
  return Object.fromEntries(libraries.map((name) => [name, footprint(name)]));
}

/**
 * Loading sharp inside the worker, choosing its build. Under Electron on Linux (VS Code's desktop
 * extension host) the native libvips and Electron's GLib can crash the whole host (see
 * docs/image-library.md, "Linux desktop"), so there the WebAssembly build is loaded. sharp has no
 * switch for that: it tries its native binaries and falls back to @img/sharp-wasm32 when none
 * resolves, so the native ones are made unresolvable in this thread (each worker has its own
 * module loader: the host's is untouched). Elsewhere a native build that fails to load falls
 * back to the same WebAssembly one, by sharp's own order.
 */
import Module, { createRequire } from 'node:module';
import type sharp from 'sharp';
import { libraryUnavailable } from './imagingErrors';
import type { SharpBuild, WorkerOptions } from './messages';

export type Sharp = typeof sharp;

/** The build to load: WebAssembly under Electron on Linux (or when told), else sharp's own choice. */
export function sharpBuildFor(
  asked: WorkerOptions['build'],
  versions: NodeJS.ProcessVersions,
  platform: NodeJS.Platform,
): 'native-first' | 'wasm32' {
  if (asked === 'wasm32') return 'wasm32';
  return versions.electron && platform === 'linux' ? 'wasm32' : 'native-first';
}

/** The native binaries sharp looks for: its npm packages and a local build from source. */
const NATIVE_BINARY =
  /(^@img\/sharp-(?!wasm32)[^/]+\/sharp\.node$)|([\\/]build[\\/]Release[\\/]sharp-(?!wasm32)[^\\/]+\.node$)/;

interface ResolvingModule {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

function hideNativeBinaries(): void {
  const loader = Module as unknown as ResolvingModule;
  const resolve = loader._resolveFilename.bind(loader);
  loader._resolveFilename = (request: string, ...rest: unknown[]) => {
    if (NATIVE_BINARY.test(request)) {
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    }
    return resolve(request, ...rest);
  };
}

export interface LoadedSharp {
  sharp: Sharp;
  build: SharpBuild;
}

/** Loads sharp once per worker; a failure is libraryUnavailable with sharp's own explanation in the details. */
export function loadSharp(choice: 'native-first' | 'wasm32'): LoadedSharp {
  if (choice === 'wasm32') hideNativeBinaries();
  const load = createRequire(__filename);
  let loaded: Sharp;
  try {
    loaded = load('sharp') as Sharp;
  } catch (error) {
    throw libraryUnavailable(error instanceof Error ? error.message : String(error));
  }
  // libvips' operation cache would keep every decoded original in memory for the worker's life.
  loaded.cache(false);
  const build = Object.keys(load.cache).some((file) => file.includes('sharp-wasm32')) ? 'wasm32' : 'native';
  return { sharp: loaded, build };
}

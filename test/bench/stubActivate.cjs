// Loads a built dist/extension.js in plain Node with a stand-in `vscode` module and calls
// activate(), timing both. Indicative only: the stand-in API answers instantly and does
// nothing, so this shows the cost of our own code (module evaluation, activate's body),
// not VS Code's. The real activation time comes from the integration run.
//
//   node stubActivate.cjs <dist/extension.js> <@types/vscode/index.d.ts>
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const [bundle, dts] = process.argv.slice(2);

/** An object that answers every property, call and `new` with another such object. */
function stub(name) {
  const cache = new Map();
  return new Proxy(function () {}, {
    get(_target, prop) {
      if (cache.has(prop)) return cache.get(prop);
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      const value = stub(`${name}.${String(prop)}`);
      cache.set(prop, value);
      return value;
    },
    set(_target, prop, value) {
      cache.set(prop, value);
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

// The API's top-level names, so the bundle's `import * as vscode` sees them as own properties.
const names = new Set(
  [
    ...fs
      .readFileSync(dts, 'utf8')
      .matchAll(/^\s{1,4}export (?:namespace|class|enum|const|function|let) ([A-Za-z_0-9]+)/gm),
  ].map((m) => m[1]),
);
const vscode = {};
for (const n of names) vscode[n] = stub(`vscode.${n}`);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const memento = () => {
  const m = new Map();
  return {
    get: (k, d) => (m.has(k) ? m.get(k) : d),
    update: async (k, v) => void m.set(k, v),
    keys: () => [...m.keys()],
    setKeysForSync() {},
  };
};
const uri = (p) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}`, with: () => uri(p) });
const base = require('node:path').join(require('node:os').tmpdir(), `aigc-bench-ext-${process.pid}`);
const known = {
  subscriptions: [],
  extensionPath: base,
  extensionUri: uri(base),
  storageUri: uri(`${base}/storage`),
  globalStorageUri: uri(`${base}/global`),
  logUri: uri(`${base}/log`),
  storagePath: `${base}/storage`,
  globalStoragePath: `${base}/global`,
  globalState: memento(),
  workspaceState: memento(),
  secrets: {
    get: async () => undefined,
    store: async () => {},
    delete: async () => {},
    onDidChange: () => ({ dispose() {} }),
  },
  extension: {
    id: 'aigc-image-studio.aigc-image-studio',
    packageJSON: { version: '0.0.0-bench' },
    extensionUri: uri(base),
  },
  extensionMode: 1,
};
const fallback = stub('context');
const context = new Proxy({}, { get: (_t, p) => (p in known ? known[p] : fallback[p]) });

const t0 = process.hrtime.bigint();
const ext = require(bundle);
const t1 = process.hrtime.bigint();
let error;
try {
  ext.activate(context);
} catch (e) {
  error = String(e && e.message ? e.message : e);
}
const t2 = process.hrtime.bigint();
console.log(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, error }));
// Whatever activate scheduled (resume) talks to the stand-in; nothing to wait for.
setTimeout(() => process.exit(0), 20);

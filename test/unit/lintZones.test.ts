/**
 * The layers of the README's "Layout" are enforced by eslint.config.mjs: an import across a layer
 * the wrong way fails `npm run lint`. This plants one such import per rule of that config, in a file
 * of the layer it guards, and runs the project's real ESLint configuration on it: each must be
 * reported, so dropping a zone from the config fails here.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The planted files do not exist, so no TypeScript project holds them: linted without type
 * information. The zone rules read import paths, not types.
 */
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parser'}: ${m.message}`);
}

interface Crossing {
  rule: string;
  /** Where the import is planted. */
  file: string;
  from: string;
  /** A phrase of the zone's message, so the right zone is the one that answered. */
  says: RegExp;
}

const PATHS = 'import-x/no-restricted-paths';
const PACKAGES = 'no-restricted-imports';

const crossings: Record<string, Crossing> = {
  'the pure core cannot reach into the VS Code side': {
    rule: PATHS,
    file: 'src/core/x.ts',
    from: '../host/log',
    says: /src\/core is the bottom layer/,
  },
  'the pure core cannot use the vscode API': {
    rule: PACKAGES,
    file: 'src/core/x.ts',
    from: 'vscode',
    says: /src\/core is pure/,
  },
  'the pure core cannot reach into the image engine': {
    rule: PATHS,
    file: 'src/core/x.ts',
    from: '../imaging/imageWorker',
    says: /src\/core is the bottom layer/,
  },
  'the image engine cannot reach into the VS Code side': {
    rule: PATHS,
    file: 'src/imaging/x.ts',
    from: '../host/log',
    says: /src\/imaging runs in a worker thread/,
  },
  'the image engine cannot use the vscode API': {
    rule: PACKAGES,
    file: 'src/imaging/x.ts',
    from: 'vscode',
    says: /src\/imaging runs in a worker thread/,
  },
  'a core file the webview runs cannot pull in Node-only core code': {
    rule: PATHS,
    file: 'src/core/lifecycle.ts',
    from: './gateway',
    says: /The webview imports this file/,
  },
  'a core file the webview runs cannot use Node modules': {
    rule: PACKAGES,
    file: 'src/core/models.ts',
    from: 'node:path',
    says: /runs in the Studio webview/,
  },
  'the shared protocol cannot pull in Node-only core code': {
    rule: PATHS,
    file: 'src/shared/x.ts',
    from: '../core/gateway',
    says: /read by both sides/,
  },
  'the shared protocol cannot depend on the VS Code side': {
    rule: PATHS,
    file: 'src/shared/x.ts',
    from: '../host/log',
    says: /depends on neither/,
  },
  'the shared protocol cannot use the vscode API': {
    rule: PACKAGES,
    file: 'src/shared/x.ts',
    from: 'vscode',
    says: /runs in the Studio webview/,
  },
  'the webview cannot import the extension host code': {
    rule: PATHS,
    file: 'media/studio/x.ts',
    from: '../../src/host/log',
    says: /webview imports only/,
  },
  'the webview cannot import Node-only core code': {
    rule: PATHS,
    file: 'media/studio/x.ts',
    from: '../../src/core/gateway',
    says: /webview imports only/,
  },
  'the webview cannot use Node modules': {
    rule: PACKAGES,
    file: 'media/studio/x.ts',
    from: 'node:fs',
    says: /runs in the Studio webview/,
  },
  'the webview cannot use the vscode API': {
    rule: PACKAGES,
    file: 'media/studio/x.ts',
    from: 'vscode',
    says: /runs in the Studio webview/,
  },
  'the VS Code side cannot import the activation code that builds it': {
    rule: PATHS,
    file: 'src/host/x.ts',
    from: '../commands',
    says: /never the other way round/,
  },
  'shipped code cannot import the tests': {
    rule: PATHS,
    file: 'src/host/x.ts',
    from: '../../test/sim/images',
    says: /never imports the tests/,
  },
  'the simulator cannot be written from the client code': {
    rule: PATHS,
    file: 'test/sim/x.ts',
    from: '../../src/core/models',
    says: /written from the protocol/,
  },
};

describe('an import across the layers fails the lint', () => {
  for (const [name, crossing] of Object.entries(crossings)) {
    it(name, async () => {
      const found = await problems(
        crossing.file,
        `import * as planted from '${crossing.from}';\nexport const used = planted;\n`,
      );
      const zone = found.filter((p) => p.startsWith(`${crossing.rule}:`));
      assert.ok(
        zone.length > 0,
        `no ${crossing.rule} error for ${crossing.from} in ${crossing.file}; got: ${found.join(' | ') || 'nothing'}`,
      );
      assert.ok(
        zone.some((p) => crossing.says.test(p)),
        `the error is not the expected zone's: ${zone.join(' | ')}`,
      );
    });
  }
});

describe('imports along the layers pass the lint', () => {
  const allowed: Record<string, [file: string, imports: string[]]> = {
    'the VS Code side uses vscode, Node, the core and the protocol': [
      'src/host/x.ts',
      ['node:path', 'vscode', '../core/gateway', '../shared/protocol', './log'],
    ],
    'activation builds the VS Code side': ['src/extension.ts', ['vscode', './commands', './host/log']],
    'the image engine uses Node, sharp and the core': [
      'src/imaging/x.ts',
      ['node:worker_threads', 'sharp', '../core/finish', '../core/keyOut', './messages'],
    ],
    'the core uses Node and other core files': ['src/core/x.ts', ['node:fs/promises', './gateway', './models']],
    'the webview uses the protocol and the browser-safe core': [
      'media/studio/x.ts',
      ['../../src/shared/protocol', '../../src/core/models', '../../src/core/lifecycle', './dom'],
    ],
    'the tests use what they test and the simulator': [
      'test/unit/x.test.ts',
      ['node:test', '../../src/host/webviewHtml', '../sim/simulator'],
    ],
  };
  for (const [name, [file, imports]] of Object.entries(allowed)) {
    it(name, async () => {
      const code = imports.map((from, i) => `import * as m${i} from '${from}';`).join('\n');
      const found = await problems(
        file,
        `${code}\nexport const used = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`,
      );
      assert.deepEqual(found, []);
    });
  }
});

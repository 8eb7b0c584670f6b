// Real-VS-Code test harness: code-server 4.100.3 (VS Code 1.100.3) driven by Debian's Chromium.
// Recipe and background: docs/real-vscode.md.
//
//   const server = await startCodeServer({ workspace, trustWorkspace: true });
//   const browser = await launchChromium();
//   const page = await browser.newPage();
//   await page.exposeFunction('codeAutomationExit', (code) => …);   // before goto
//   await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath, extensionTestsPath }));
//   …
//   await browser.close(); await server.stop();
//
// Environment: AIGC_CODE_SERVER_DIR overrides the install folder.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const INSTALL_SCRIPT = path.join(HERE, 'install-code-server.sh');
const MARKER = '.installed-ok';
const HEALTH_TIMEOUT_MS = 60_000;
const TAIL_LINES = 40;

/** Arguments for Chromium used by the harness (see the recipe). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Folder holding the code-server install.
 * @returns {string}
 */
export function codeServerDir() {
  return (
    process.env.AIGC_CODE_SERVER_DIR ||
    path.join(os.homedir(), '.cache', 'aigc-image-studio', `code-server-${CODE_SERVER_VERSION}`)
  );
}

/**
 * Path of the code-server binary inside an install folder.
 * @param {string} [dir]
 * @returns {string}
 */
export function codeServerBin(dir = codeServerDir()) {
  return path.join(dir, 'node_modules', '.bin', 'code-server');
}

/**
 * Installs code-server (and Chromium) when the install marker is missing, streaming the
 * installer's output to stderr. Returns the path of the `code-server` binary.
 * @returns {Promise<string>}
 */
export async function ensureCodeServer() {
  const dir = codeServerDir();
  const bin = codeServerBin(dir);
  if (!existsSync(path.join(dir, MARKER)) || !existsSync(CHROMIUM_PATH)) {
    process.stderr.write(`[code-server] installing into ${dir} (about 2–3 minutes)\n`);
    const code = await new Promise((resolve, reject) => {
      const child = spawn('bash', [INSTALL_SCRIPT], {
        stdio: ['ignore', 2, 2],
        env: { ...process.env, AIGC_CODE_SERVER_DIR: dir },
      });
      child.on('error', reject);
      child.on('exit', (c, sig) => resolve(sig ? `signal ${sig}` : c));
    });
    if (code !== 0) throw new Error(`code-server install failed (${INSTALL_SCRIPT} exited with ${code})`);
  }
  if (!existsSync(path.join(dir, MARKER)))
    throw new Error(`code-server install marker missing: ${path.join(dir, MARKER)}`);
  if (!existsSync(bin)) throw new Error(`code-server binary missing: ${bin}`);
  return bin;
}

/**
 * A free TCP port on 127.0.0.1 (listen on 0, read the port, close).
 * @returns {Promise<number>}
 */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Runs a command and collects its output; rejects on a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {number} timeoutMs
 * @returns {Promise<string>}
 */
function run(cmd, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${sig ?? code}:\n${out}`));
    });
  });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Is any process of the group still alive?
 * @param {number} pgid
 */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * @typedef {object} CodeServer
 * @property {string} url           http://127.0.0.1:PORT/
 * @property {number} port
 * @property {string} root          temporary root (removed by stop())
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {import('node:child_process').ChildProcess} process
 * @property {() => string} output  last lines of server output
 * @property {() => Promise<void>} stop  kills the process group and removes the temporary root
 */

/**
 * @typedef {object} StartOptions
 * @property {string} workspace                 folder (or .code-workspace file) to open
 * @property {Record<string, unknown>} [userSettings]  merged over the harness defaults
 * @property {string} [installVsix]             .vsix to install into the fresh extensions dir
 * @property {number} [port]                    default: a free port
 * @property {boolean} [trustWorkspace]         true: --disable-workspace-trust (everything trusted);
 *                                              false (default): trust enabled, the fresh profile has
 *                                              not trusted the workspace → Restricted Mode
 * @property {Record<string, string>} [env]     merged into process.env (reaches the extension host)
 * @property {string} [logFile]                 server output is appended here
 */

/**
 * Starts a code-server with a fresh profile and waits until /healthz answers.
 * @param {StartOptions} options
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer({
  workspace,
  userSettings = {},
  installVsix,
  port,
  trustWorkspace = false,
  env = {},
  logFile,
}) {
  if (!workspace) throw new Error('startCodeServer: workspace is required');
  const bin = await ensureCodeServer();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'aigc-code-server-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {import('node:fs').WriteStream | undefined} */
  let log;
  try {
    const userDataDir = path.join(root, 'ud');
    const extensionsDir = path.join(root, 'exts');
    const xdgData = path.join(root, 'xdg-data');
    const xdgConfig = path.join(root, 'xdg-config');
    const configFile = path.join(root, 'config.yaml');
    await Promise.all(
      [path.join(userDataDir, 'User'), extensionsDir, xdgData, xdgConfig].map((d) => fs.mkdir(d, { recursive: true })),
    );
    const settings = {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': !trustWorkspace,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'update.mode': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'chat.commandCenter.enabled': false,
      ...userSettings,
    };
    await fs.writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    const actualPort = port ?? (await freePort());
    await fs.writeFile(configFile, `bind-addr: 127.0.0.1:${actualPort}\nauth: none\ncert: false\n`);

    /** @type {NodeJS.ProcessEnv} */
    const childEnv = {
      ...process.env,
      XDG_DATA_HOME: xdgData,
      XDG_CONFIG_HOME: xdgConfig,
      ...env,
    };
    // Leaked from a parent VS Code terminal these would redirect the CLI to another server.
    delete childEnv.VSCODE_IPC_HOOK_CLI;

    const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', configFile];
    if (installVsix) {
      await run(bin, ['--install-extension', path.resolve(installVsix), ...common], childEnv, 120_000);
    }

    if (logFile) {
      await fs.mkdir(path.dirname(path.resolve(logFile)), { recursive: true });
      log = createWriteStream(logFile, { flags: 'a' });
    }
    const args = [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${actualPort}`,
      ...common,
      '--disable-telemetry',
      '--disable-update-check',
      ...(trustWorkspace ? ['--disable-workspace-trust'] : []),
      path.resolve(workspace),
    ];
    // detached: own process group, so stop() reaches the extension host, file watcher and pty host.
    const proc = spawn(bin, args, { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const pgid = /** @type {number} */ (proc.pid);

    /** @type {string[]} */
    const tail = [];
    let partial = '';
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      log?.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      tail.push(...lines);
      if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    const output = () => [...tail, ...(partial ? [partial] : [])].join('\n');

    /** @type {{ code: number | null, signal: string | null } | undefined} */
    let exited;
    /** @type {Promise<void>} */
    const exitPromise = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve();
      });
      proc.on('error', (e) => {
        tail.push(`spawn error: ${e.message}`);
        exited = { code: -1, signal: null };
        resolve();
      });
    });

    // Last resort if the test process dies without calling stop().
    const killOnExit = () => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    process.on('exit', killOnExit);

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        // the group is gone already
      }
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && (!exited || groupAlive(pgid))) await sleep(100);
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // it ended within the grace period
      }
      await Promise.race([exitPromise, sleep(2000)]);
      await new Promise((r) => (log ? log.end(r) : r(undefined)));
      await fs.rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {});
    };

    const url = `http://127.0.0.1:${actualPort}/`;
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    for (;;) {
      if (exited) {
        await stop();
        throw new Error(
          `code-server exited before becoming healthy (code ${exited.code}, signal ${exited.signal}); last output:\n${output()}`,
        );
      }
      try {
        const res = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) break;
      } catch {
        // not listening yet: look again until the deadline
      }
      if (Date.now() > deadline) {
        const out = output();
        await stop();
        throw new Error(
          `code-server did not answer ${url}healthz within ${HEALTH_TIMEOUT_MS / 1000} s; last output:\n${out}`,
        );
      }
      await sleep(200);
    }

    return { url, port: actualPort, root, userDataDir, extensionsDir, process: proc, output, stop };
  } catch (e) {
    if (!child) {
      log?.end();
      await fs.rm(root, { recursive: true, force: true }).catch(() => {});
    }
    throw e;
  }
}

/**
 * vscode-remote URI of an absolute path on the code-server machine.
 * @param {{ port: number }} server
 * @param {string} p
 */
export function remoteUri(server, p) {
  return `vscode-remote://127.0.0.1:${server.port}${pathToFileURL(path.resolve(p)).pathname}`;
}

/**
 * URL of the web workbench opening `folder`, optionally as an Extension Development Host
 * running `extensionTestsPath` (the runner's exported `run()`), passed through `payload`.
 * @param {{ url: string, port: number }} server
 * @param {{ folder?: string, extensionDevelopmentPath?: string | string[], extensionTestsPath?: string }} [opts]
 * @returns {string}
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', path.resolve(folder));
  /** @type {[string, string][]} */
  const payload = [];
  const devPaths = extensionDevelopmentPath == null ? [] : [extensionDevelopmentPath].flat();
  for (const p of devPaths) payload.push(['extensionDevelopmentPath', remoteUri(server, p)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, extensionTestsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  const qs = params.toString();
  return qs ? `${server.url}?${qs}` : server.url;
}

/**
 * Headless Debian Chromium through playwright-core (never `npx playwright install`).
 * @param {{ headless?: boolean, args?: string[] }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium({ headless = true, args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless, args: [...CHROMIUM_ARGS, ...args] });
}

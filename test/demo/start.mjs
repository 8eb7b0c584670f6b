// `npm start`: build, start the gateway simulator (unless a real gateway is given), and open the
// extension in VS Code on a sample workspace of images, so a newcomer sees a generation within a
// minute with no API key.
//
//   AIGC_BASE_URL=https://… AIGC_API_KEY=… npm start   # use a real gateway instead of the simulator
//   AIGC_DEMO_PORT=8080 npm start                        # fixed code-server port
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
}

console.log('Building the extension…');
run('npm', ['run', '--silent', 'build']);
run('npm', ['run', '--silent', 'compile-tests']);

const demoRoot = mkdtempSync(path.join(tmpdir(), 'aigc-demo-'));
const workspace = path.join(demoRoot, 'sample-workspace');
cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

let sim;
let baseUrl = process.env.AIGC_BASE_URL;
let apiKey = process.env.AIGC_API_KEY;
if (!baseUrl || !apiKey) {
  const { startSimulator } = await import(pathToFileURL(path.join(root, 'out', 'test', 'sim', 'simulator.js')).href);
  // Real pixel sizes, so what the demo saves and finishes looks like a model's output.
  sim = await startSimulator({ taskDurationMs: 6000, queueMs: 1500, realSizes: true, quiet: false });
  baseUrl = sim.apiOrigin;
  apiKey = sim.apiKey;
  console.log(`Gateway simulator: ${sim.apiOrigin} (results served from ${sim.cdnOrigin})`);
} else {
  console.log(`Using the gateway at ${baseUrl}`);
}

const userSettings = {
  'aigcImage.baseUrl': baseUrl,
  'aigcImage.apiKey': apiKey,
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
};

const stops = [];
const stopAll = async () => {
  for (const stop of stops.reverse()) await stop();
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
if (sim) stops.push(() => sim.close());

const code = process.env.VSCODE_EXECUTABLE || onPath('code');
if (code) {
  const userDataDir = path.join(demoRoot, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  console.log(`Opening VS Code on ${workspace}`);
  const child = spawn(
    code,
    [
      '--new-window',
      '--wait',
      `--extensionDevelopmentPath=${root}`,
      `--user-data-dir=${userDataDir}`,
      `--extensions-dir=${path.join(demoRoot, 'extensions')}`,
      workspace,
    ],
    { stdio: 'inherit' },
  );
  child.on('exit', stopAll);
} else {
  const { startCodeServer } = await import(pathToFileURL(path.join(root, 'test', 'harness', 'codeServer.mjs')).href);
  console.log('Packaging the extension…');
  run('npm', ['run', '--silent', 'package']);
  const vsix = path.join(root, 'dist-vsix', 'aigc-image-studio.vsix');
  if (!existsSync(vsix)) throw new Error(`${vsix} was not produced`);
  const port = process.env.AIGC_DEMO_PORT ? Number(process.env.AIGC_DEMO_PORT) : undefined;
  const server = await startCodeServer({ workspace, userSettings, installVsix: vsix, port, trustWorkspace: true });
  stops.push(() => server.stop());
  console.log('');
  console.log(`  VS Code (code-server) is ready: ${server.url}`);
  console.log('  Open it in a browser, then: Command Palette (F1) → "AIGC Image: Generate Image…"');
  console.log('  or right-click an image in the Explorer → "Restyle Image…".');
  console.log('  Ctrl+C stops everything.');
  console.log('');
}

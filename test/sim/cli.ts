/**
 * Runs the gateway simulator on its own, to point a real VS Code (or curl) at it:
 *
 *   node out/test/sim/cli.js [--mode native|queue|envelope] [--port N] [--duration ms]
 *                            [--queue ms] [--key K] [--format png|jpeg|webp] [--quiet] [--control]
 *                            [--progress linear|none|zero|stuck99|jumps|constant50] [--invisible ms]
 *                            [--malformed] [--real-sizes] [--key-noise levels]
 *
 * --real-sizes serves images at the pixel sizes each model answers with (sizes.ts) rather than
 * small ones; --key-noise jitters a painted key colour by that many levels.
 *
 * The API port can also come from AIGC_SIM_PORT. With --control the HTTP control
 * server (controlServer.ts) starts too, so another process can inject faults.
 */
import { startControlServer } from './controlServer';
import type { ImageFormat } from './images';
import { type SimMode, type SimOptions, type SimProgress, startSimulator } from './simulator';

const USAGE =
  'usage: cli.js [--mode native|queue|envelope] [--port N] [--duration ms] [--queue ms] [--key K] [--format png|jpeg|webp] [--quiet] [--control] [--progress linear|none|zero|stuck99|jumps|constant50] [--invisible ms] [--malformed] [--real-sizes] [--key-noise levels]';

interface CliArgs {
  options: Partial<SimOptions>;
  port: number;
  control: boolean;
}

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

function count(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0)
    fail(`${flag} needs a whole number, got ${value ?? 'nothing'}`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(`${flag} must be one of ${allowed.join(', ')}, got ${value ?? 'nothing'}`);
  return value as T;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const options: Partial<SimOptions> = {};
  let port = env.AIGC_SIM_PORT ? count('AIGC_SIM_PORT', env.AIGC_SIM_PORT) : 0;
  let control = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Accept both "--mode queue" and "--mode=queue".
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--mode':
        options.mode = oneOf<SimMode>(flag, value(), ['native', 'queue', 'envelope']);
        break;
      case '--port':
        port = count(flag, value());
        break;
      case '--duration':
        options.taskDurationMs = count(flag, value());
        break;
      case '--queue':
        options.queueMs = count(flag, value());
        break;
      case '--key': {
        const key = value();
        if (!key) fail('--key needs a value');
        options.apiKey = key;
        break;
      }
      case '--format':
        options.imageFormat = oneOf<ImageFormat>(flag, value(), ['png', 'jpeg', 'webp']);
        break;
      case '--progress':
        options.progress = oneOf<SimProgress>(flag, value(), [
          'linear',
          'none',
          'zero',
          'stuck99',
          'jumps',
          'constant50',
        ]);
        break;
      case '--invisible':
        options.invisibleMs = count(flag, value());
        break;
      case '--malformed':
        options.malformedFields = true;
        break;
      case '--real-sizes':
        options.realSizes = true;
        break;
      case '--key-noise':
        options.keyNoise = count(flag, value());
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '--control':
        control = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      default:
        fail(`unknown argument ${arg}`);
    }
  }
  return { options, port, control };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startSimulator(args.options, { apiPort: args.port });
  const control = args.control ? await startControlServer(sim) : undefined;
  const o = sim.options;
  console.log(
    `AIGC gateway simulator — mode ${o.mode}, tasks take ${o.queueMs} ms queued + ${o.taskDurationMs} ms, ${o.imageFormat} results${o.realSizes ? ' at real sizes' : ''}`,
  );
  console.log(`  API (base URL): ${sim.apiOrigin}`);
  console.log(`  CDN:            ${sim.cdnOrigin}`);
  console.log(`  third origin:   ${sim.thirdOrigin}`);
  console.log(`  API key:        ${sim.apiKey}`);
  if (control) console.log(`  control:        ${control.origin}`);
  console.log('Ctrl+C stops it.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await control?.close();
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

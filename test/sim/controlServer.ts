/**
 * Lets another process drive a simulator over HTTP: the integration tests run
 * inside VS Code's extension host while the simulator lives in the launcher
 * (so it survives an extension-host restart), and the end-to-end tests drive
 * it from the browser harness.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault, SimOptions, Simulator } from './simulator';

export interface ControlServer {
  origin: string;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** JSON can't carry Infinity; -1 stands for "always". */
function reviveFault(fault: Fault): Fault {
  return fault.times === -1 ? { ...fault, times: Infinity } : fault;
}

export async function startControlServer(sim: Simulator): Promise<ControlServer> {
  const server = http.createServer((req, res) => {
    // Only a failure after the answer has started is left: the connection is all that can end.
    answer(req, res).catch(() => res.destroy());
  });
  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      const body = req.method === 'POST' ? await readBody(req) : '';
      const input = body ? (JSON.parse(body) as unknown) : undefined;
      const url = new URL(req.url ?? '/', 'http://control');
      if (req.method === 'GET' && url.pathname === '/scene') {
        const task = url.searchParams.get('task');
        const index = Number(url.searchParams.get('image') ?? '0');
        if (!task || !Number.isInteger(index) || index < 0)
          return send(400, { error: 'GET /scene needs ?task=<task id> and optionally &image=<n>' });
        return send(200, sim.sceneOf(task, index));
      }
      switch (`${req.method} ${req.url}`) {
        case 'GET /info':
          return send(200, {
            apiOrigin: sim.apiOrigin,
            cdnOrigin: sim.cdnOrigin,
            thirdOrigin: sim.thirdOrigin,
            apiKey: sim.apiKey,
          });
        case 'POST /configure':
          sim.configure(input as Partial<SimOptions>);
          return send(200, { ok: true });
        case 'POST /fault':
          sim.fault(reviveFault(input as Fault));
          return send(200, { ok: true });
        case 'POST /clearFaults':
          sim.clearFaults();
          return send(200, { ok: true });
        case 'POST /reset':
          sim.reset();
          return send(200, { ok: true });
        case 'GET /requests':
          return send(200, sim.requests);
        case 'GET /tasks':
          return send(200, [...sim.tasks.values()]);
        case 'GET /cdnSawAuthorization':
          return send(200, { saw: sim.cdnSawAuthorization() });
        default:
          return send(404, { error: `no control route ${req.method} ${req.url}` });
      }
    } catch (error) {
      send(500, { error: String(error) });
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

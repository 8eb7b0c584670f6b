// Runs gateway simulators in their own process for the benchmarks and answers over IPC
// (see startSimHost in lib.mjs). Keeping the server out of the measured process means
// its work never shows up as the client's latency or event-loop delay.
import { compiled } from './lib.mjs';

const { startSimulator } = compiled('test/sim/simulator.js');
const sims = new Map();

function get(name) {
  const sim = sims.get(name);
  if (!sim) throw new Error(`no simulator named ${name}`);
  return sim;
}

/** Every API request that names a task, counted per task (create answers name it in the body instead). */
function requestsPerTask(sim) {
  const counts = new Map();
  for (const request of sim.requests) {
    if (request.server !== 'api') continue;
    const m = /\/(?:query|aigc-image|requests)\/([^/?]+)/.exec(request.path);
    if (!m) continue;
    const id = decodeURIComponent(m[1]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const ops = {
  async start({ name, options }) {
    if (sims.has(name)) throw new Error(`simulator ${name} already started`);
    const sim = await startSimulator({ quiet: true, ...options });
    sims.set(name, sim);
    return { apiOrigin: sim.apiOrigin, cdnOrigin: sim.cdnOrigin, apiKey: sim.apiKey };
  },
  configure({ name, patch }) {
    get(name).configure(patch);
    return true;
  },
  tasks({ name }) {
    const sim = get(name);
    const counts = requestsPerTask(sim);
    return [...sim.tasks.values()].map((t) => ({
      id: t.id,
      createdAt: t.createdAt,
      startAt: t.startAt,
      doneAt: t.doneAt,
      statusRequests: t.statusRequests,
      // + 1 for the create request itself
      allRequests: (counts.get(t.id) ?? 0) + 1,
    }));
  },
  fault({ name, fault }) {
    get(name).fault(fault);
    return true;
  },
  reset({ name }) {
    get(name).reset();
    return true;
  },
  async close() {
    await Promise.all([...sims.values()].map((s) => s.close()));
    sims.clear();
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on('message', async (message) => {
  try {
    const op = ops[message.op];
    if (!op) throw new Error(`unknown op ${message.op}`);
    const result = await op(message);
    process.send({ id: message.id, result });
  } catch (error) {
    process.send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));

/** Client of controlServer.ts: the simulator's API, asynchronously, from another process. */
import type { SceneParams } from './scenes';
import type { Fault, RecordedRequest, SimOptions, SimTask } from './simulator';

export interface SimInfo {
  apiOrigin: string;
  cdnOrigin: string;
  thirdOrigin: string;
  apiKey: string;
}

export class SimControl {
  constructor(readonly origin: string) {}

  /** The control origin handed over by the launcher, if this process runs under one. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SimControl | undefined {
    return env.AIGC_SIM_CONTROL ? new SimControl(env.AIGC_SIM_CONTROL) : undefined;
  }

  info(): Promise<SimInfo> {
    return this.call('GET', '/info');
  }

  configure(options: Partial<SimOptions>): Promise<void> {
    return this.call('POST', '/configure', options);
  }

  fault(fault: Fault): Promise<void> {
    return this.call('POST', '/fault', { ...fault, times: fault.times === Infinity ? -1 : fault.times });
  }

  clearFaults(): Promise<void> {
    return this.call('POST', '/clearFaults', {});
  }

  reset(): Promise<void> {
    return this.call('POST', '/reset', {});
  }

  requests(): Promise<RecordedRequest[]> {
    return this.call('GET', '/requests');
  }

  tasks(): Promise<SimTask[]> {
    return this.call('GET', '/tasks');
  }

  /** What a task's image showed: renderScene(it) gives its pixels and the subject's true coverage. */
  sceneOf(taskId: string, index = 0): Promise<SceneParams> {
    return this.call('GET', `/scene?task=${encodeURIComponent(taskId)}&image=${index}`);
  }

  async cdnSawAuthorization(): Promise<boolean> {
    return (await this.call<{ saw: boolean }>('GET', '/cdnSawAuthorization')).saw;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.origin + path, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const value = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`simulator control ${method} ${path}: ${value.error ?? response.status}`);
    return value;
  }
}

/**
 * What a create request changes from the service's defaults in what it costs and what it checks,
 * as short notes every confirmation shows beside the model (the agent tool's, the quick fix's
 * "… with <model>"): Permanent storage, an exact 6198x2656 size or a compliance check turned off
 * is seen before anything is billed, whichever setting or caller chose it. What the request
 * leaves to the service is not mentioned.
 */
import type { OutputConfig } from './request';

/** A value shown as it is (`16:9`, `4K`), or a template the host translates. */
export type RequestNote = { value: string } | { template: string };

export interface NotedRequest {
  output_config?: OutputConfig;
  enhance_prompt?: string;
}

const SWITCH_NOTES: Record<'input_compliance_check' | 'output_compliance_check', Record<string, RequestNote>> = {
  input_compliance_check: {
    Enabled: { template: 'Input compliance check: on' },
    Disabled: { template: 'Input compliance check: off' },
  },
  output_compliance_check: {
    Enabled: { template: 'Output compliance check: on' },
    Disabled: { template: 'Output compliance check: off' },
  },
};

const PEOPLE_NOTES: Record<string, RequestNote> = {
  AllowAdult: { template: 'People: adults allowed' },
  Disallowed: { template: 'People: none' },
};

const ENHANCE_NOTES: Record<string, RequestNote> = {
  Enabled: { template: 'Prompt enhanced by the service' },
  Disabled: { template: 'Prompt not enhanced' },
};

const PERMANENT: RequestNote = { template: 'Permanent storage in your VOD library' };

/** The notes in the order the confirmation lists them: shape, size, storage, people, checks, prompt. */
export function requestNotes(request: NotedRequest): RequestNote[] {
  const output = request.output_config ?? {};
  const notes: (RequestNote | undefined)[] = [
    output.aspect_ratio ? { value: output.aspect_ratio } : undefined,
    output.resolution ? { value: output.resolution } : undefined,
    output.storage_mode === 'Permanent' ? PERMANENT : undefined,
    output.person_generation ? PEOPLE_NOTES[output.person_generation] : undefined,
    output.input_compliance_check ? SWITCH_NOTES.input_compliance_check[output.input_compliance_check] : undefined,
    output.output_compliance_check ? SWITCH_NOTES.output_compliance_check[output.output_compliance_check] : undefined,
    request.enhance_prompt ? ENHANCE_NOTES[request.enhance_prompt] : undefined,
  ];
  return notes.filter((note): note is RequestNote => note !== undefined);
}

/**
 * The life of one generation task, as one state machine: the only place a task's phase
 * changes. Pure (no I/O, no clock of its own), so every transition is tested in plain Node.
 *
 *   submitting ──submitted──▶ waiting ──finished──▶ landing ──all images on disk──▶ LANDED
 *       │                       │  ▲                  │  ▲
 *       │ unknown answer        │  └─ problem ────────┘  └─ problem, fresh URLs
 *       ▼                       │                     │
 *   uncertain ◀─restarted─      ├─failed─▶ REFUSED ◀──┤ not an image twice
 *   (resubmit / discard)        │                     ▼
 *                               └─discard─▶ DISCARDED  blocked (needs a folder)
 *
 * Terminal phases are exactly three: `landed` (every image and its sidecar on disk, or left out
 * by the limits of a task below), `refused` (the gateway's definitive answer) and `discarded`
 * (the user said so, or the gateway's retention passed). Everything else stays collectable:
 * network and server errors, rate limits, a task the gateway does not know yet, CDN errors,
 * expired URLs, a full disk, a refused folder. None of those ever deletes the record. Image
 * addresses that cannot be used keep the task in `landing` too, but after a few tries it waits
 * for the user's Collect Now instead of asking again (waitsForCollectNow).
 */
import type { AppliedStyle } from './styleApply';
import { oneLine } from './errors';
import type { FinishSpec, FinishedFile } from './finish';
import type { CreateTaskBody } from './request';
import type { ResultImage, TaskRef, GatewayAnswer } from './gatewayAnswer';

export const RECORD_VERSION = 2;
/** Results can be queried for about three days upstream; after that nothing can be collected. */
export const RETENTION_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The images of one task that are fetched; the rest of a longer list are left out. The create
 * request has no image count and a task makes one image (docs/protocol.md); four leave room for
 * a gateway that returns variants while bounding what one answer can put in the workspace: a
 * `FINISH` of 27 000 `FileInfos` still fits in the 1 MB an answer may have.
 */
export const MAX_IMAGES_PER_TASK = 4;

/**
 * All the images of one task together, beyond the 200 MB each may have: room for two images at
 * that cap, far above any real result (a few tens of MB). The first image is always fetched;
 * a later one that would pass this is left out.
 */
export const MAX_TASK_BYTES = 400 * 1024 * 1024;

/**
 * Unusable addresses an image may be given (one no URL parser takes, a scheme other than
 * http(s), a redirect loop) before the task stops asking: each one earns a fresh query, and
 * after the last the task waits, with the address named, for the user's Collect Now or Discard
 * instead of asking the gateway every minute for three days.
 */
export const UNUSABLE_URL_TRIES = 3;

export const TASK_PHASES = [
  'submitting',
  'uncertain',
  'waiting',
  'landing',
  'blocked',
  'landed',
  'refused',
  'discarded',
] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];
export const TERMINAL_PHASES: readonly TaskPhase[] = ['landed', 'refused', 'discarded'];

/** A message for the user: an English template (the l10n key) with its arguments, plus its kind. */
export interface Note {
  kind: string;
  template: string;
  args?: (string | number)[];
  /** The gateway's error code, when it gave one. */
  code?: string;
  at: number;
}

export interface LandedFile {
  path: string;
  sidecar?: string;
  bytes: number;
  format: string;
  sha256: string;
}

export interface LandingImage extends ResultImage {
  /** On disk with its sidecar: never fetched again. */
  landed?: LandedFile;
  /** Being moved into place under this name: a resume checks the name before fetching again. */
  placing?: LandedFile;
  /** Times this image's URL served something that is not an image. */
  notImage?: number;
  /** Times the gateway gave this image an address that cannot be used (see UNUSABLE_URL_TRIES). */
  unusable?: number;
  /** Not fetched: the task's other images already used what one task may bring (MAX_TASK_BYTES). */
  leftOut?: boolean;
  /** The finished file derived from `landed` (when the target asks for one). */
  finished?: FinishedFile;
  /** Deriving the finished file failed (a corrupt image, no image library): the original stays, said once. */
  unfinished?: Note;
}

/** A local reference image as the record keeps it (the request body stores no bytes). */
export interface ReferenceNote {
  /** Absolute path, read again if the task has to be submitted again. */
  path?: string;
  sha256?: string;
}

/**
 * Where a document names the image a task makes (the missing-image quick fix): when the image
 * lands under another name (its true extension, or `-2` beside a file made meanwhile), the
 * reference is pointed at it, in whichever window collects the task.
 */
export interface DocumentLink {
  /** The document's file (absolute path). */
  document: string;
  /** Offsets of the path in the document when the task started. */
  start: number;
  end: number;
  /** The path as written there. */
  written: string;
}

export interface TaskTarget {
  workspaceRoot?: string;
  outputFolder: string;
  /** An explicit folder: beside the source image, or one the user chose. */
  targetDir?: string;
  /** The user chose `targetDir` in a folder dialog: the one folder not held to the workspace. */
  chosen?: boolean;
  /**
   * Save under exactly this name (a reference in a document that names a missing image). The
   * extension follows the image's real format; a taken name gets `-2`, never an overwrite.
   */
  exactPath?: string;
  /** With `exactPath`: the document reference that names it. */
  reference?: DocumentLink;
  writeSidecar: boolean;
  /**
   * A finished file to derive from each landed image (exact size, format, transparency). With
   * `finish`, the original lands in the output folder and the finished file at `finish.path`
   * (or beside the original).
   */
  finish?: FinishSpec;
}

export interface TaskRecord {
  version: typeof RECORD_VERSION;
  /** Local id, stable across reloads and windows. */
  id: string;
  kind: 'generate' | 'restyle';
  phase: TaskPhase;
  /** The request as sent, with inline images replaced by a short note. */
  body: CreateTaskBody;
  references: ReferenceNote[];
  apiOrigin: string;
  target: TaskTarget;
  /** The project style the request was made with, recorded in its sidecars. */
  style?: AppliedStyle;
  /** When the record was written, just before the create request. */
  createdAt: number;
  /** When the gateway answered the create request with a task id. */
  submittedAt?: number;
  ref?: TaskRef;
  requestId?: string;
  /** What the gateway last said of a waiting task, and when that changed (for display only). */
  upstream?: { status: 'queued' | 'running'; position?: number; progress?: number; at: number };
  images?: LandingImage[];
  /** Images the gateway listed beyond MAX_IMAGES_PER_TASK: never fetched. */
  imagesLeftOut?: number;
  /** The gateway's finish time when it sent a valid one. */
  finishedAt?: string;
  /** The user asked the gateway to cancel (only where it can). */
  cancelRequested?: boolean;
  /** Cancel as soon as the create request answers (the user cancelled while it was in flight). */
  cancelWhenSubmitted?: boolean;
  /** The latest recoverable problem; cleared by progress. */
  problem?: Note;
  /** Why a task was refused or discarded. */
  outcome?: Note;
  endedAt?: number;
  updatedAt: number;
}

export type LifecycleEvent =
  /** The create request answered with a task id. */
  | { type: 'submitted'; ref: TaskRef; requestId?: string }
  /** The gateway refused to create the task, or the request certainly never reached it: nothing was billed. */
  | { type: 'submitRefused'; note: Note }
  /** The create request may have reached the gateway, but its answer was lost. */
  | { type: 'submitUnknown'; note: Note }
  /** The user chose to send a task whose submission is uncertain again. */
  | { type: 'resubmit' }
  /** A new extension host picked the record up: whatever was in flight did not finish. */
  | { type: 'restarted' }
  /** The gateway's answer to a status query. */
  | { type: 'upstream'; state: GatewayAnswer }
  /** Something recoverable went wrong (network, 5xx, CDN, disk full): try again later. */
  | { type: 'problem'; note: Note }
  /** An image is about to be moved into place under this name. */
  | { type: 'placing'; index: number; file: LandedFile }
  /** An image and its sidecar are on disk. */
  | { type: 'imageLanded'; index: number; file: LandedFile }
  /** An image's URL served something that is not an image. */
  | { type: 'notAnImage'; index: number; note: Note }
  /** The gateway gave an image an address that cannot be used. */
  | { type: 'unusableUrl'; index: number; note: Note }
  /** An image is not fetched: the task's byte limit is reached. */
  | { type: 'imageLeftOut'; index: number; note: Note }
  /** The finished file derived from landed image `index` is on disk with its sidecar. */
  | { type: 'imageFinished'; index: number; file: FinishedFile }
  /** Deriving the finished file of image `index` failed; its original stays. */
  | { type: 'imageUnfinished'; index: number; note: Note }
  /** The user asked to try now (Collect Now): unusable addresses get another round of fresh queries. */
  | { type: 'retry' }
  /** The output folder was refused: the user has to choose another. */
  | { type: 'needsFolder'; note: Note }
  | { type: 'folderChosen'; targetDir: string }
  | { type: 'cancelRequested' }
  | { type: 'cancelWhenSubmitted' }
  | { type: 'discard'; reason: 'user' | 'retention' };

export function isTerminal(phase: TaskPhase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

/** Phases in which the extension works on the task by itself (no user decision needed). */
export function isCollectable(phase: TaskPhase): boolean {
  return phase === 'submitting' || phase === 'waiting' || phase === 'landing';
}

/** Phases that wait for the user: resubmit or discard, choose a folder. */
export function needsUser(phase: TaskPhase): boolean {
  return phase === 'uncertain' || phase === 'blocked';
}

export function newRecord(init: Omit<TaskRecord, 'version' | 'phase' | 'updatedAt'>): TaskRecord {
  return { ...init, version: RECORD_VERSION, phase: 'submitting', updatedAt: init.createdAt };
}

/** True when the gateway no longer keeps the task (or never would): nothing is left to collect. */
export function isPastRetention(record: TaskRecord, now: number): boolean {
  return !isTerminal(record.phase) && now - (record.submittedAt ?? record.createdAt) > RETENTION_MS;
}

function end(record: TaskRecord, phase: 'landed' | 'refused' | 'discarded', now: number, outcome?: Note): TaskRecord {
  const { problem: _problem, upstream: _upstream, cancelWhenSubmitted: _cancel, ...rest } = record;
  return { ...rest, phase, endedAt: now, updatedAt: now, ...(outcome ? { outcome } : {}) };
}

function note(kind: string, template: string, now: number, args?: (string | number)[], code?: string): Note {
  return { kind, template, ...(args ? { args } : {}), ...(code ? { code } : {}), at: now };
}

function imagesFrom(
  state: Extract<GatewayAnswer, { status: 'succeeded' }>,
  previous: readonly LandingImage[] = [],
): LandingImage[] {
  return state.images.slice(0, MAX_IMAGES_PER_TASK).map((image, index) => {
    const before = previous[index];
    // A landed (or left out) image keeps its record; the others take the fresh URL (and its expiry) and keep their strikes.
    if (before?.landed || before?.leftOut) return before;
    const { placing, notImage, unusable } = before ?? {};
    return {
      ...image,
      ...(placing ? { placing } : {}),
      ...(notImage ? { notImage } : {}),
      ...(unusable ? { unusable } : {}),
    };
  });
}

/** Nothing is left to fetch: every image is on disk or left out. */
/**
 * Every image is on disk or left out — and, when the target asks for finished files, each landed
 * image has one or a note saying why not (its original stays either way).
 */
function allSettled(images: readonly LandingImage[], finishing = false): boolean {
  return images.every((i) => i.leftOut || (i.landed && (!finishing || i.finished || i.unfinished)));
}

/** The landed task, saying how many images were left out when some were. */
function landed(record: TaskRecord, images: LandingImage[], now: number): TaskRecord {
  const saved = images.filter((i) => i.landed).length;
  const leftOut = images.length - saved + (record.imagesLeftOut ?? 0);
  const outcome =
    leftOut > 0
      ? note(
          'leftOut',
          'Saved {0} of the {1} images the image service gave; {2} were left out, more than one task may bring.',
          now,
          [saved, saved + leftOut, leftOut],
        )
      : undefined;
  return end({ ...record, images }, 'landed', now, outcome);
}

/** The task stopped asking for addresses: it waits for the user's Collect Now or Discard (see UNUSABLE_URL_TRIES). */
export function waitsForCollectNow(record: TaskRecord): boolean {
  return (
    record.phase === 'landing' &&
    (record.images ?? []).some((i) => !i.landed && !i.leftOut && (i.unusable ?? 0) >= UNUSABLE_URL_TRIES)
  );
}

/** An image event that does not apply to this image (gone, or already settled) leaves the record as it is. */
function openImage(record: TaskRecord, index: number): LandingImage | undefined {
  const image = record.images?.[index];
  return image && !image.landed && !image.leftOut ? image : undefined;
}

/**
 * Applies one event. Returns the same object when the event does not apply in the record's
 * phase (a late answer for a discarded task, a second "landed" for the same image), so callers
 * can race without corrupting the record; `applies` tells which events each phase accepts.
 */
// eslint-disable-next-line max-lines-per-function -- the one reducer of every phase and event, read best as one table
export function advance(record: TaskRecord, event: LifecycleEvent, now: number): TaskRecord {
  if (!applies(record.phase, event.type)) return record;
  const touched = { ...record, updatedAt: now };
  switch (event.type) {
    case 'submitted': {
      const next: TaskRecord = {
        ...touched,
        phase: 'waiting',
        ref: event.ref,
        submittedAt: now,
        ...(event.requestId ? { requestId: event.requestId } : {}),
      };
      delete next.problem;
      return next;
    }
    case 'submitRefused':
      return end(record, 'refused', now, event.note);
    case 'submitUnknown':
      return { ...touched, phase: 'uncertain', problem: event.note };
    case 'resubmit': {
      const next: TaskRecord = { ...touched, phase: 'submitting' };
      delete next.problem;
      return next;
    }
    case 'restarted': {
      if (record.phase !== 'submitting') return touched;
      // The create request was in flight when its host went away: it may have reached the gateway.
      return {
        ...touched,
        phase: 'uncertain',
        problem: note(
          'uncertain',
          'The window closed while the task was being submitted; it may have reached the image service.',
          now,
        ),
      };
    }
    case 'upstream':
      return fromUpstream(record, touched, event.state, now);
    case 'problem':
      return { ...touched, problem: event.note };
    case 'placing': {
      const image = openImage(record, event.index);
      if (!image) return record;
      const images = [...record.images!];
      images[event.index] = { ...image, placing: event.file };
      return { ...touched, images };
    }
    case 'imageLanded': {
      const image = openImage(record, event.index);
      if (!image) return record;
      const images = [...record.images!];
      const { placing: _placing, ...rest } = image;
      images[event.index] = { ...rest, landed: event.file };
      if (allSettled(images, !!record.target.finish)) return landed(touched, images, now);
      const next: TaskRecord = { ...touched, images };
      delete next.problem;
      return next;
    }
    case 'imageLeftOut': {
      const image = openImage(record, event.index);
      if (!image) return record;
      const images = [...record.images!];
      const { placing: _placing, ...rest } = image;
      images[event.index] = { ...rest, leftOut: true };
      if (allSettled(images, !!record.target.finish)) return landed(touched, images, now);
      return { ...touched, images, problem: event.note };
    }
    case 'imageFinished':
    case 'imageUnfinished': {
      const image = record.images?.[event.index];
      if (!image?.landed || image.finished || image.unfinished) return record;
      const images = [...record.images!];
      images[event.index] =
        event.type === 'imageFinished' ? { ...image, finished: event.file } : { ...image, unfinished: event.note };
      if (allSettled(images, true)) return landed(touched, images, now);
      return { ...touched, images };
    }
    case 'notAnImage': {
      const image = openImage(record, event.index);
      if (!image) return record;
      const images = [...record.images!];
      const strikes = (image.notImage ?? 0) + 1;
      images[event.index] = { ...image, notImage: strikes };
      // The first time, a fresh URL is asked for (a CDN error page served as 200); twice is definitive.
      if (strikes >= 2) return end({ ...touched, images }, 'refused', now, event.note);
      return { ...touched, images, problem: event.note };
    }
    case 'unusableUrl': {
      const image = openImage(record, event.index);
      if (!image) return record;
      const images = [...record.images!];
      images[event.index] = { ...image, unusable: (image.unusable ?? 0) + 1 };
      return { ...touched, images, problem: event.note };
    }
    case 'retry': {
      if (!(record.images ?? []).some((i) => i.unusable)) return record;
      return { ...touched, images: record.images!.map(({ unusable: _unusable, ...rest }) => rest) };
    }
    case 'needsFolder':
      return { ...touched, phase: 'blocked', problem: event.note };
    case 'folderChosen': {
      const next: TaskRecord = {
        ...touched,
        phase: 'landing',
        target: { ...record.target, targetDir: event.targetDir, chosen: true },
      };
      delete next.problem;
      return next;
    }
    case 'cancelRequested':
      return { ...touched, cancelRequested: true };
    case 'cancelWhenSubmitted':
      return { ...touched, cancelWhenSubmitted: true };
    case 'discard':
      return end(
        record,
        'discarded',
        now,
        event.reason === 'user'
          ? note('discarded', 'Discarded at your request.', now)
          : note(
              'expired',
              'The image service keeps results for about 3 days; this task can no longer be collected.',
              now,
            ),
      );
  }
}

function fromUpstream(record: TaskRecord, touched: TaskRecord, state: GatewayAnswer, now: number): TaskRecord {
  switch (state.status) {
    case 'queued':
    case 'running': {
      if (record.phase !== 'waiting') return record;
      const position = state.status === 'queued' ? state.position : undefined;
      const progress = state.status === 'running' ? state.progress : undefined;
      const was = record.upstream;
      // The same answer again changes nothing: no journal write, no redraw (a look can come every 200 ms).
      if (!record.problem && was?.status === state.status && was.position === position && was.progress === progress)
        return record;
      const upstream: TaskRecord['upstream'] = {
        status: state.status,
        at: now,
        ...(position !== undefined ? { position } : {}),
        ...(progress !== undefined ? { progress } : {}),
      };
      const next: TaskRecord = { ...touched, upstream };
      delete next.problem;
      return next;
    }
    case 'succeeded': {
      const beyond = state.images.length - MAX_IMAGES_PER_TASK;
      const next: TaskRecord = {
        ...touched,
        phase: 'landing',
        images: imagesFrom(state, record.images),
        ...(beyond > 0 ? { imagesLeftOut: beyond } : {}),
        ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
      };
      delete next.upstream;
      delete next.problem;
      if (beyond <= 0) delete next.imagesLeftOut;
      return next;
    }
    case 'failed':
      if (record.phase === 'landing') return record;
      return end(
        record,
        'refused',
        now,
        state.contentPolicy
          ? note(
              'contentPolicy',
              'The image service refused the content ({0}). Change the prompt or reference images and try again.',
              now,
              [state.code],
              state.code,
            )
          : note('taskFailed', 'The task failed: {0} ({1})', now, [oneLine(state.message), state.code], state.code),
      );
    case 'cancelled':
      if (record.phase === 'landing') return record;
      return record.cancelRequested
        ? end(record, 'discarded', now, note('cancelled', 'Cancelled on the image service at your request.', now))
        : end(record, 'refused', now, note('cancelled', 'The image service cancelled the task.', now));
  }
}

const ACCEPTS: Record<TaskPhase, readonly LifecycleEvent['type'][]> = {
  submitting: ['submitted', 'submitRefused', 'submitUnknown', 'restarted', 'problem', 'cancelWhenSubmitted', 'discard'],
  uncertain: ['resubmit', 'restarted', 'discard'],
  waiting: ['upstream', 'problem', 'restarted', 'cancelRequested', 'discard'],
  landing: [
    'upstream',
    'placing',
    'imageLanded',
    'imageLeftOut',
    'imageFinished',
    'imageUnfinished',
    'notAnImage',
    'unusableUrl',
    'retry',
    'problem',
    'needsFolder',
    'restarted',
    'discard',
  ],
  blocked: ['folderChosen', 'restarted', 'discard'],
  landed: [],
  refused: [],
  discarded: [],
};

/** Whether an event means anything in a phase. */
export function applies(phase: TaskPhase, type: LifecycleEvent['type']): boolean {
  return ACCEPTS[phase].includes(type);
}

// --- what the user sees ----------------------------------------------------------

/** The one vocabulary of the Studio, the status bar and the cancel picker. */
export const TASK_STATUSES = [
  'submitting',
  'uncertain',
  'queued',
  'running',
  'background',
  'saving',
  'blocked',
  'landed',
  'refused',
  'discarded',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A status of a task that is over (a terminal phase): nothing more happens to it. */
export function isEndedStatus(status: TaskStatus): boolean {
  return (TERMINAL_PHASES as readonly string[]).includes(status);
}

/** What a user can do with a task in its current state. */
export const TASK_ACTIONS = ['cancel', 'stopWaiting', 'collectNow', 'discard', 'resubmit', 'chooseFolder'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/**
 * How a task is shown. `foreground`: someone is watching it with a progress notification
 * (before the wait's deadline and before the user stopped waiting).
 */
export function statusOf(record: TaskRecord, foreground: boolean): TaskStatus {
  switch (record.phase) {
    case 'submitting':
      return 'submitting';
    case 'uncertain':
      return 'uncertain';
    case 'waiting':
      if (!foreground) return 'background';
      return record.upstream?.status === 'running' ? 'running' : 'queued';
    case 'landing':
      return 'saving';
    case 'blocked':
      return 'blocked';
    default:
      return record.phase;
  }
}

export function actionsOf(record: TaskRecord, foreground: boolean): TaskAction[] {
  switch (record.phase) {
    case 'submitting':
      return record.cancelWhenSubmitted ? [] : ['cancel'];
    case 'uncertain':
      return ['resubmit', 'discard'];
    case 'waiting': {
      const canCancel = !!record.ref?.cancelUrl && !record.cancelRequested;
      if (foreground) return canCancel ? ['cancel'] : ['stopWaiting'];
      return [...(canCancel ? (['cancel'] as const) : []), 'collectNow', 'discard'];
    }
    case 'landing':
      return record.problem ? ['collectNow', 'discard'] : [];
    case 'blocked':
      return ['chooseFolder', 'discard'];
    default:
      return [];
  }
}

/**
 * What the Studio says, localized on the host (the webview has no text of its own): every UI
 * string, and the line the panel shows for each English message of the core.
 */
import * as vscode from 'vscode';
import { CORE_MESSAGE_TEMPLATES, type CoreMessageTemplate, localizeMessage } from '../../shared/coreMessages';
import type { StudioStrings } from '../../shared/studioStrings';

export const STUDIO_TITLE = 'AIGC Image Studio';

/** The tables a panel uses, built once: `vscode.l10n.t` for some 150 strings is not free. */
export class StudioLocalizer {
  private table: [string, string][] | undefined;
  private uiStrings: StudioStrings | undefined;

  /** Every string the webview shows. */
  strings(): StudioStrings {
    this.uiStrings ??= studioStrings();
    return this.uiStrings;
  }

  /**
   * Core messages (request validation, reference checks) as English templates, each with
   * the line the panel shows instead, in the order of CORE_MESSAGE_TEMPLATES.
   */
  messageTable(): [string, string][] {
    if (!this.table) {
      const lines = coreMessageLines();
      this.table = CORE_MESSAGE_TEMPLATES.map((template) => [template, lines[template]]);
    }
    return this.table;
  }

  localize(message: string): string {
    return localizeMessage(message, this.messageTable());
  }
}

/** What the panel shows for each core field message: a short sentence next to the field. */
function coreMessageLines(): Record<CoreMessageTemplate, string> {
  return {
    'must be one of: {0} for {1}': vscode.l10n.t('Choose one of {0} for {1}.', '{0}', '{1}'),
    'must be one of: {0}': vscode.l10n.t('Choose one of: {0}.', '{0}'),
    'is required when type is "File"': vscode.l10n.t('Enter a VOD file ID.'),
    'is required when type is "Url"': vscode.l10n.t('Enter an image URL.'),
    'must be empty when type is "File"': vscode.l10n.t('A VOD file reference takes no URL.'),
    'must be empty when type is "Url"': vscode.l10n.t('A URL reference takes no VOD file ID.'),
    'is required': vscode.l10n.t('Required.'),
    'must not be empty': vscode.l10n.t('Must not be empty.'),
    'must be at most {0} characters': vscode.l10n.t('At most {0} characters.', '{0}'),
    '{0} takes at most 1 reference image': vscode.l10n.t(
      '{0} takes at most 1 reference image: remove the others or choose another model.',
      '{0}',
    ),
    '{0} takes at most {1} reference images': vscode.l10n.t(
      '{0} takes at most {1} reference images: remove some or choose another model.',
      '{0}',
      '{1}',
    ),
    '{0} is {1}, not the aspect ratio {2}': vscode.l10n.t(
      '{0} is {1}, not the aspect ratio {2}: choose a size that matches, or a tier (720P…4K).',
      '{0}',
      '{1}',
      '{2}',
    ),
    'must be a whole number from {0} to {1}': vscode.l10n.t('A whole number from {0} to {1}.', '{0}', '{1}'),
    '(image description) is only supported by {0}': vscode.l10n.t(
      'Image descriptions are only supported by {0}.',
      '{0}',
    ),
    'is only supported by {0}': vscode.l10n.t('Only supported by {0}.', '{0}'),
    'must be a png, jpeg or webp image': vscode.l10n.t('A data: URL must hold a PNG, JPEG or WebP image.'),
    'must be an http(s) URL or a data: URL of an image': vscode.l10n.t(
      'Enter an http(s) URL (or a data: URL of an image).',
    ),
    'unknown field(s): {0}': vscode.l10n.t('Unknown field(s): {0}.', '{0}'),
    'cannot be read': vscode.l10n.t('Cannot be read.'),
    'is not a PNG, JPEG or WebP image': vscode.l10n.t('Not a PNG, JPEG or WebP image.'),
    'is {0} MB; the limit is {1} MB': vscode.l10n.t('Too large: {0} MB (the limit is {1} MB).', '{0}', '{1}'),
    'needs both a width and a height': vscode.l10n.t('Exact size needs both a width and a height.'),
    'must be a whole number of pixels from 1 to {0}': vscode.l10n.t(
      'Exact size: each side is a whole number of pixels from 1 to {0}.',
      '{0}',
    ),
    'JPEG cannot be transparent: choose PNG, WebP or AVIF': vscode.l10n.t(
      'Format: JPEG cannot be transparent; choose PNG, WebP or AVIF, or untick Transparent background.',
    ),
    'must be 1 when the image is saved at a fixed file name': vscode.l10n.t(
      'Variations: a fixed file name holds one image; set 1, or remove the target.',
    ),
  };
}

/** Every string the webview shows, localized here: the webview has no text of its own. */
// eslint-disable-next-line max-lines-per-function -- a data table: one translated string per key
function studioStrings(): StudioStrings {
  return {
    'studio.title': STUDIO_TITLE,
    'form.heading': vscode.l10n.t('New Image'),
    'form.prompt': vscode.l10n.t('Prompt'),
    'form.promptPlaceholder': vscode.l10n.t('Describe the image to generate'),
    'form.promptHint': vscode.l10n.t('{0} generates · Alt+↑/↓ recalls earlier prompts', '{0}'),
    'form.history': vscode.l10n.t('Earlier prompts'),
    'form.historyEmpty': vscode.l10n.t('No earlier prompts yet.'),
    'form.negativePrompt': vscode.l10n.t('Negative prompt'),
    'form.negativePromptPlaceholder': vscode.l10n.t('What the image should not contain (optional)'),
    'form.model': vscode.l10n.t('Model'),
    'form.style': vscode.l10n.t('Style'),
    'style.noStyle': vscode.l10n.t('No style'),
    'style.adds': vscode.l10n.t('What the style adds'),
    'style.none': vscode.l10n.t(
      'No project styles: add them in .vscode/aigc-styles.json (AIGC Image: Open Project Styles).',
    ),
    'style.save': vscode.l10n.t('Save as Style…'),
    'style.restricted': vscode.l10n.t(
      'Project styles are not used in Restricted Mode: trust this workspace to use them.',
    ),
    'form.options': vscode.l10n.t('Options'),
    'form.advanced': vscode.l10n.t('Advanced'),
    'form.default': vscode.l10n.t('Service default'),
    'form.resolutionTiers': vscode.l10n.t('Tier (the service picks the size)'),
    'form.resolutionSizes': vscode.l10n.t('Exact size (aspect ratio)'),
    'form.resetOptions': vscode.l10n.t('Reset to Defaults'),
    'form.generate': vscode.l10n.t('Generate'),
    'form.generating': vscode.l10n.t('Starting…'),
    'spend.oneImage': vscode.l10n.t('1 image'),
    'spend.images': vscode.l10n.t('{0} images', '{0}'),
    'spend.estimate': vscode.l10n.t('est. {0}', '{0}'),
    'spend.ofCap': vscode.l10n.t('image {0} of {1} today', '{0}', '{1}'),
    'form.fixFields': vscode.l10n.t('Fix the marked fields to generate.'),
    'form.started': vscode.l10n.t('Started: follow it under Tasks.'),
    'form.count': vscode.l10n.t('Variations'),
    'form.countHint': vscode.l10n.t('Images made from this request, 1–8: each is its own task and is billed.'),
    'form.showTasks': vscode.l10n.t('Show Tasks'),
    'form.landed': vscode.l10n.t('Saved {0}.', '{0}'),
    'form.showResult': vscode.l10n.t('Show Result'),
    'form.notStarted': vscode.l10n.t('Not started: the API key or the gateway base URL is not set up.'),
    'form.background': vscode.l10n.t(
      'Still running on the service: it continues in the background and is saved when it finishes.',
    ),
    'form.target': vscode.l10n.t('Saves to {0}', '{0}'),
    'form.targetRemove': vscode.l10n.t('Save in the output folder instead'),
    'option.aspect_ratio': vscode.l10n.t('Aspect ratio'),
    'option.resolution': vscode.l10n.t('Resolution'),
    'option.storage_mode': vscode.l10n.t('Storage'),
    'option.person_generation': vscode.l10n.t('People in images'),
    'option.input_compliance_check': vscode.l10n.t('Input compliance check'),
    'option.output_compliance_check': vscode.l10n.t('Output compliance check'),
    'option.enhance_prompt': vscode.l10n.t('Enhance prompt'),
    'option.tasks_priority': vscode.l10n.t('Priority'),
    'option.session_id': vscode.l10n.t('Session ID'),
    'option.session_context': vscode.l10n.t('Session context'),
    'hint.tasks_priority': vscode.l10n.t('A whole number from -10 to 10 (default 0).'),
    'hint.session_id': vscode.l10n.t(
      'De-duplication key: the same ID within 3 days is refused. Leave empty for a new one per task.',
    ),
    'hint.session_context': vscode.l10n.t('Passed through to the service with the task.'),
    'hint.aspectUnused': vscode.l10n.t(
      '{0} takes no aspect ratio, so none is sent: an exact size sets the shape.',
      '{0}',
    ),
    'hint.aspectUnusedKept': vscode.l10n.t(
      '{0} takes no aspect ratio: {1} is not sent (it applies again with Gemini). An exact size sets the shape.',
      '{0}',
      '{1}',
    ),
    'hint.resolutionTier': vscode.l10n.t('The service picks the pixel size for this tier.'),
    'hint.resolutionExact': vscode.l10n.t('{0} × {1} pixels, aspect ratio {2}.', '{0}', '{1}', '{2}'),
    'hint.storageTemporary': vscode.l10n.t(
      'The service keeps its copy only for a while (its link expires); the image is saved in your project either way.',
    ),
    'hint.storagePermanent': vscode.l10n.t(
      'The service also keeps the image in your VOD media library, with a file ID.',
    ),
    'hint.serviceDefault': vscode.l10n.t(
      '“Service default” leaves the option out of the request: the image service applies its own setting.',
    ),
    'value.Temporary': vscode.l10n.t('Temporary'),
    'value.Permanent': vscode.l10n.t('Permanent'),
    'value.AllowAdult': vscode.l10n.t('Allow adults'),
    'value.Disallowed': vscode.l10n.t('Disallowed'),
    'value.Enabled': vscode.l10n.t('Enabled'),
    'value.Disabled': vscode.l10n.t('Disabled'),
    'refs.heading': vscode.l10n.t('Reference images'),
    'refs.count': vscode.l10n.t('{0} of {1}', '{0}', '{1}'),
    'refs.dropHint': vscode.l10n.t(
      'Pick images below, drop them here from the Explorer (hold Shift while dragging), or add a URL or VOD file ID.',
    ),
    'refs.dropHere': vscode.l10n.t('Drop to attach'),
    'refs.empty': vscode.l10n.t('No reference images: the model works from the prompt alone.'),
    'refs.description': vscode.l10n.t('Description (optional)'),
    'refs.descriptionUnsupported': vscode.l10n.t('Image descriptions are only sent to Gemini (GEM) models.'),
    'refs.remove': vscode.l10n.t('Remove'),
    'refs.moveLeft': vscode.l10n.t('Move earlier'),
    'refs.moveRight': vscode.l10n.t('Move later'),
    'refs.itemHint': vscode.l10n.t('Alt+Left or Alt+Right reorders, Delete removes.'),
    'refs.url': vscode.l10n.t('Image URL'),
    'refs.urlPlaceholder': 'https://…',
    'refs.addUrl': vscode.l10n.t('Add URL'),
    'refs.fileId': vscode.l10n.t('VOD file ID'),
    'refs.fileIdPlaceholder': vscode.l10n.t('e.g. 5285890781234567890'),
    'refs.fileIdHint': vscode.l10n.t(
      'A VOD file ID names an image already in your Tencent Cloud VOD (Video on Demand) media library.',
    ),
    'refs.addFileId': vscode.l10n.t('Add File ID'),
    'refs.browse': vscode.l10n.t('Browse…'),
    'refs.fromUrl': vscode.l10n.t('Web image'),
    'refs.fromFileId': vscode.l10n.t('VOD file'),
    'refs.limitDroppedOne': vscode.l10n.t('{0} takes at most 1 reference image. Left out: {2}', '{0}', '{1}', '{2}'),
    'refs.limitDropped': vscode.l10n.t('{0} takes at most {1} reference images. Left out: {2}', '{0}', '{1}', '{2}'),
    'refs.rejected': vscode.l10n.t('Not an image that can be attached: {0}', '{0}'),
    'refs.checking': vscode.l10n.t('Checking…'),
    'refs.outside': vscode.l10n.t('Outside the workspace: attach it with Browse….'),
    'refs.duplicate': vscode.l10n.t('Already attached: {0}', '{0}'),
    'picker.heading': vscode.l10n.t('Workspace images'),
    'picker.search': vscode.l10n.t('Search images by name or folder'),
    'picker.count': vscode.l10n.t('{0} images', '{0}'),
    'picker.countFiltered': vscode.l10n.t('{0} of {1} images', '{0}', '{1}'),
    'picker.noMatch': vscode.l10n.t('No images match “{0}”.', '{0}'),
    'picker.none': vscode.l10n.t('No PNG, JPEG or WebP images in this workspace.'),
    'picker.noFolder': vscode.l10n.t('Open a folder to pick images from it.'),
    'picker.loading': vscode.l10n.t('Looking for images…'),
    'picker.truncated': vscode.l10n.t('Only the first {0} images are listed; search to narrow them down.', '{0}'),
    'picker.toggle': vscode.l10n.t('Show or hide the workspace images'),
    'picker.generated': vscode.l10n.t('Generated'),
    'picker.generatedFirst': vscode.l10n.t('{0} generated here, listed first', '{0}'),
    'tasks.heading': vscode.l10n.t('Tasks'),
    'tasks.cancel': vscode.l10n.t('Cancel Task'),
    'tasks.stopWaiting': vscode.l10n.t('Stop Waiting'),
    'tasks.collectNow': vscode.l10n.t('Collect Now'),
    'tasks.discard': vscode.l10n.t('Discard'),
    'tasks.resubmit': vscode.l10n.t('Submit Again'),
    'tasks.chooseFolder': vscode.l10n.t('Choose Folder'),
    'tasks.dismiss': vscode.l10n.t('Dismiss'),
    'tasks.clearEnded': vscode.l10n.t('Clear Finished'),
    'tasks.finished': vscode.l10n.t('{0} finished', '{0}'),
    'tasks.finishedList': vscode.l10n.t('Finished tasks'),
    'gallery.heading': vscode.l10n.t('Results'),
    'gallery.filter': vscode.l10n.t('Filter by prompt or model'),
    'gallery.refresh': vscode.l10n.t('Reload from Disk'),
    'gallery.empty': vscode.l10n.t('No images yet. Results are saved in the output folder and listed here.'),
    'gallery.noMatch': vscode.l10n.t('No results match “{0}”.', '{0}'),
    'gallery.more': vscode.l10n.t('Show More'),
    'gallery.showing': vscode.l10n.t('Showing {0} of {1}', '{0}', '{1}'),
    'gallery.references': vscode.l10n.t('{0} reference image(s)', '{0}'),
    'gallery.open': vscode.l10n.t('Open'),
    'gallery.reveal': vscode.l10n.t('Reveal in Explorer'),
    'gallery.copyLink': vscode.l10n.t('Copy Markdown Link'),
    'gallery.insert': vscode.l10n.t('Insert into Editor'),
    'gallery.useAsReference': vscode.l10n.t('Use as Reference'),
    'gallery.reuseSettings': vscode.l10n.t('Reuse Settings'),
    'gallery.variation': vscode.l10n.t('Generate a Variation'),
    'finish.heading': vscode.l10n.t('Finished file'),
    'finish.hint': vscode.l10n.t(
      'The paid original is always saved as it came; the finished file is made from it here.',
    ),
    'finish.size': vscode.l10n.t('Exact size'),
    'finish.width': vscode.l10n.t('Width in pixels'),
    'finish.height': vscode.l10n.t('Height in pixels'),
    'finish.preset': vscode.l10n.t('Size preset'),
    'finish.presetNone': vscode.l10n.t('None'),
    'finish.format': vscode.l10n.t('Format'),
    'finish.formatKeep': vscode.l10n.t("Keep the model's format"),
    'finish.transparent': vscode.l10n.t('Transparent background'),
    'finish.transparentHint': vscode.l10n.t(
      'The model is asked for a flat colour behind the subject, which is removed here with soft edges.',
    ),
    'finish.trim': vscode.l10n.t('Trim to subject'),
    'finish.asksAspect': vscode.l10n.t(
      'Asks {0} for {1} at {2}, then crops to {3}×{4}.',
      '{0}',
      '{1}',
      '{2}',
      '{3}',
      '{4}',
    ),
    'finish.asksSize': vscode.l10n.t('Asks {0} for {1}, then crops to {2}×{3}.', '{0}', '{1}', '{2}', '{3}'),
    'finish.sizeWins': vscode.l10n.t(
      'The aspect ratio and resolution above are sent as chosen; the exact size wins: the image is cropped to {0}×{1} anyway.',
      '{0}',
      '{1}',
    ),
    'preset.Social card (Open Graph)': vscode.l10n.t('Social card (Open Graph)'),
    'preset.README banner': vscode.l10n.t('README banner'),
    'preset.Full HD': vscode.l10n.t('Full HD'),
    'preset.Square icon': vscode.l10n.t('Square icon'),
    'preset.App icon': vscode.l10n.t('App icon'),
    'preset.Phone portrait': vscode.l10n.t('Phone portrait'),
    'gallery.badge': vscode.l10n.t('{0}×{1} {2}', '{0}', '{1}', '{2}'),
    'gallery.badgeTransparent': vscode.l10n.t('{0} · transparent', '{0}'),
    'gallery.keyIgnored': vscode.l10n.t(
      'The background could not be removed: the model did not paint a flat background. The image is opaque.',
    ),
    'gallery.openOriginal': vscode.l10n.t('Open Original'),
    'gallery.adjustCrop': vscode.l10n.t('Adjust Crop…'),
    'gallery.exportAssets': vscode.l10n.t('Export Assets…'),
    'gallery.moreLikeThis': vscode.l10n.t('More Like This'),
    'gallery.saveAsStyle': vscode.l10n.t('Save as Style…'),
    'gallery.moveToTrash': vscode.l10n.t('Move to Trash'),
    'gallery.compare': vscode.l10n.t('Compare…'),
    'compare.heading': vscode.l10n.t('Compare {0} images', '{0}'),
    'compare.hint': vscode.l10n.t(
      'Arrow keys move between the images, Space keeps one, Enter shows it large, A and B mark two to flip between, Escape goes back.',
    ),
    'compare.list': vscode.l10n.t('Images of the same request'),
    'compare.cell': vscode.l10n.t('Image {0}, {1}', '{0}', '{1}'),
    'compare.kept': vscode.l10n.t('Kept'),
    'compare.notKept': vscode.l10n.t('Not kept'),
    'compare.apply': vscode.l10n.t('Keep {0}, discard {1}', '{0}', '{1}'),
    'compare.keepOne': vscode.l10n.t('Keep at least one image, and leave at least one to discard.'),
    'compare.cancel': vscode.l10n.t('Cancel'),
    'compare.back': vscode.l10n.t('Back to All Images'),
    'compare.zoomed': vscode.l10n.t('Showing {0} large. Escape goes back.', '{0}'),
    'compare.marked': vscode.l10n.t(
      '{0} is {1}. Press {2} on another image to flip between the two.',
      '{0}',
      '{1}',
      '{2}',
    ),
    'compare.flipGroup': vscode.l10n.t('A and B, shown in the same place'),
    'compare.flipHint': vscode.l10n.t(
      'F flips between A and B in the same place, Space keeps the image shown, Escape goes back to all images.',
    ),
    'compare.flip': vscode.l10n.t('Flip A/B'),
    'compare.keepShown': vscode.l10n.t('Keep or Stop Keeping'),
    'compare.side': vscode.l10n.t('{0}: {1}', '{0}', '{1}'),
    'compare.flipLabel': vscode.l10n.t('{0}: {1} ({2})', '{0}', '{1}', '{2}'),
    'compare.flipShown': vscode.l10n.t('Showing {0}: {1}, {2}. F shows {3}.', '{0}', '{1}', '{2}', '{3}'),
    'crop.heading': vscode.l10n.t('Adjust crop'),
    'crop.frame': vscode.l10n.t('Crop: {0} by {1} at {2}, {3}; arrow keys move it', '{0}', '{1}', '{2}', '{3}'),
    'crop.hint': vscode.l10n.t(
      'Arrow keys move the frame (Shift: 10 times as far), or drag it. Enter saves, Escape cancels.',
    ),
    'crop.save': vscode.l10n.t('Save'),
    'crop.cancel': vscode.l10n.t('Cancel'),
    'crop.saving': vscode.l10n.t('Saving…'),
    'command.setApiKey': vscode.l10n.t('Set API Key'),
    'command.openSettings': vscode.l10n.t('Open Settings'),
    'command.showLog': vscode.l10n.t('Show Log'),
  };
}

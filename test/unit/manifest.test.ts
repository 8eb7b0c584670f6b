/** The manifest's contributions agree with the code they describe. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ASPECT_RATIOS, MODELS, RESOLUTIONS, modelKey } from '../../src/core/models';
import { IMAGE_TOOL_NAME, imageToolInputSchema } from '../../src/shared/imageToolInput';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { languageModelTools: { name: string; toolReferenceName: string; canBeReferencedInPrompt: boolean; modelDescription: string; inputSchema: { properties: Record<string, { enum?: string[] }>; required: string[] } }[] };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};

describe('the manifest', () => {
  it('declares the image tool by the name the code registers, by VS Code’s naming rules, referencable with #', () => {
    const [tool] = manifest.contributes.languageModelTools;
    assert.equal(tool?.name, IMAGE_TOOL_NAME);
    assert.match(tool!.name, /^[A-Za-z0-9_-]+$/);
    assert.ok(!/^(copilot|vscode)_/i.test(tool!.name));
    assert.equal(tool!.canBeReferencedInPrompt, true);
    assert.equal(tool!.toolReferenceName, 'generateImage');
    assert.match(tool!.modelDescription, /file in the (user's )?(workspace|project)/i);
  });

  it('describes exactly the tool’s input, with the catalogue’s choices', () => {
    const schema = manifest.contributes.languageModelTools[0]!.inputSchema;
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(imageToolInputSchema.shape).sort());
    assert.deepEqual(schema.required, ['prompt']);
    assert.deepEqual(schema.properties.model!.enum, MODELS.map(modelKey));
    assert.deepEqual(schema.properties.aspectRatio!.enum, [...ASPECT_RATIOS]);
    assert.deepEqual(schema.properties.resolution!.enum, [...RESOLUTIONS]);
  });

  it('keeps the settings that decide where files go out of Restricted Mode', () => {
    for (const setting of ['aigcImage.outputFolder', 'aigcImage.queryPath', 'aigcImage.restyleOutput']) {
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(setting), setting);
    }
  });
});

/** The manifest's contributions agree with the code they describe. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ASPECT_RATIOS, MODELS, RESOLUTIONS, modelKey } from '../../src/core/models';
import { DEFAULT_QUERY_PATH } from '../../src/core/gateway';
import { MAX_FINISHED_SIDE, OUTPUT_FORMATS } from '../../src/core/finish';
import {
  SETTING_DEFAULTS,
  SETTING_SCOPES,
  type SettingName,
  USER_ONLY_SETTINGS,
  checkSettings,
} from '../../src/core/settingsSchema';
import { IMAGE_TOOL_NAME, imageToolInputSchema } from '../../src/shared/imageToolInput';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    languageModelTools: {
      name: string;
      toolReferenceName: string;
      canBeReferencedInPrompt: boolean;
      modelDescription: string;
      inputSchema: {
        properties: Record<string, { enum?: string[]; minimum?: number; maximum?: number }>;
        required: string[];
        additionalProperties?: boolean;
      };
    }[];
  };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const configuration = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: {
      configuration: {
        properties: Record<string, { type: string; default: unknown; enum?: unknown[]; scope?: string }>;
      };
    };
  }
).contributes.configuration.properties;

/** Read from user settings only, by the key's own code (settings.ts `global`): never a SettingName. */
const CONNECTION_SETTINGS = ['apiKey', 'baseUrl', 'queryPath'];
const settingNames = Object.keys(SETTING_DEFAULTS) as SettingName[];

describe('the manifest', () => {
  it('declares the image tool by the name the code registers, by VS Code’s naming rules, referencable with #', () => {
    const [tool] = manifest.contributes.languageModelTools;
    assert.equal(tool?.name, IMAGE_TOOL_NAME);
    assert.match(tool.name, /^[A-Za-z0-9_-]+$/);
    assert.ok(!/^(copilot|vscode)_/i.test(tool.name));
    assert.equal(tool.canBeReferencedInPrompt, true);
    assert.equal(tool.toolReferenceName, 'generateImage');
    assert.match(tool.modelDescription, /file in the (user's )?(workspace|project)/i);
  });

  it('describes exactly the tool’s input, with the catalogue’s choices', () => {
    const schema = manifest.contributes.languageModelTools[0]!.inputSchema;
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(imageToolInputSchema.shape).sort());
    assert.deepEqual(schema.required, ['prompt']);
    assert.deepEqual(schema.properties.model!.enum, MODELS.map(modelKey));
    assert.deepEqual(schema.properties.aspectRatio!.enum, [...ASPECT_RATIOS]);
    assert.deepEqual(schema.properties.resolution!.enum, [...RESOLUTIONS]);
    assert.deepEqual(schema.properties.format!.enum, [...OUTPUT_FORMATS]);
    for (const side of ['width', 'height'])
      assert.deepEqual([schema.properties[side]!.minimum, schema.properties[side]!.maximum], [1, MAX_FINISHED_SIDE]);
  });

  it('tells the model that an argument the tool does not know is refused, as the tool does', () => {
    const schema = manifest.contributes.languageModelTools[0]!.inputSchema;
    assert.equal(schema.additionalProperties, false);
    assert.equal(imageToolInputSchema.safeParse({ prompt: 'x', unknownArgument: 1 }).success, false);
  });

  it('keeps the settings that decide where files go out of Restricted Mode', () => {
    for (const setting of ['aigcImage.outputFolder', 'aigcImage.queryPath', 'aigcImage.restyleOutput']) {
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(setting), setting);
    }
  });

  it('declares every setting the code reads, with choices and defaults the code accepts', () => {
    const declared = Object.keys(configuration).map((key) => key.replace(/^aigcImage\./, ''));
    assert.deepEqual(declared.filter((name) => !CONNECTION_SETTINGS.includes(name)).sort(), [...settingNames].sort());
    for (const name of settingNames) {
      const property = configuration[`aigcImage.${name}`]!;
      for (const value of [property.default, ...(property.enum ?? [])]) {
        assert.deepEqual(checkSettings({ [name]: value }).ignored, [], `${name} = ${JSON.stringify(value)}`);
      }
    }
    assert.deepEqual(configuration['aigcImage.defaultModel']!.enum, MODELS.map(modelKey));
    assert.equal(configuration['aigcImage.defaultModel']!.default, SETTING_DEFAULTS.defaultModel);
  });

  it('repeats each setting’s type, default and scope exactly as the code declares them', () => {
    for (const name of settingNames) {
      const property = configuration[`aigcImage.${name}`]!;
      const wanted = SETTING_DEFAULTS[name];
      assert.deepEqual(property.default, wanted, `default of ${name}`);
      assert.equal(property.type, typeof wanted, `type of ${name}`);
      // VS Code's own default scope is "window".
      assert.equal(property.scope ?? 'window', SETTING_SCOPES[name], `scope of ${name}`);
    }
    assert.equal(configuration['aigcImage.queryPath']!.default, DEFAULT_QUERY_PATH);
    for (const name of CONNECTION_SETTINGS)
      assert.equal(configuration[`aigcImage.${name}`]!.scope, 'application', name);
  });

  it('lets only the user’s settings choose what costs money or turns a check off', () => {
    const applicationScoped = Object.entries(configuration)
      .filter(([, property]) => property.scope === 'application')
      .map(([key]) => key.replace(/^aigcImage\./, ''));
    assert.deepEqual(applicationScoped.sort(), [...CONNECTION_SETTINGS, ...USER_ONLY_SETTINGS].sort());
    for (const name of [
      'defaultModel',
      'defaults.storageMode',
      'defaults.resolution',
      'defaults.personGeneration',
      'defaults.inputComplianceCheck',
      'defaults.outputComplianceCheck',
    ]) {
      assert.ok((USER_ONLY_SETTINGS as readonly string[]).includes(name), `${name} is read from user settings only`);
    }
  });
});

/** Target paths that Windows would take for a device, a drive or a hidden stream are named before anything is billed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowsReservedPart } from '../../src/core/naming';

describe('a target named like a Windows device or drive is recognised', () => {
  const reserved: [string, string][] = [
    ['com1.png', 'com1.png'],
    ['NUL.jpg', 'NUL.jpg'],
    ['assets/lpt9.webp', 'lpt9.webp'],
    ['Con', 'Con'],
    ['aux.tar.png', 'aux.tar.png'],
    ['prn .png', 'prn .png'],
    ['com¹.png', 'com¹.png'],
    ['CONOUT$.png', 'CONOUT$.png'],
    ['nul/hero.png', 'nul'],
    ['assets\\COM0.png', 'COM0.png'],
    ['C:foo.png', 'C:foo.png'],
    ['assets/hero.png:hidden', 'hero.png:hidden'],
  ];
  for (const [target, part] of reserved) {
    it(`${JSON.stringify(target)} is refused for ${JSON.stringify(part)}`, () => {
      assert.equal(windowsReservedPart(target), part);
    });
  }

  for (const target of [
    'assets/hero.png',
    'console.png',
    'com10.png',
    'lpt.png',
    'nullify.jpg',
    'auxiliary/aux-1.png',
    'docs/con-game.webp',
    '一只猫.png',
  ]) {
    it(`${JSON.stringify(target)} is an ordinary name`, () => {
      assert.equal(windowsReservedPart(target), undefined);
    });
  }
});

import { describe, expect, it } from 'vitest';

// @ts-expect-error -- plain ESM script without type declarations
import { vsixProblems } from '../scripts/check-vsix.mjs';

const good = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/media/icon.png',
];

describe('vsixProblems', () => {
  it('accepts the bundle, manifest, readme, licence and icon', () => {
    expect((vsixProblems as (names: string[]) => string[])(good)).toEqual([]);
  });

  it('rejects node_modules, sources and a missing bundle', () => {
    const names = [...good.filter((name) => name !== 'extension/dist/extension.js'), 'extension/node_modules/semver/index.js', 'extension/src/server.ts'];
    expect((vsixProblems as (names: string[]) => string[])(names)).toEqual([
      'missing extension/dist/extension.js',
      'unexpected extension/node_modules/semver/index.js',
      'unexpected extension/src/server.ts',
    ]);
  });
});

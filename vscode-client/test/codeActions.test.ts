import { describe, expect, it } from 'vitest';

import { isGenerateAllAction } from '../src/codeActions';

describe('isGenerateAllAction', () => {
  it('recognises the server action, with or without a suffix', () => {
    expect(isGenerateAllAction({ title: 'Generate endpoints for all models' })).toBe(true);
    expect(isGenerateAllAction({ title: 'Generate endpoints for all models (3)', command: { command: 'x', title: 'x' } })).toBe(true);
  });

  it('ignores other actions and bare commands with the same title', () => {
    expect(isGenerateAllAction({ title: 'Generate endpoints for Post' })).toBe(false);
    expect(isGenerateAllAction({ title: 'Generate endpoints for all models', command: 'crudsmith.generate' })).toBe(false);
  });
});

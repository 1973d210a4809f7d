import { describe, expect, it } from 'vitest';

import { needsRestart, SERVER_SETTING_KEYS, toServerSettings } from '../src/settings';

function reader(values: Record<string, unknown>) {
  return (key: string): unknown => values[key];
}

describe('toServerSettings', () => {
  it('nests dotted keys the way the server reads them', () => {
    const settings = toServerSettings(
      reader({
        layout: 'single-file',
        async: true,
        auth: false,
        'pagination.default': 25,
        'pagination.max': 50,
        'names.base': '{model}Fields',
        'names.create': '{model}In',
        'names.update': '{model}Patch',
        'names.public': '{model}Out',
        'names.page': '{model}List',
        select: ['CSM1', 'CSM501'],
        ignore: ['CSM102'],
        extendSelect: ['CSM9'],
        severity: { CSM101: 'error' },
      }),
    );
    expect(settings).toEqual({
      layout: 'single-file',
      async: true,
      auth: false,
      pagination: { default: 25, max: 50 },
      names: { base: '{model}Fields', create: '{model}In', update: '{model}Patch', public: '{model}Out', page: '{model}List' },
      select: ['CSM1', 'CSM501'],
      ignore: ['CSM102'],
      extendSelect: ['CSM9'],
      severity: { CSM101: 'error' },
    });
  });

  it('sends only what the user set, so pyproject.toml applies to the rest', () => {
    expect(toServerSettings(reader({}))).toEqual({});
    expect(toServerSettings(reader({ 'pagination.max': 10 }))).toEqual({ pagination: { max: 10 } });
  });

  it('keeps an explicit null (async: automatic) and false values', () => {
    expect(toServerSettings(reader({ async: null, auth: false }))).toEqual({ async: null, auth: false });
  });

  it('never sends the client-only settings', () => {
    const settings = toServerSettings((key) => (key === 'layout' ? 'package' : undefined));
    expect(Object.keys(settings)).toEqual(['layout']);
    expect(SERVER_SETTING_KEYS).not.toContain('interpreter');
    expect(SERVER_SETTING_KEYS).not.toContain('serverCommand');
  });

  it('returns plain JSON copies, not the objects VS Code handed over', () => {
    const severity = Object.freeze({ CSM101: 'error', CSM999: undefined });
    const select = ['CSM1'];
    const settings = toServerSettings(reader({ severity, select }));
    expect(settings.severity).toEqual({ CSM101: 'error' });
    expect(settings.select).not.toBe(select);
    expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
  });

  it('covers every server setting the extension contributes', async () => {
    const manifest: { contributes: { configuration: { properties: Record<string, unknown> } } } = (
      await import('../package.json', { with: { type: 'json' } })
    ).default;
    const contributed = Object.keys(manifest.contributes.configuration.properties).map((key) => key.replace(/^crudsmith\./, ''));
    const clientOnly = ['interpreter', 'serverCommand', 'trace.server'];
    expect(contributed.filter((key) => !clientOnly.includes(key)).sort()).toEqual([...SERVER_SETTING_KEYS].sort());
  });
});

describe('needsRestart', () => {
  it('restarts for the interpreter and the server command only', () => {
    expect(needsRestart((section) => section === 'crudsmith.interpreter')).toBe(true);
    expect(needsRestart((section) => section === 'crudsmith.serverCommand')).toBe(true);
    expect(needsRestart((section) => section === 'crudsmith.layout')).toBe(false);
  });
});

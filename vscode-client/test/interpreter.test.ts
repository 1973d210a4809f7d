import { describe, expect, it } from 'vitest';

import { describeSource, expandVariables, resolveServerLaunch, type ResolveInputs, SERVER_MODULE_ARGS } from '../src/interpreter';

function inputs(overrides: Partial<ResolveInputs> & { files?: readonly string[] } = {}): ResolveInputs {
  const files = new Set(overrides.files ?? []);
  return {
    serverCommand: [],
    interpreter: '',
    pythonExtensionInterpreter: undefined,
    workspaceFolders: ['/proj'],
    platform: 'linux',
    homeDir: '/home/ana',
    isFile: (candidate) => files.has(candidate),
    ...overrides,
  };
}

describe('resolveServerLaunch order', () => {
  const everything = {
    serverCommand: ['crudsmith', 'lsp'],
    interpreter: '/opt/py/bin/python',
    pythonExtensionInterpreter: '/envs/active/bin/python',
    files: ['/proj/.venv/bin/python'],
  };

  it('prefers crudsmith.serverCommand over everything', () => {
    expect(resolveServerLaunch(inputs(everything))).toEqual({ command: 'crudsmith', args: ['lsp'], source: 'serverCommand' });
  });

  it('then crudsmith.interpreter', () => {
    const launch = resolveServerLaunch(inputs({ ...everything, serverCommand: [] }));
    expect(launch).toEqual({
      command: '/opt/py/bin/python',
      args: ['-m', 'crudsmith.cli.main', 'lsp'],
      python: '/opt/py/bin/python',
      source: 'interpreter',
    });
  });

  it("then the Python extension's active interpreter", () => {
    const launch = resolveServerLaunch(inputs({ ...everything, serverCommand: [], interpreter: '' }));
    expect(launch.command).toBe('/envs/active/bin/python');
    expect(launch.source).toBe('pythonExtension');
  });

  it('then a .venv in the workspace', () => {
    const launch = resolveServerLaunch(inputs({ files: ['/proj/.venv/bin/python', '/proj/venv/bin/python'] }));
    expect(launch).toMatchObject({ command: '/proj/.venv/bin/python', source: 'workspaceVenv' });
  });

  it('then a venv in the workspace', () => {
    expect(resolveServerLaunch(inputs({ files: ['/proj/venv/bin/python'] })).command).toBe('/proj/venv/bin/python');
  });

  it('then python3 on PATH', () => {
    expect(resolveServerLaunch(inputs())).toEqual({ command: 'python3', args: [...SERVER_MODULE_ARGS], python: 'python3', source: 'path' });
  });
});

describe('resolveServerLaunch details', () => {
  it('ignores a .venv directory without an interpreter in it', () => {
    expect(resolveServerLaunch(inputs({ files: ['/proj/.venv/pyvenv.cfg'] })).source).toBe('path');
  });

  it('looks through every workspace folder in order', () => {
    const launch = resolveServerLaunch(inputs({ workspaceFolders: ['/a', '/b'], files: ['/b/venv/bin/python'] }));
    expect(launch.command).toBe('/b/venv/bin/python');
  });

  it('uses Scripts\\python.exe and python on Windows', () => {
    const windows = { platform: 'win32' as const, workspaceFolders: ['C:\\proj'] };
    expect(resolveServerLaunch(inputs({ ...windows, files: ['C:\\proj\\.venv\\Scripts\\python.exe'] })).command).toBe(
      'C:\\proj\\.venv\\Scripts\\python.exe',
    );
    expect(resolveServerLaunch(inputs(windows)).command).toBe('python');
  });

  it('expands ${workspaceFolder} and ~ in the interpreter and server command', () => {
    expect(resolveServerLaunch(inputs({ interpreter: '${workspaceFolder}/env/bin/python' })).command).toBe('/proj/env/bin/python');
    expect(resolveServerLaunch(inputs({ interpreter: '~/py/bin/python' })).command).toBe('/home/ana/py/bin/python');
    expect(resolveServerLaunch(inputs({ serverCommand: ['${workspaceFolder}/bin/crudsmith', 'lsp'] })).command).toBe(
      '/proj/bin/crudsmith',
    );
  });

  it('takes a relative interpreter path relative to the first workspace folder, a bare name as a PATH lookup', () => {
    expect(resolveServerLaunch(inputs({ interpreter: 'tools/.venv/bin/python' })).command).toBe('/proj/tools/.venv/bin/python');
    expect(resolveServerLaunch(inputs({ interpreter: 'python3.12' })).command).toBe('python3.12');
  });

  it('treats blank settings as unset', () => {
    expect(resolveServerLaunch(inputs({ serverCommand: [''], interpreter: '   ' })).source).toBe('path');
  });

  it('works without a workspace folder', () => {
    expect(resolveServerLaunch(inputs({ workspaceFolders: [] })).source).toBe('path');
    expect(expandVariables('${workspaceFolder}/x', { workspaceFolders: [], homeDir: '/h' })).toBe('/x');
  });

  it('describes every source', () => {
    expect(describeSource('workspaceVenv')).toContain('virtual environment');
    expect(describeSource('serverCommand')).toBe('crudsmith.serverCommand');
  });
});

/**
 * Decides how to start `crudsmith lsp`. Pure: no `vscode` import, every input is passed
 * in, so the order of preference is unit-tested without an editor.
 *
 * Order: `crudsmith.serverCommand`, `crudsmith.interpreter`, the Python extension's
 * active interpreter, a `.venv`/`venv` in a workspace folder, `python3` on PATH.
 */
import * as path from 'node:path';

export type LaunchSource = 'serverCommand' | 'interpreter' | 'pythonExtension' | 'workspaceVenv' | 'path';

export interface ResolveInputs {
  /** `crudsmith.serverCommand` (empty when unset). */
  readonly serverCommand: readonly string[];
  /** `crudsmith.interpreter` (empty when unset). */
  readonly interpreter: string;
  /** The Python extension's active interpreter, when that extension is installed and has one. */
  readonly pythonExtensionInterpreter?: string | undefined;
  /** File-system paths of the workspace folders, first one first. */
  readonly workspaceFolders: readonly string[];
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly isFile: (candidate: string) => boolean;
}

export interface ServerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** The interpreter that runs the server; absent for a user-given `serverCommand`. */
  readonly python?: string;
  readonly source: LaunchSource;
}

/** Arguments after the interpreter: works with any install of crudsmith, no script on PATH needed. */
export const SERVER_MODULE_ARGS: readonly string[] = ['-m', 'crudsmith.cli.main', 'lsp'];

export function resolveServerLaunch(inputs: ResolveInputs): ServerLaunch {
  const command = inputs.serverCommand.map((part) => expandVariables(part, inputs)).filter((part) => part !== '');
  const [program, ...rest] = command;
  if (program !== undefined) {
    return { command: program, args: rest, source: 'serverCommand' };
  }
  const configured = inputs.interpreter.trim();
  if (configured !== '') {
    return pythonLaunch(absolutise(expandVariables(configured, inputs), inputs), 'interpreter');
  }
  if (inputs.pythonExtensionInterpreter !== undefined && inputs.pythonExtensionInterpreter !== '') {
    return pythonLaunch(inputs.pythonExtensionInterpreter, 'pythonExtension');
  }
  const venv = findWorkspaceVenv(inputs);
  if (venv !== undefined) {
    return pythonLaunch(venv, 'workspaceVenv');
  }
  return pythonLaunch(inputs.platform === 'win32' ? 'python' : 'python3', 'path');
}

/** The interpreter of the first `.venv` or `venv` found in the workspace folders, in folder order. */
export function findWorkspaceVenv(inputs: ResolveInputs): string | undefined {
  const paths = inputs.platform === 'win32' ? path.win32 : path.posix;
  const relative = inputs.platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python'];
  for (const folder of inputs.workspaceFolders) {
    for (const name of ['.venv', 'venv']) {
      const candidate = paths.join(folder, name, ...relative);
      if (inputs.isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Expands `${workspaceFolder}`, `${userHome}` and a leading `~`. */
export function expandVariables(value: string, inputs: Pick<ResolveInputs, 'workspaceFolders' | 'homeDir'>): string {
  const folder = inputs.workspaceFolders[0] ?? '';
  let expanded = value.replaceAll('${workspaceFolder}', folder).replaceAll('${userHome}', inputs.homeDir);
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = inputs.homeDir + expanded.slice(1);
  }
  return expanded;
}

/** A relative interpreter path with a separator is taken relative to the first workspace folder. */
function absolutise(interpreter: string, inputs: ResolveInputs): string {
  const paths = inputs.platform === 'win32' ? path.win32 : path.posix;
  const hasSeparator = interpreter.includes('/') || (inputs.platform === 'win32' && interpreter.includes('\\'));
  const folder = inputs.workspaceFolders[0];
  if (!hasSeparator || paths.isAbsolute(interpreter) || folder === undefined) {
    return interpreter;
  }
  return paths.join(folder, interpreter);
}

function pythonLaunch(python: string, source: LaunchSource): ServerLaunch {
  return { command: python, args: [...SERVER_MODULE_ARGS], python, source };
}

/** Human-readable origin, for the status bar tooltip and the output channel. */
export function describeSource(source: LaunchSource): string {
  switch (source) {
    case 'serverCommand':
      return 'crudsmith.serverCommand';
    case 'interpreter':
      return 'crudsmith.interpreter';
    case 'pythonExtension':
      return "the Python extension's active interpreter";
    case 'workspaceVenv':
      return 'the virtual environment in the workspace';
    case 'path':
      return 'python3 on PATH';
  }
}

/**
 * The public API of the Python extension (`ms-python.python`), typed for the two calls
 * this extension makes. Absent extension or API errors mean "no interpreter from there".
 */
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}

interface ResolvedEnvironment {
  readonly executable: { readonly uri?: vscode.Uri | undefined };
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
  resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

interface PythonExtensionApi {
  readonly environments?: PythonEnvironmentsApi;
}

async function environmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (extension === undefined) {
    return undefined;
  }
  const api = extension.isActive ? extension.exports : await extension.activate();
  return api.environments;
}

/** The executable of the Python extension's active environment for `resource`, if any. */
export async function activePythonInterpreter(
  resource: vscode.Uri | undefined,
  log: (message: string) => void,
): Promise<string | undefined> {
  try {
    const api = await environmentsApi();
    if (api === undefined) {
      return undefined;
    }
    const active = api.getActiveEnvironmentPath(resource);
    const resolved = await api.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path;
  } catch (error) {
    log(`The Python extension did not give an interpreter: ${String(error)}`);
    return undefined;
  }
}

/** Calls `listener` when the Python extension's active environment changes (no-op without it). */
export async function onDidChangeActivePython(listener: () => void): Promise<vscode.Disposable> {
  try {
    const api = await environmentsApi();
    if (api !== undefined) {
      return api.onDidChangeActiveEnvironmentPath(() => {
        listener();
      });
    }
  } catch {
    // Without a working Python extension there is nothing to follow.
  }
  return new vscode.Disposable(() => undefined);
}

/**
 * Checks, before starting the server, that the chosen interpreter exists and can import
 * crudsmith — so a missing install becomes a clear notification, not a dead client.
 * No `vscode` import.
 */
import { execFile } from 'node:child_process';

export type ProbeResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'missing-python'; readonly detail: string }
  | { readonly kind: 'missing-crudsmith'; readonly detail: string }
  | { readonly kind: 'failed'; readonly detail: string };

/** Exit status the probe script uses for "crudsmith is not importable". */
const NOT_INSTALLED = 3;
const PROBE_SCRIPT = [
  'import importlib.util, sys',
  `sys.exit(0 if importlib.util.find_spec("crudsmith") and importlib.util.find_spec("crudsmith.cli.main") else ${NOT_INSTALLED})`,
].join('\n');

export function probeCrudsmith(python: string, cwd?: string, timeoutMs = 30_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE_SCRIPT], { cwd, timeout: timeoutMs, windowsHide: true }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve({ kind: 'ok' });
        return;
      }
      const detail = `${error.message}${stderr ? `\n${stderr}` : ''}`.trim();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES') {
        resolve({ kind: 'missing-python', detail });
      } else if (error.code === NOT_INSTALLED) {
        resolve({ kind: 'missing-crudsmith', detail });
      } else {
        resolve({ kind: 'failed', detail });
      }
    });
  });
}

/** `pip install` arguments that put crudsmith into the given interpreter's environment. */
export function pipInstallArgs(): readonly string[] {
  return ['-m', 'pip', 'install', '--upgrade', 'crudsmith'];
}

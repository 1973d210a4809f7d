/** Entry point: wires commands, configuration changes and the Python extension to the server. */
import * as vscode from 'vscode';

import { SECTION } from './config';
import { generateAllModels } from './generateAll';
import { onDidChangeActivePython } from './python';
import { CrudsmithServer } from './server';
import { needsRestart } from './settings';

let server: CrudsmithServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<CrudsmithServer> {
  const output = vscode.window.createOutputChannel('crudsmith', { log: true });
  const current = new CrudsmithServer(output);
  server = current;
  context.subscriptions.push(
    output,
    current,
    vscode.commands.registerCommand('crudsmith.generateAll', () => generateAllModels(current.languageClient)),
    vscode.commands.registerCommand('crudsmith.restart', () => current.restart()),
    vscode.commands.registerCommand('crudsmith.showOutput', () => {
      output.show(true);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        void current.restartIfLaunchChanged();
      } else if (event.affectsConfiguration(SECTION)) {
        void current.notifySettingsChanged();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      void current.restartIfLaunchChanged();
    }),
    await onDidChangeActivePython(() => {
      void current.restartIfLaunchChanged();
    }),
  );
  await current.start();
  return current;
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

/** Reads `crudsmith.*` settings from VS Code and hands them to the pure mapping in settings.ts. */
import * as vscode from 'vscode';

import { type JsonObject, type ServerSettingKey, toServerSettings } from './settings';

export const SECTION = 'crudsmith';

/** The value the user set (folder, workspace or user level), `undefined` when left at the default. */
function explicitValue(config: vscode.WorkspaceConfiguration, key: string): unknown {
  const info = config.inspect(key);
  if (info === undefined) {
    return undefined;
  }
  return info.workspaceFolderValue ?? info.workspaceValue ?? info.globalValue;
}

/** The nested settings object the server expects, for `scope` (a folder or file) or the window. */
export function serverSettings(scope?: vscode.ConfigurationScope): JsonObject {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key: ServerSettingKey) => explicitValue(config, key));
}

export interface ClientSettings {
  readonly interpreter: string;
  readonly serverCommand: readonly string[];
}

export function clientSettings(scope?: vscode.ConfigurationScope): ClientSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const serverCommand = config.get<unknown>('serverCommand');
  return {
    interpreter: config.get<string>('interpreter') ?? '',
    serverCommand: Array.isArray(serverCommand) ? serverCommand.filter((part): part is string => typeof part === 'string') : [],
  };
}

/**
 * "crudsmith: Generate endpoints for all models": asks the server for its
 * "Generate endpoints for all models" action on the active document and applies it.
 * All generation happens in the server; this only relays and applies the edit.
 */
import * as vscode from 'vscode';
import {
  type CodeAction as LspCodeAction,
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  type Command as LspCommand,
  type LanguageClient,
} from 'vscode-languageclient/node';

import { isGenerateAllAction } from './codeActions';

function isGenerateAll(item: LspCodeAction | LspCommand): item is LspCodeAction {
  return isGenerateAllAction(item);
}

async function requestActions(
  client: LanguageClient,
  document: vscode.TextDocument,
  only: string[] | undefined,
): Promise<(LspCodeAction | LspCommand)[]> {
  const whole = document.validateRange(new vscode.Range(0, 0, document.lineCount + 1, 0));
  const result = await client.sendRequest(CodeActionRequest.type, {
    textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
    range: client.code2ProtocolConverter.asRange(whole),
    context: { diagnostics: [], triggerKind: CodeActionTriggerKind.Invoked, ...(only === undefined ? {} : { only }) },
  });
  return result ?? [];
}

/** Finds the server's "all models" action (asking for source/refactor kinds first, then anything). */
async function findGenerateAll(client: LanguageClient, document: vscode.TextDocument): Promise<LspCodeAction | undefined> {
  for (const only of [[CodeActionKind.Source, CodeActionKind.Refactor], undefined]) {
    const match = (await requestActions(client, document, only)).find(isGenerateAll);
    if (match !== undefined) {
      return match;
    }
  }
  return undefined;
}

export async function generateAllModels(client: LanguageClient | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'python') {
    void vscode.window.showWarningMessage('crudsmith: open the Python module that defines your models first.');
    return;
  }
  if (client === undefined) {
    void vscode.window.showWarningMessage('crudsmith: the language server is not running (see "crudsmith: Show output").');
    return;
  }
  const document = editor.document;
  let action = await findGenerateAll(client, document);
  if (action === undefined) {
    void vscode.window.showInformationMessage(
      `crudsmith offers no "Generate endpoints for all models" in ${vscode.workspace.asRelativePath(document.uri)}: no model without endpoints was found there.`,
    );
    return;
  }
  if (action.edit === undefined && action.data !== undefined) {
    action = await client.sendRequest(CodeActionResolveRequest.type, action);
  }
  if (action.edit !== undefined) {
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage('crudsmith: VS Code could not apply the generated edit.');
      return;
    }
    await saveEdited(edit);
  }
  if (action.command !== undefined) {
    const args: unknown[] = action.command.arguments ?? [];
    await vscode.commands.executeCommand(action.command.command, ...args);
  }
}

/** Saves the documents the edit touched: a generator run should not leave a dozen dirty tabs. */
async function saveEdited(edit: vscode.WorkspaceEdit): Promise<void> {
  const touched = new Set(edit.entries().map(([uri]) => uri.toString()));
  for (const document of vscode.workspace.textDocuments) {
    if (touched.has(document.uri.toString()) && document.isDirty) {
      await document.save();
    }
  }
}

// Test-only extension for vscode-client/e2e/run.mjs. Runs inside the real VS Code
// workbench (code-server) and drives the public VS Code API against the crudsmith
// extension. It talks to the runner through files in $CRUDSMITH_E2E_DIR:
//   offered.json  written once the CSM501 hint and the quick fix are there (cursor placed)
//   go            written by the runner after its screenshot of the quick-fix menu
//   result.json   written at the end (or on any failure) with everything observed
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const DIR = process.env.CRUDSMITH_E2E_DIR;
const MODELS = 'app/models.py';
const PREFERRED_MODEL = 'Post';

function log(message) {
  fs.appendFileSync(path.join(DIR, 'probe.log'), `${new Date().toISOString()} ${message}\n`);
}

function writeJson(name, value) {
  const file = path.join(DIR, name);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(200);
  }
}

function codeOf(diagnostic) {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : code === undefined ? '' : String(code);
}

/** The model a CSM501 message names: "model 'Post' has no endpoints" (or "Post has no endpoints"). */
function modelOf(diagnostic) {
  const match = /'([A-Za-z_]\w*)'/.exec(diagnostic.message) || /^([A-Za-z_]\w*)/.exec(diagnostic.message);
  return match ? match[1] : undefined;
}

function describeDiagnostic(d) {
  return {
    code: codeOf(d),
    source: d.source,
    message: d.message,
    severity: vscode.DiagnosticSeverity[d.severity],
    range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
  };
}

function describeAction(a) {
  return {
    title: a.title,
    kind: a.kind ? a.kind.value : undefined,
    isPreferred: Boolean(a.isPreferred),
    // (No `diagnostics`: vscode.executeCodeActionProvider does not return them.)
    hasEdit: Boolean(a.edit),
  };
}

async function codeActions(uri, range, resolveCount) {
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, undefined, resolveCount);
  return (actions || []).filter((a) => a instanceof vscode.CodeAction || 'kind' in a || 'edit' in a);
}

function editEntries(edit) {
  return edit.entries().map(([uri, edits]) => ({ path: uri.fsPath, edits: edits.length }));
}

async function run() {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder) {
    throw new Error('no workspace folder is open');
  }
  const uri = vscode.Uri.joinPath(folder.uri, MODELS);
  const crudsmith = vscode.extensions.getExtension('crudsmith.crudsmith');
  log(`crudsmith extension installed: ${Boolean(crudsmith)}`);
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  log(`opened ${uri.fsPath} (language ${document.languageId})`);

  let lastSeen = '';
  const hints = await waitFor('the CSM501 hint from crudsmith', 90_000, () => {
    const now = JSON.stringify(vscode.languages.getDiagnostics(uri).map(describeDiagnostic));
    if (now !== lastSeen) {
      lastSeen = now;
      log(`diagnostics now: ${now}`);
    }
    const state = crudsmith && crudsmith.isActive && crudsmith.exports ? crudsmith.exports.currentState : undefined;
    if (state === 'error') {
      throw new Error('the crudsmith extension reports a server error (see log-crudsmith.log)');
    }
    const found = vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === 'CSM501');
    return found.length > 0 ? found : undefined;
  });
  const allDiagnostics = vscode.languages.getDiagnostics(uri).map(describeDiagnostic);
  log(`diagnostics: ${JSON.stringify(allDiagnostics)}`);
  const hint = hints.find((d) => modelOf(d) === PREFERRED_MODEL) || hints[0];
  const model = modelOf(hint);
  const title = `Generate endpoints for ${model}`;

  // Cursor on the model's class name: what the lightbulb and Ctrl+. act on.
  const position = hint.range.start;
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(hint.range, vscode.TextEditorRevealType.InCenter);

  const offered = await codeActions(uri, hint.range);
  const titles = offered.map((a) => a.title);
  log(`code actions at the hint: ${JSON.stringify(titles)}`);
  const index = offered.findIndex((a) => a.title === title);
  writeJson('offered.json', {
    model,
    title,
    hint: describeDiagnostic(hint),
    diagnostics: allDiagnostics,
    actions: offered.map(describeAction),
    offered: index >= 0,
  });
  if (index < 0) {
    throw new Error(`crudsmith did not offer "${title}" at the ${model} hint; actions: ${JSON.stringify(titles)}`);
  }

  await waitFor('the runner to take its screenshot', 90_000, () => fs.existsSync(path.join(DIR, 'go')));
  // Resolve (codeAction/resolve) up to our action, then apply its edit as the lightbulb would.
  const resolved = await codeActions(uri, hint.range, index + 1);
  const action = resolved.find((a) => a.title === title);
  if (!action) {
    throw new Error(`"${title}" vanished between two requests`);
  }
  if (!action.edit) {
    throw new Error(`"${title}" has no edit after codeAction/resolve: ${JSON.stringify(describeAction(action))}`);
  }
  const entries = editEntries(action.edit);
  log(`applying ${JSON.stringify(entries)}`);
  const applied = await vscode.workspace.applyEdit(action.edit);
  if (action.command) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
  }
  const saved = await vscode.workspace.saveAll(false);
  log(`applied=${applied} saved=${saved}`);

  // Informational: does the hint for this model go away once it has endpoints?
  let hintGone;
  try {
    hintGone = await waitFor('the hint to go away', 10_000, () =>
      !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'CSM501' && modelOf(d) === model),
    );
  } catch {
    hintGone = false;
  }
  const diagnosticsAfter = vscode.languages.getDiagnostics(uri).map(describeDiagnostic);

  // The extension's own command: "crudsmith: Generate endpoints for all models" on the
  // models module generates the models that still have no endpoints (Comment).
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('crudsmith.generateAll');
  const savedAll = await vscode.workspace.saveAll(false);
  log(`crudsmith.generateAll ran; saved=${savedAll}`);

  writeJson('result.json', {
    ok: applied && saved && savedAll,
    model,
    title,
    action: describeAction(action),
    edit: entries,
    applied,
    saved,
    hintGoneAfterApply: hintGone,
    diagnosticsAfter,
    generateAllRan: true,
  });
}

exports.activate = function activate() {
  if (!DIR) {
    return;
  }
  run().catch((error) => {
    log(`FAILED: ${error && error.stack ? error.stack : String(error)}`);
    writeJson('result.json', { ok: false, error: String(error && error.message ? error.message : error) });
  });
};

exports.deactivate = function deactivate() {};

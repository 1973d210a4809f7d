/**
 * Owns the language client: resolves the interpreter, checks crudsmith is installed,
 * starts/stops/restarts `crudsmith lsp`, shows its state in the status bar and answers
 * the server's settings requests with the nested object from settings.ts.
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';

import * as vscode from 'vscode';
import {
  type ConfigurationParams,
  DidChangeConfigurationNotification,
  type LanguageClientOptions,
  LanguageClient,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { clientSettings, SECTION, serverSettings } from './config';
import { describeSource, resolveServerLaunch, type ServerLaunch } from './interpreter';
import { pipInstallArgs, probeCrudsmith } from './probe';
import { activePythonInterpreter } from './python';

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

const STATUS_ICONS: Record<ServerState, string> = {
  starting: '$(sync~spin)',
  running: '$(check)',
  stopped: '$(circle-slash)',
  error: '$(error)',
};

export class CrudsmithServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private launch: ServerLaunch | undefined;
  private state: ServerState = 'stopped';
  /** Serialises start/stop/restart so that overlapping triggers never run two servers. */
  private queue: Promise<void> = Promise.resolve();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(readonly output: vscode.LogOutputChannel) {
    this.statusItem = vscode.window.createStatusBarItem('crudsmith.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'crudsmith';
    this.statusItem.command = 'crudsmith.showOutput';
    this.setState('stopped');
    this.statusItem.show();
  }

  get languageClient(): LanguageClient | undefined {
    return this.state === 'running' ? this.client : undefined;
  }

  get currentState(): ServerState {
    return this.state;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  /** Restarts only when the command that would be run differs from the running one. */
  async restartIfLaunchChanged(): Promise<void> {
    const next = await this.resolveLaunch();
    if (this.launch === undefined || JSON.stringify(next) !== JSON.stringify(this.launch)) {
      this.log(`The server command changed (${describeSource(next.source)}): restarting.`);
      await this.restart();
    }
  }

  /** Tells a running server its settings changed; it pulls them with `workspace/configuration`. */
  async notifySettingsChanged(): Promise<void> {
    const client = this.languageClient;
    if (client !== undefined) {
      await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: serverSettings(this.scope()) },
      });
    }
  }

  dispose(): void {
    void this.stop();
    this.statusItem.dispose();
    this.stateEmitter.dispose();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private scope(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  private async resolveLaunch(): Promise<ServerLaunch> {
    const scope = this.scope();
    const settings = clientSettings(scope);
    const needsPythonExtension = settings.serverCommand.length === 0 && settings.interpreter.trim() === '';
    return resolveServerLaunch({
      serverCommand: settings.serverCommand,
      interpreter: settings.interpreter,
      pythonExtensionInterpreter: needsPythonExtension
        ? await activePythonInterpreter(scope, (message) => {
            this.log(message);
          })
        : undefined,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? [])
        .filter((folder) => folder.uri.scheme === 'file')
        .map((folder) => folder.uri.fsPath),
      platform: process.platform,
      homeDir: os.homedir(),
      isFile: (candidate) => {
        try {
          return fs.statSync(candidate).isFile();
        } catch {
          return false;
        }
      },
    });
  }

  private async doStart(): Promise<void> {
    if (this.client !== undefined) {
      return;
    }
    this.setState('starting');
    const launch = await this.resolveLaunch();
    this.launch = launch;
    this.log(`Server command: ${[launch.command, ...launch.args].join(' ')} (from ${describeSource(launch.source)})`);
    const cwd = this.scope()?.fsPath;
    if (launch.python !== undefined && !(await this.checkInstalled(launch, cwd))) {
      this.setState('error');
      return;
    }
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: [...launch.args],
      // No `transport`: stdio without the `--stdio` argument the client would add otherwise.
      options: cwd === undefined ? {} : { cwd },
    };
    const client = new LanguageClient('crudsmith', 'crudsmith', serverOptions, this.clientOptions());
    client.onDidChangeState((event) => {
      if (this.client === client) {
        this.setState(event.newState === State.Running ? 'running' : event.newState === State.Starting ? 'starting' : 'stopped');
      }
    });
    this.client = client;
    try {
      await client.start();
      this.setState('running');
    } catch (error) {
      this.client = undefined;
      this.setState('error');
      this.log(`The server failed to start: ${String(error)}`);
      void this.offerHelp(`crudsmith's language server failed to start (${launch.command}).`, ['Show output', 'Open settings']);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) {
      try {
        await client.stop(5_000);
      } catch (error) {
        this.log(`Stopping the server: ${String(error)}`);
      }
    }
    if (client !== undefined) {
      await client.dispose().catch(() => undefined);
    }
    this.setState('stopped');
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      outputChannel: this.output,
      // Problems as the user types: languageclient 10+ pulls only on open unless told otherwise.
      diagnosticPullOptions: { onChange: true, onSave: true, onFocus: true },
      initializationOptions: serverSettings(this.scope()),
      // Changes are announced by notifySettingsChanged (extension.ts listens), with the nested object.
      middleware: {
        workspace: {
          configuration: (params: ConfigurationParams, token, next) => this.answerConfiguration(params, token, next),
        },
      },
    };
  }

  /** `workspace/configuration`: section `crudsmith` gets the nested server object, others are VS Code's. */
  private async answerConfiguration(
    params: ConfigurationParams,
    token: vscode.CancellationToken,
    next: (params: ConfigurationParams, token: vscode.CancellationToken) => unknown,
  ): Promise<unknown[]> {
    const others = params.items.filter((item) => item.section !== SECTION);
    const fromVsCode = others.length > 0 ? await Promise.resolve(next({ items: others }, token)) : [];
    const otherAnswers = Array.isArray(fromVsCode) ? [...(fromVsCode as unknown[])] : [];
    return params.items.map((item) => {
      if (item.section === SECTION) {
        return serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : this.scope());
      }
      return otherAnswers.shift() ?? null;
    });
  }

  private async checkInstalled(launch: ServerLaunch, cwd: string | undefined): Promise<boolean> {
    const python = launch.python ?? launch.command;
    const probe = await probeCrudsmith(python, cwd);
    switch (probe.kind) {
      case 'ok':
        return true;
      case 'missing-python':
        this.log(`Python interpreter not found: ${probe.detail}`);
        void this.offerHelp(
          `crudsmith: the Python interpreter "${python}" (from ${describeSource(launch.source)}) was not found.`,
          ['Open settings', 'Show output'],
        );
        return false;
      case 'missing-crudsmith':
        this.log(`crudsmith is not installed in ${python}.`);
        void this.offerHelp(
          `crudsmith is not installed in the Python interpreter "${python}" (from ${describeSource(launch.source)}).`,
          ['Install crudsmith', 'Open settings'],
        );
        return false;
      case 'failed':
        this.log(`Checking crudsmith in ${python} failed: ${probe.detail}`);
        void this.offerHelp(`crudsmith: could not check the interpreter "${python}".`, ['Show output', 'Open settings']);
        return false;
    }
  }

  private async offerHelp(message: string, actions: readonly string[]): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === 'Install crudsmith') {
      await this.installCrudsmith();
    } else if (choice === 'Open settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:crudsmith.crudsmith');
    } else if (choice === 'Show output') {
      this.output.show(true);
    }
  }

  /** Runs `<python> -m pip install crudsmith`, streaming to the output channel, then restarts. */
  private async installCrudsmith(): Promise<void> {
    const python = this.launch?.python;
    if (python === undefined) {
      return;
    }
    const args = pipInstallArgs();
    this.output.show(true);
    this.log(`Running: ${python} ${args.join(' ')}`);
    const code = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Installing crudsmith into ${python}…` },
      () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(python, [...args], { cwd: this.scope()?.fsPath, windowsHide: true });
          const relay = (chunk: Buffer): void => {
            this.output.append(chunk.toString());
          };
          child.stdout.on('data', relay);
          child.stderr.on('data', relay);
          child.on('error', (error) => {
            this.log(`pip could not run: ${error.message}`);
            resolve(null);
          });
          child.on('close', (exitCode) => {
            resolve(exitCode);
          });
        }),
    );
    if (code === 0) {
      this.log('crudsmith installed; starting the server.');
      await this.restart();
    } else {
      void this.offerHelp(`Installing crudsmith into ${python} failed (see the output).`, ['Show output', 'Open settings']);
    }
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.statusItem.text = `${STATUS_ICONS[state]} crudsmith`;
    const launch = this.launch === undefined ? '' : `\n${[this.launch.command, ...this.launch.args].join(' ')}`;
    this.statusItem.tooltip = `crudsmith language server: ${state}${launch}\nClick to show the output.`;
    this.statusItem.backgroundColor =
      state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.stateEmitter.fire(state);
  }

  log(message: string): void {
    this.output.info(message);
  }
}

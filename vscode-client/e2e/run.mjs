// End-to-end test of the packaged extension in a real VS Code workbench (code-server 4.100.3
// in headless Debian chromium, driven by playwright-core).
//
// 1. installs crudsmith-<version>.vsix and the probe extension (e2e/test-extension) into a
//    fresh code-server profile;
// 2. opens a copy of examples/blog laid out as a package (app/models.py), whose `.venv` is a
//    symlink to the repository's .venv (crudsmith installed editable): the extension finds
//    it by its own workspace-venv rule, no interpreter setting;
// 3. the probe waits for the CSM501 hint, checks the quick fix "Generate endpoints for Post"
//    is offered and puts the cursor on the class name; this runner presses Ctrl+. and
//    screenshots the quick-fix menu (e2e/artifacts/quick-fix-menu.png); the probe then
//    resolves and applies the action through the VS Code API and saves;
//    it then runs the extension's "crudsmith: Generate endpoints for all models" command;
// 4. this runner checks the generated files on disk (Post's schemas, router and app wiring,
//    Comment's schemas from the command; all compile).
// Exit 0 on success, 1 with the reasons otherwise. Artifacts (screenshots, logs) stay in
// e2e/artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const client = path.dirname(here);
const repo = path.dirname(client);
const artifacts = path.join(here, 'artifacts');
const manifest = JSON.parse(readFileSync(path.join(client, 'package.json'), 'utf8'));
const vsix = process.env.CRUDSMITH_VSIX ?? path.join(client, `${manifest.name}-${manifest.version}.vsix`);
const repoVenv = process.env.CRUDSMITH_E2E_VENV ?? path.join(repo, '.venv');
const MODEL = 'Post';
const TITLE = `Generate endpoints for ${MODEL}`;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const failures = [];
const started = Date.now();

function say(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function fail(message) {
  failures.push(message);
  say(`FAIL: ${message}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, timeoutMs, probe, abort = () => undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const aborted = abort();
    if (aborted) {
      throw new Error(aborted);
    }
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await sleep(250);
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function codeServerBin() {
  if (process.env.CODE_SERVER_BIN) {
    return process.env.CODE_SERVER_BIN;
  }
  return run('bash', [path.join(here, 'install-code-server.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter(Boolean);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(`chromium not found (tried ${candidates.join(', ')}); apt-get install chromium`);
  }
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Every file under `root` (relative paths), skipping the venv link and caches. */
function listFiles(root, prefix = '') {
  const out = [];
  for (const entry of readdirSync(path.join(root, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (['.venv', '__pycache__', '.git'].includes(entry.name)) {
      continue;
    }
    if (entry.isDirectory()) {
      out.push(...listFiles(root, rel));
    } else {
      out.push(rel);
    }
  }
  return out.sort();
}

function makeProject(tmp) {
  const project = path.join(tmp, 'blog');
  mkdirSync(path.join(project, 'app'), { recursive: true });
  writeFileSync(path.join(project, 'app', '__init__.py'), '');
  cpSync(path.join(repo, 'examples', 'blog', 'models.py'), path.join(project, 'app', 'models.py'));
  // The project's interpreter: the repository's venv, where crudsmith is installed editable.
  symlinkSync(repoVenv, path.join(project, '.venv'), 'dir');
  return project;
}

function writeUserSettings(userDataDir) {
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'files.watcherExclude': { '**/.venv/**': true },
    'search.followSymlinks': false,
    'editor.lightbulb.enabled': 'on',
    'chat.commandCenter.enabled': false,
    'crudsmith.trace.server': 'verbose',
    // Extra user settings for experiments, e.g. '{"crudsmith.ignore": ["CSM501"]}' must fail.
    ...(process.env.CRUDSMITH_E2E_SETTINGS ? JSON.parse(process.env.CRUDSMITH_E2E_SETTINGS) : {}),
  };
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

function packageProbe(tmp) {
  const out = path.join(tmp, 'crudsmith-e2e.vsix');
  const vsce = path.join(client, 'node_modules', '.bin', 'vsce');
  run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], {
    cwd: path.join(here, 'test-extension'),
  });
  return out;
}

function copyLogs(userDataDir) {
  const logs = path.join(userDataDir, 'logs');
  if (!existsSync(logs)) {
    return;
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/crudsmith|exthost\.log|remoteexthost\.log/i.test(entry.name)) {
        cpSync(full, path.join(artifacts, `log-${entry.name}`));
      }
    }
  };
  walk(logs);
}

/** Problems with the generated files on disk (schemas, router, app wiring; all compile). */
function generatedFileProblems(project, before) {
  const after = listFiles(project);
  const created = after.filter((file) => !before.includes(file));
  if (created.length === 0) {
    return { created, problems: ['the quick fix created no file'] };
  }
  const read = (file) => readFileSync(path.join(project, file), 'utf8');
  const pythonFiles = created.filter((file) => file.endsWith('.py'));
  const containing = (pattern) => pythonFiles.filter((file) => pattern.test(read(file)));
  const schemas = containing(new RegExp(`^class ${MODEL}Create\\b`, 'm'));
  const routers = containing(/^router = APIRouter\(/m).filter((file) => new RegExp(`\\b${MODEL}(Public|Create)\\b`).test(read(file)));
  const wiring = containing(/\.include_router\(/);
  // Written by the "Generate endpoints for all models" command run after the quick fix.
  const others = containing(/^class CommentCreate\b/m);
  const problems = [];
  if (schemas.length === 0) problems.push(`no generated file defines ${MODEL}Create (schemas)`);
  if (routers.length === 0) problems.push(`no generated router (APIRouter) serving ${MODEL}`);
  if (wiring.length === 0) problems.push('no generated file wires a router into the app (include_router)');
  if (others.length === 0) problems.push('"crudsmith: Generate endpoints for all models" did not write CommentCreate');
  const python = path.join(repoVenv, 'bin', 'python');
  const compile = spawnSync(python, ['-m', 'py_compile', ...pythonFiles.map((file) => path.join(project, file))], { encoding: 'utf8' });
  if (compile.status !== 0) problems.push(`generated Python does not compile:\n${compile.stderr}`);
  return { created, schemas, routers, wiring, others, problems };
}

/** Waits (briefly) for the saved files to reach the disk, then records what is wrong. */
async function checkGeneratedFiles(project, before) {
  let report = generatedFileProblems(project, before);
  const deadline = Date.now() + 15_000;
  while (report.problems.length > 0 && Date.now() < deadline) {
    await sleep(500);
    report = generatedFileProblems(project, before);
  }
  say(`files created: ${report.created.join(', ') || '(none)'}`);
  say(`schemas: ${report.schemas?.join(', ')}; routers: ${report.routers?.join(', ')}; wiring: ${report.wiring?.join(', ')}; all models: ${report.others?.join(', ')}`);
  report.problems.forEach(fail);
  writeFileSync(path.join(artifacts, 'files.json'), JSON.stringify(report, null, 2));
}

async function main() {
  if (!existsSync(vsix)) {
    throw new Error(`${vsix} not found: run npm run package first`);
  }
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'crudsmith-e2e-'));
  const control = path.join(tmp, 'control');
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  mkdirSync(control);
  const project = makeProject(tmp);
  const before = listFiles(project);
  writeUserSettings(userDataDir);
  const bin = codeServerBin();
  const probeVsix = packageProbe(tmp);
  const config = path.join(tmp, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  say(`installing ${path.basename(vsix)} and the probe into code-server (${bin})`);
  run(bin, [...common, '--install-extension', vsix, '--install-extension', probeVsix]);

  const port = await freePort();
  const serverLog = [];
  const codeServer = spawn(
    bin,
    [
      ...common,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(process.env.CRUDSMITH_E2E_LOG ? ['--log', process.env.CRUDSMITH_E2E_LOG] : []),
      project,
    ],
    { env: { ...process.env, CRUDSMITH_E2E_DIR: control }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited;
  codeServer.on('exit', (code, signal) => {
    exited = `code-server exited (${code ?? signal}); see e2e/artifacts/code-server.log`;
  });
  codeServer.stdout.on('data', (chunk) => serverLog.push(chunk.toString()));
  codeServer.stderr.on('data', (chunk) => serverLog.push(chunk.toString()));
  let browser;
  try {
    await waitFor('code-server to listen', 60_000, () => serverLog.join('').includes('HTTP server listening'), () => exited);
    say(`code-server listening on ${port}`);
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    say('workbench loaded');

    const result = (name) => path.join(control, name);
    const offered = await waitFor('the probe to report the offered actions', 150_000, () => {
      if (existsSync(result('offered.json'))) return JSON.parse(readFileSync(result('offered.json'), 'utf8'));
      if (existsSync(result('result.json'))) return JSON.parse(readFileSync(result('result.json'), 'utf8'));
      return undefined;
    });
    writeFileSync(path.join(artifacts, 'offered.json'), JSON.stringify(offered, null, 2));
    if (!offered.offered) {
      fail(offered.error ?? `"${TITLE}" was not offered; actions: ${JSON.stringify(offered.actions?.map((a) => a.title))}`);
      await page.screenshot({ path: path.join(artifacts, 'workbench-no-quick-fix.png') });
    } else {
      say(`offered at the ${offered.model} hint: ${offered.actions.map((a) => a.title).join(' | ')}`);
      await sleep(500);
      await page.keyboard.press('Control+Period');
      const item = page.locator('.action-widget').getByText(offered.title, { exact: true });
      try {
        await item.first().waitFor({ state: 'visible', timeout: 15_000 });
        await sleep(300);
        say('quick-fix menu open with the action');
      } catch {
        fail(`the quick-fix menu (Ctrl+.) did not show "${offered.title}"`);
      }
      await page.screenshot({ path: path.join(artifacts, 'quick-fix-menu.png') });
      await page.keyboard.press('Escape');
      writeFileSync(result('go'), '');
      const final = await waitFor('the probe to apply the action', 90_000, () =>
        existsSync(result('result.json')) ? JSON.parse(readFileSync(result('result.json'), 'utf8')) : undefined,
      );
      writeFileSync(path.join(artifacts, 'result.json'), JSON.stringify(final, null, 2));
      if (!final.ok) {
        fail(`applying "${offered.title}" failed: ${final.error ?? JSON.stringify(final)}`);
      } else {
        say(`applied; edit touched ${final.edit.length} files; hint gone afterwards: ${final.hintGoneAfterApply}`);
        await checkGeneratedFiles(project, before);
      }
      await sleep(500);
      await page.screenshot({ path: path.join(artifacts, 'after-generate.png') });
    }
  } finally {
    if (existsSync(path.join(control, 'probe.log'))) cpSync(path.join(control, 'probe.log'), path.join(artifacts, 'probe.log'));
    writeFileSync(path.join(artifacts, 'code-server.log'), serverLog.join(''));
    copyLogs(userDataDir);
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-codeServer.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (!process.env.CRUDSMITH_E2E_KEEP) {
      await sleep(300);
      rmSync(tmp, { recursive: true, force: true });
    } else {
      say(`kept ${tmp}`);
    }
  }
}

try {
  await main();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (failures.length > 0) {
  console.error(`e2e FAILED (${failures.length}):\n- ${failures.join('\n- ')}\nartifacts: ${artifacts}`);
  process.exit(1);
}
say(`e2e passed; artifacts in ${artifacts}`);

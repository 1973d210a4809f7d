import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { pipInstallArgs, probeCrudsmith } from '../src/probe';

/** A fake interpreter: a shell script that exits with `status`. */
function fakePython(status: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crudsmith-probe-'));
  const file = path.join(dir, 'python');
  writeFileSync(file, `#!/bin/sh\necho probe-stderr >&2\nexit ${status}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe.runIf(process.platform !== 'win32')('probeCrudsmith', () => {
  it('is ok when the interpreter finds crudsmith', async () => {
    expect(await probeCrudsmith(fakePython(0))).toEqual({ kind: 'ok' });
  });

  it('says crudsmith is missing when the import check fails', async () => {
    const result = await probeCrudsmith(fakePython(3));
    expect(result.kind).toBe('missing-crudsmith');
  });

  it('says the interpreter is missing when it does not exist', async () => {
    expect((await probeCrudsmith('/nonexistent/bin/python')).kind).toBe('missing-python');
  });

  it('reports any other failure with its stderr', async () => {
    const result = await probeCrudsmith(fakePython(1));
    expect(result.kind).toBe('failed');
    expect(result.kind === 'failed' && result.detail).toContain('probe-stderr');
  });

  it('runs a real import check: python3 without site-packages has no crudsmith', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crudsmith-probe-'));
    const file = path.join(dir, 'python');
    writeFileSync(file, '#!/bin/sh\nexec python3 -I -S "$@"\n');
    chmodSync(file, 0o755);
    expect((await probeCrudsmith(file)).kind).toBe('missing-crudsmith');
  });
});

describe('pipInstallArgs', () => {
  it('installs crudsmith with the interpreter itself', () => {
    expect(pipInstallArgs()).toEqual(['-m', 'pip', 'install', '--upgrade', 'crudsmith']);
  });
});

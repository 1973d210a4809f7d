// Checks the packaged .vsix (a zip): it holds the bundle, the manifest, README, LICENSE and
// the icon, and nothing from node_modules or the sources. Exit 1 with the reasons otherwise.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import yauzl from 'yauzl';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Lists the entry names of a zip file. */
export function zipEntries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      const names = [];
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Returns the problems with a vsix's entry list (empty when it is right). */
export function vsixProblems(names) {
  const problems = [];
  const required = [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/readme.md',
    'extension/LICENSE.txt',
    `extension/${manifest.icon}`,
  ];
  const lower = new Set(names.map((name) => name.toLowerCase()));
  for (const name of required) {
    if (!lower.has(name.toLowerCase())) {
      problems.push(`missing ${name}`);
    }
  }
  const forbidden = [/node_modules\//, /^extension\/src\//, /\.ts$/, /\.map$/, /^extension\/(test|e2e|scripts)\//, /tsconfig/, /eslint/];
  for (const name of names) {
    if (forbidden.some((pattern) => pattern.test(name))) {
      problems.push(`unexpected ${name}`);
    }
  }
  return problems;
}

async function main() {
  const explicit = process.argv[2];
  const vsix = explicit ?? path.join(root, `${manifest.name}-${manifest.version}.vsix`);
  if (!explicit && !readdirSync(root).includes(path.basename(vsix))) {
    console.error(`check-vsix: ${vsix} not found; run npm run package first`);
    process.exit(1);
  }
  const names = await zipEntries(vsix);
  const problems = vsixProblems(names);
  if (problems.length > 0) {
    console.error(`check-vsix: ${path.basename(vsix)} is wrong:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`check-vsix: ${path.basename(vsix)} OK (${names.length} entries: ${names.join(', ')})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}

// The README's framework snippets are the files the example apps use (examples/frameworks), which
// frameworks.test.mjs builds and drives: a README code block whose first line is a comment naming
// a file there must hold that file, byte for byte after its first line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { rootDir } from './apps.mjs';

const readme = readFileSync(path.join(rootDir, 'README.md'), 'utf8');
const namedFile = /^(?:\/\/|<!--)\s*(examples\/frameworks\/\S+)\s*(?:-->)?$/;

/** Every fenced block of the README that starts with a comment naming a file under examples/frameworks. */
const snippets = [...readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)]
  .map(([, body]) => body.split('\n'))
  .filter(([first]) => namedFile.test(first))
  .map(([first, ...rest]) => ({ file: first.match(namedFile)[1], body: rest.join('\n') }));

test('the README shows the component of each framework app: React, Vue (and its Vite config), Svelte, Angular', () => {
  assert.deepEqual(
    snippets.map((s) => s.file),
    [
      'examples/frameworks/react/src/Account.tsx',
      'examples/frameworks/vue/vite.config.js',
      'examples/frameworks/vue/src/Account.vue',
      'examples/frameworks/svelte/src/Account.svelte',
      'examples/frameworks/angular/src/account.component.ts',
    ],
  );
});

for (const { file, body } of snippets) {
  test(`the README's ${file} is that file`, () => {
    assert.equal(body, readFileSync(path.join(rootDir, file), 'utf8'));
  });
}

// custom-elements.json (which writes the README's API tables) against the element classes
// themselves: each public property a class declares is in the manifest, and each field the
// manifest lists for an element is one its class declares. The analyzer's Lit plugin once
// dropped `<set-user-properties-action>`'s `properties` and listed a `textContent` that a
// constructor set on a child node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));

/** The public instance properties and accessors `className` declares in `file` (its own). */
function declaredProperties(file, className) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const names = new Set();
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== className) continue;
    for (const member of statement.members) {
      const isProperty = ts.isPropertyDeclaration(member) || ts.isGetAccessor(member) || ts.isSetAccessor(member);
      if (!isProperty || !member.name || ts.isPrivateIdentifier(member.name)) continue;
      const modifiers = ts.getModifiers(member) ?? [];
      const hidden = modifiers.some((m) =>
        [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind),
      );
      if (!hidden) names.add(member.name.getText(source));
    }
  }
  return names;
}

const elements = manifest.modules.flatMap((mod) =>
  (mod.declarations ?? []).filter((d) => d.tagName).map((declaration) => ({ path: mod.path, declaration })),
);

test('the manifest has the elements', () => {
  assert.ok(elements.length >= 13, `${elements.length} elements`);
});

for (const { path, declaration } of elements) {
  test(`<${declaration.tagName}>: the manifest's own public fields are the class's own public properties`, () => {
    const listed = new Set(
      (declaration.members ?? [])
        .filter((m) => m.kind === 'field' && !m.inheritedFrom && !m.static && (m.privacy ?? 'public') === 'public')
        .map((m) => m.name),
    );
    const declared = declaredProperties(path, declaration.name);
    assert.deepEqual([...listed].sort(), [...declared].sort());
  });
}

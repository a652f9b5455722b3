// `npm run manifest` writes custom-elements.json from the JSDoc on each element class
// (@tagname, @summary, @attr, @fires, @slot, @csspart, @cssstate). CI fails when it is stale.

/** Events dispatched with a computed name show up unnamed; the @fires tags already list them. */
function dropUnnamedEvents() {
  return {
    name: 'drop-unnamed-events',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.events) {
            declaration.events = declaration.events.filter((e) => e.name && e.name !== 'type');
          }
        }
      }
    },
  };
}

/**
 * The Lit plugin drops every member named `properties` (it takes it for Lit's `static properties`),
 * so `<set-user-properties-action>`'s instance `properties` accessor went missing. Keep a copy of
 * each non-static one while analysing and put it back at the end.
 */
function keepInstanceProperties() {
  /** @type {Map<string, object>} */
  const kept = new Map();
  return {
    name: 'keep-instance-properties',
    analyzePhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const member = declaration.members?.find((m) => m.name === 'properties' && !m.static);
        if (member) kept.set(`${moduleDoc.path}#${declaration.name}`, member);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          const member = kept.get(`${mod.path}#${declaration.name}`);
          if (member && !declaration.members?.some((m) => m.name === 'properties')) {
            declaration.members = [...(declaration.members ?? []), member];
          }
        }
      }
    },
  };
}

export default {
  // The public modules only: elements, errors, events and backends.
  globs: ['src/*.ts', 'src/elements/*.ts', 'src/backends/*.ts', 'src/session/*.ts'],
  exclude: ['src/**/*.d.ts', 'src/jsx*.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
  plugins: [dropUnnamedEvents(), keepInstanceProperties()],
};

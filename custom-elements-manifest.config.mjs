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

export default {
  // The public modules only: elements, errors, events and backends.
  globs: ['src/*.ts', 'src/elements/*.ts', 'src/backends/*.ts', 'src/session/*.ts'],
  exclude: ['src/**/*.d.ts', 'src/jsx*.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
  plugins: [dropUnnamedEvents()],
};

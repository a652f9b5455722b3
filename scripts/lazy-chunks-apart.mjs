/**
 * An esbuild plugin for measuring what a page downloads (SPEC §10): dynamic imports stay out of
 * the bundle, as they are the chunks of features loaded on first use, measured apart. Used by
 * .size-limit.mjs, scripts/size-table.mjs and test/node/bundle.test.mjs.
 */
export const lazyChunksApart = {
  name: 'lazy-chunks-apart',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
    );
  },
};

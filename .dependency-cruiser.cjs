/**
 * The code's layers, lowest first. A module imports only from its own folder or from a lower layer, and no import
 * chain comes back to where it started. `npm run lint:deps` checks it; test/architecture.test.ts runs it in CI.
 * docs/architecture.md explains what each folder holds.
 */
const LAYERS = [
  ['util'], // errors, matrix, random, stats, csv and html escaping: no project imports
  ['data'], // reading, the table schema, cleaning, orders aggregation
  ['features'], // encoding, scaling, transforms, PCA
  ['model'], // numerics only: k-means, silhouette, the k sweep and its criteria, backends, threads
  ['segmentation'], // schema-aware: the pipeline, the model artifact and predict, profiles and labels, RFM, SQL export
  ['io', 'figures'], // output layout, atomic writes, model files; pure chart specs
  ['browser', 'scoring'], // Chromium and the figure renderer; streaming score
  ['report'], // the report run and its files
  ['notebook'], // notebook helpers
  ['api', 'index.ts'], // entry points inside src: the prediction API and the public API
];

const pathOf = (name) => (name.endsWith('.ts') ? `^src/${name.replace('.', '\\.')}$` : `^src/${name}/`);
const forbidden = [
  { name: 'no-circular', comment: 'An import chain comes back to where it started.', severity: 'error', from: {}, to: { circular: true } },
  {
    name: 'no-orphans',
    comment: 'A source file nothing imports (delete it, or import it from where it is used).',
    severity: 'error',
    from: { orphan: true, path: '^src/', pathNot: ['\\.test\\.ts$', '__fixtures__', '^src/index\\.ts$', '\\.d\\.ts$', '\\.json$'] },
    to: {},
  },
  {
    name: 'scripts-use-the-public-api',
    comment: 'A command-line script imports src/ through src/index.ts (the API server and test fixtures aside).',
    severity: 'error',
    from: { path: '^scripts/' },
    to: { path: '^src/', pathNot: ['^src/index\\.ts$', '^src/api/', '__fixtures__'] },
  },
  {
    name: 'src-not-scripts',
    comment: 'src/ never imports the command-line scripts.',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^scripts/' },
  },
];
LAYERS.forEach((names, i) => {
  const higher = LAYERS.slice(i + 1).flat().map(pathOf);
  if (higher.length === 0) return;
  forbidden.push({
    name: `layer-${names.join('-').replace('.ts', '')}`,
    comment: `${names.join(', ')} may import only from lower layers (see LAYERS in .dependency-cruiser.cjs).`,
    severity: 'error',
    from: { path: names.map(pathOf) },
    to: { path: higher },
  });
});
// Within one layer the folders do not import each other either.
for (const names of LAYERS.filter((l) => l.length > 1)) {
  for (const name of names) {
    const others = names.filter((n) => n !== name).map(pathOf);
    forbidden.push({ name: `same-layer-${name.replace('.ts', '')}`, severity: 'error', from: { path: pathOf(name) }, to: { path: others } });
  }
}

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', 'node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

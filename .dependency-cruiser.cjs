/**
 * Layering rules (DESIGN.md / STYLE.md): imports go downward only.
 *   common ← protocol ← storage ← raft ← metadata ← replication ← coordinator ← broker ← server
 *   client uses protocol and common only; cli uses client and server; security sits under broker.
 */
const LAYERS = ['common', 'protocol', 'storage', 'raft', 'metadata', 'replication', 'coordinator', 'broker', 'server']

/** Each layer may not import from any layer above it. */
const upward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `${layer} may only import from layers below it`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: {
    path: `^src/(${[...LAYERS.slice(i + 1), 'client', 'cli', 'web', 'streams', 'connect', 'registry'].join('|')})/`,
  },
}))

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'client-on-protocol-only',
      comment: 'the client speaks the wire protocol and knows nothing of the broker',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/(storage|raft|metadata|replication|coordinator|broker|server|cli)/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles (cycles made only of type imports vanish at run time and are tolerated)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)generated/' },
  },
}

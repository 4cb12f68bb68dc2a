/**
 * Architecture rules checked by `pnpm test` (dependency-cruiser): no import cycles anywhere, the
 * protocol package does no I/O, the hub's routes and console reach the database only through its services,
 * libraries never reach into apps, and nobody deep-imports another workspace package's files —
 * only what its `exports` map offers. npm packages are listed (not excluded) but not followed:
 * a rule about an npm package sees the import, resolved into node_modules/.pnpm/….
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes load order and ownership unclear; break it by moving the shared part.",
      from: {},
      to: { circular: true },
    },
    {
      name: "protocol-does-no-io",
      severity: "error",
      comment:
        "packages/protocol is the wire protocol only (docs/design.md): no network, files or processes.",
      from: { path: "^packages/protocol/src", pathNot: "\\.test\\.ts$" },
      to: {
        path: "^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads)$|^(undici|postgres|ioredis|bullmq|pino|drizzle-orm)$|(^|/)node_modules/.+/(undici|postgres|ioredis|bullmq|pino|drizzle-orm)/",
      },
    },
    {
      name: "hub-routes-go-through-services",
      severity: "error",
      comment:
        "Data flows route → service → database: a hub route or console page asks a service (apps/hub/src/services), never drizzle itself.",
      from: { path: "^apps/hub/src/(routes|console)/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "(^|/)drizzle-orm(/|$)" },
    },
    {
      name: "libraries-never-import-apps",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "no-deep-imports-across-packages",
      severity: "error",
      comment: "Use the other package's name and its exports map, never a path into its files.",
      from: { path: "^(apps|packages)/([^/]+)/" },
      // A relative path that leaves the package ("local"); `@yunlian/x` imports go through exports.
      to: { path: "^(apps|packages)/([^/]+)/", pathNot: "^$1/$2/", dependencyTypes: ["local"] },
    },
    {
      name: "workspace-imports-resolve",
      severity: "error",
      comment: "A `@yunlian/…` import must be one the package's exports map offers.",
      from: {},
      to: { path: "^@yunlian/", couldNotResolve: true },
    },
    {
      name: "src-never-imports-tests",
      severity: "error",
      from: { path: "^(apps|packages)/[^/]+/src/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^(apps|packages)/[^/]+/test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|\\.turbo|\\.data[^/]*)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["source", "import", "default"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
    },
  },
};

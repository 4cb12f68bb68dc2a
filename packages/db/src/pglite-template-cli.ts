// The last step of this package's build (package.json "build"): writes pglite-template/, the
// empty cluster openPglite copies into a new data folder (see PGLITE_TEMPLATE).
import { PGLITE_TEMPLATE, writePgliteTemplate } from "./pglite.ts";

await writePgliteTemplate();
console.log(`PGlite template written to ${PGLITE_TEMPLATE}`);

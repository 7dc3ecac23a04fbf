import { fileURLToPath } from "node:url";

/** The directory of the built app (`index.html`, `assets/`, `epca-widgets.js`), for `createApp({ webDir })`. */
export const webDistDir = fileURLToPath(new URL("./dist/", import.meta.url));

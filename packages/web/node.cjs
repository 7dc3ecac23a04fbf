"use strict";
const { join } = require("node:path");

/** The directory of the built app (`index.html`, `assets/`, `epca-widgets.js`), for `createApp({ webDir })`. */
exports.webDistDir = join(__dirname, "dist") + require("node:path").sep;

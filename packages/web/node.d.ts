/** The directory of the built app (`index.html`, `assets/`, `epca-widgets.js`), for `createApp({ webDir })`. */
export declare const webDistDir: string;

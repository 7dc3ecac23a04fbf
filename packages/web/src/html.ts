import htm from "htm";
import { h } from "preact";

/** Preact's `h` through tagged templates (no JSX build step): ``html`<p>${text}</p>` ``. */
export const html = htm.bind(h);

/** The web app's entry: sign in, then the pages the user's role may use. */
import { render } from "preact";
import { App } from "./app.js";
import { html } from "./html.js";
import "./styles.css";

render(html`<${App} />`, document.getElementById("app") as HTMLElement);

/**
 * @epca/cli — the `epca` command (serve, migrate, seed-demo, create-admin), and the store
 * selection it uses, for hosts that start the server their own way.
 *
 * @packageDocumentation
 */
export { redactUrl, storeFromConfig, type OpenedStore } from "./store-from-config.js";

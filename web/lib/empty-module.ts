/**
 * Node's built-in "module" as browser bundles see it (next.config.ts): node-seal's Emscripten glue
 * imports it only on its Node code path (createRequire), which a browser never takes.
 */
export function createRequire(): never {
  throw new Error("node:module is not available in the browser");
}

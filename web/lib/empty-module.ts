/**
 * Stands in for Node's built-in "module" in browser bundles: node-seal's Emscripten glue imports
 * it only on its Node path (createRequire), which never runs in a browser (next.config.ts).
 */
export function createRequire(): never {
  throw new Error("node:module is not available in the browser");
}

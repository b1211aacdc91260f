/**
 * The bootstrap script evaluated inside every fresh QuickJS context before the operator's module.
 * It hardens the realm (no code generation from strings, no SharedArrayBuffer/Atomics, no
 * WeakRef/FinalizationRegistry, a frozen clock), builds the frozen `pdx` object whose methods are
 * async wrappers around ONE raw host entry point that only ever receives and returns JSON strings,
 * and returns the functions the host drives the job with. Everything here runs inside the VM under
 * the job's CPU/memory/stack limits; the raw host entry point is captured in this closure and never
 * placed on the global object.
 *
 * Result protocol of `run` (a string, so nothing but a string ever crosses the boundary):
 *   "ok" + JSON of the output | "er" + JSON {name,message,stack} | "cp" + message (module shape)
 *   | "ol" + decimal length (output JSON longer than the limit, in UTF-16 units).
 */

/** Name the bootstrap is evaluated under (appears in no operator-visible stack: frames are filtered). */
export const BOOTSTRAP_FILENAME = "pdx-sandbox.js";

/**
 * A global-code script whose completion value is a function taking
 * (hostCall, hostNamesJson, clockMs, outputLimit) and returning { run, describe }.
 */
export const BOOTSTRAP_SOURCE = String.raw`
(function (hostCall, hostNamesJson, clockMs, outputLimit) {
  "use strict";
  const G = globalThis;
  const jsonStringify = JSON.stringify;
  const jsonParse = JSON.parse;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;
  const ObjectPrototype = Object.prototype;
  const StringOf = String;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const EvalErrorCtor = EvalError;
  const isFinite = Number.isFinite;
  const MAX_TEXT = 1000;

  // 1. No code generation from strings: eval, Function and the constructors of async, generator
  //    and async generator functions (reachable as (function(){}).constructor etc.) all refuse.
  const refuse = function () {
    throw new EvalErrorCtor("code generation from strings is disabled in the sandbox");
  };
  defineProperty(refuse, "prototype", { value: Function.prototype, writable: false });
  for (const sample of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    defineProperty(getPrototypeOf(sample), "constructor", {
      value: refuse, writable: false, enumerable: false, configurable: false,
    });
  }
  defineProperty(G, "Function", { value: refuse, writable: false, enumerable: false, configurable: false });
  defineProperty(G, "eval", { value: refuse, writable: false, enumerable: false, configurable: false });

  // 2. No shared memory, no GC-observable objects (nondeterminism / timing signals).
  for (const name of ["SharedArrayBuffer", "Atomics", "WeakRef", "FinalizationRegistry"]) delete G[name];

  // 3. A frozen clock: Date.now() and new Date() return the job's start, truncated to the second.
  const RealDate = Date;
  const fixedNow = clockMs;
  const PdxDate = function Date(...args) {
    if (new.target === undefined) return new RealDate(fixedNow).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [fixedNow] : args, new.target);
  };
  defineProperty(PdxDate, "prototype", { value: RealDate.prototype, writable: false });
  defineProperty(PdxDate, "now", { value: function now() { return fixedNow; }, writable: false });
  defineProperty(PdxDate, "parse", { value: RealDate.parse, writable: false });
  defineProperty(PdxDate, "UTC", { value: RealDate.UTC, writable: false });
  defineProperty(RealDate.prototype, "constructor", { value: PdxDate, writable: false, configurable: false });
  defineProperty(G, "Date", { value: PdxDate, writable: false, enumerable: false, configurable: false });

  // 4. Strict JSON encoding: functions, symbols, undefined, bigints, non-finite numbers, cycles,
  //    non-plain objects and "__proto__" keys are refused (JSON.stringify would drop or mangle them).
  function strictReplacer(key, value) {
    if (key === "__proto__") throw new TypeErrorCtor("the key \"__proto__\" is not allowed");
    const kind = typeof value;
    if (kind === "function" || kind === "symbol" || kind === "undefined" || kind === "bigint") {
      throw new TypeErrorCtor("a " + kind + " is not JSON" + (key === "" ? "" : " (at key \"" + key + "\")"));
    }
    if (kind === "number" && !isFinite(value)) {
      throw new TypeErrorCtor("a non-finite number is not JSON" + (key === "" ? "" : " (at key \"" + key + "\")"));
    }
    if (kind === "object" && value !== null && !isArray(value)) {
      const proto = getPrototypeOf(value);
      if (proto !== ObjectPrototype && proto !== null) {
        throw new TypeErrorCtor("only plain objects and arrays are JSON" + (key === "" ? "" : " (at key \"" + key + "\")"));
      }
    }
    return value;
  }
  function encodeJson(value, what) {
    try {
      return jsonStringify(value, strictReplacer);
    } catch (error) {
      const detail = error instanceof ErrorCtor ? StringOf(error.message) : "not JSON";
      throw new TypeErrorCtor(what + " is not JSON: " + detail);
    }
  }
  function noProtoReviver(key, value) {
    if (key === "__proto__") throw new TypeErrorCtor("the key \"__proto__\" is not allowed");
    return value;
  }

  // 5. The pdx object: frozen, one async method per host function; values cross as JSON text only.
  const pdx = {};
  for (const name of jsonParse(hostNamesJson)) {
    const method = async (...args) => {
      const argsJson = encodeJson(args, "the arguments of pdx." + name);
      const resultJson = await hostCall(name, argsJson);
      return jsonParse(resultJson);
    };
    defineProperty(method, "name", { value: name });
    defineProperty(pdx, name, { value: freeze(method), enumerable: true });
  }
  freeze(pdx);

  function cut(text) {
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  }
  function describe(error) {
    try {
      if (error instanceof ErrorCtor) {
        const stack = typeof error.stack === "string" ? error.stack : "";
        return jsonStringify({ name: cut(StringOf(error.name)), message: cut(StringOf(error.message)), stack: cut(stack) });
      }
      let preview;
      try {
        preview = typeof error === "string" ? error : jsonStringify(error);
      } catch {
        preview = undefined;
      }
      if (preview === undefined) preview = typeof error;
      return jsonStringify({ name: "NonError", message: cut("a non-Error value was thrown: " + preview), stack: "" });
    } catch {
      return '{"name":"Error","message":"an error was thrown that could not be described","stack":""}';
    }
  }

  async function run(moduleOrPromise, paramsJson) {
    let logic;
    try {
      const namespace = await moduleOrPromise;
      logic = namespace.default;
    } catch (error) {
      return "er" + describe(error);
    }
    if (typeof logic !== "function") return "cpthe module must export a default function: export default async function (pdx, params) { … }";
    let output;
    try {
      output = await logic(pdx, jsonParse(paramsJson, noProtoReviver));
    } catch (error) {
      return "er" + describe(error);
    }
    let json;
    try {
      json = encodeJson(output, "the output");
    } catch (error) {
      return "er" + describe(error);
    }
    if (json.length > outputLimit) return "ol" + json.length;
    return "ok" + json;
  }

  return freeze({ run, describe });
})
`;

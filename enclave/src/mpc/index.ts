/**
 * Joint aggregates across several enclave nodes by additive secret sharing (design and security
 * model: README.md). What the enclave's app and main wire:
 *
 *   const node = createVaultMpcNode({ config: mpcNodeConfigOf(config, config.ENCLAVE_SIGNING_KEY)!,
 *     vault, log });   // createVaultDataSource({ vault }) + vault.nonceStore(…) + the enclave log
 *   app.use(createMpcRouter(node, { clientAuth: requireSignedRequest({ … }), passErrors: true }));
 * (main.ts and app.ts do exactly this; ZEnclaveConfig includes MPC_ENVIRONMENT.)
 *
 * and the platform starts a job with a signed POST /v1/mpc/jobs to the coordinator node, then
 * polls GET /v1/mpc/jobs/:id there for the protected result.
 */
export {
  createMemoryDataSource,
  type TLocalAggregate,
  type TLocalAggregateRequest,
  type TMemoryDataset,
  type TMpcDataSource,
} from "./data-source";
export { generateMpcKeys, mpcKeysOf, type TMpcKeys, x25519PublicKeyOf } from "./envelope";
export { httpTransport, type TMpcTransport } from "./http-transport";
export { DeliveryError, type TMpcInspector } from "./joint-aggregate-job";
export { type TJointGroupTotals, type TVectorLayout, vectorLayoutOf } from "./joint-vector";
export { MpcNode, type TMpcLogEvent, type TMpcNodeOptions } from "./mpc-node";
export { createMpcRouter, type TMpcRouterOptions } from "./mpc-router";
export {
  MPC_ENVIRONMENT,
  mpcEnvironmentIssues,
  mpcNodeConfigOf,
  parseMpcNodeConfig,
  type TMpcEnvironment,
  type TMpcNodeConfig,
  type TMpcNodeConfigInput,
  type TMpcPeer,
  ZMpcEnvironment,
  ZMpcNodeConfig,
  ZMpcPeer,
} from "./node-config";
export { jointEpsilon, protectJointTotals } from "./release";
export { createVaultDataSource, type TVaultDataSourceOptions } from "./vault-data-source";
export { createVaultMpcNode, type TVaultMpcNodeOptions } from "./vault-node";

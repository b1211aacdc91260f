/**
 * The chain module: the ONE place the server talks to the chain (UsageAnchor over JSON-RPC).
 * Errors are ChainError with a stable code and a user-safe message.
 */
export { createChainClient, type TChainClientOptions } from "./chain-client";
export { ChainError, type TChainErrorCode } from "./chain-error";
export { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "./dev-accounts";
export {
  AUTHORIZATION_CHAIN_STATUSES,
  createRegistriesClient,
  REGISTRATION_CHAIN_STATUSES,
  type TAuthorizationChainStatus,
  type TAuthorizationRecordInput,
  type TOnChainAuthorization,
  type TOnChainRegistration,
  type TRegistrationChainStatus,
  type TRegistrationRecordInput,
  type TRegistriesClient,
  type TRegistriesClientOptions,
  type TRegistryAddresses,
  type TRegistryWriteReceipt,
} from "./registries";
export type { TAnchorReceipt, TChainClient, THex32, TOnChainBatch } from "./types";

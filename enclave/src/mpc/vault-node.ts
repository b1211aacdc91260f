/**
 * The enclave's MPC node as main.ts runs it (and the test enclave, the same way): the node reads
 * its own vault for its local aggregates (vault-data-source.ts: the query planner, the budget
 * ledger), claims every message nonce in the vault's nonce store (so a replayed message is
 * refused across restarts too), and logs its events into the enclave's log through the
 * allow-list of log.ts.
 *
 * With `authorizations` (main.ts always; the test enclave when it is given a registry), every
 * party checks the job's authorization itself before it touches its data (无授权不运行, as for
 * product jobs): the spec must carry one; the node reads it from the chain's AuthorizationRegistry
 * and refuses unless it is active and in term, belongs to the named operator, its scope hash
 * matches the scope the job carries, and that scope covers every field this node reads of its own
 * dataset (check-authorization.ts). The refusal fails the job on every node, naming this node.
 */
import { authorizationChainId } from "@pdx/common/authorization-scope";
import { DEFAULT_REQUEST_WINDOW_MS } from "@pdx/common/signed-request";
import type { TAuthorizationRegistryReader } from "../authorization/authorization-registry";
import { checkAuthorization } from "../authorization/check-authorization";
import { EnclaveError } from "../errors";
import { mpcLogEvent, type TEnclaveLog } from "../log";
import type { Vault } from "../vault/vault";
import type { TMpcInspector } from "./joint-aggregate-job";
import { MpcNode } from "./mpc-node";
import type { TMpcNodeConfig } from "./node-config";
import { createVaultDataSource } from "./vault-data-source";

export interface TVaultMpcNodeOptions {
  config: TMpcNodeConfig;
  vault: Vault;
  log: TEnclaveLog;
  /** FOR TESTS ONLY: sees values that never leave the node (joint-aggregate-job.ts). */
  inspect?: TMpcInspector;
  /** The chain's AuthorizationRegistry: when given, every job's authorization is checked (above). */
  authorizations?: TAuthorizationRegistryReader;
}

/** The authorize hook of the vault data source: the job's claim against the chain, for this node's fields. */
export function mpcAuthorizationCheck(registry: TAuthorizationRegistryReader) {
  return async (
    request: { spec: { authorization?: TAuthorizationClaim }; party: { dataset: string } },
    fieldsTouched: readonly string[],
  ): Promise<void> => {
    const claim = request.spec.authorization;
    if (!claim)
      throw new EnclaveError(
        "AUTHORIZATION_INACTIVE",
        "the job names no authorization (every joint job runs under one); the job was not run",
      );
    const dataset = request.party.dataset;
    const prefix = `${dataset}.`;
    const fieldsRead = fieldsTouched.map((f) => (f.startsWith(prefix) ? f.slice(prefix.length) : f));
    const onChain = await registry.read(authorizationChainId(claim.id));
    checkAuthorization(onChain, claim, { datasetCode: dataset, fieldsRead }, new Date());
  };
}

type TAuthorizationClaim = Parameters<typeof checkAuthorization>[1];

export function createVaultMpcNode(options: TVaultMpcNodeOptions): MpcNode {
  return new MpcNode({
    config: options.config,
    dataSource: createVaultDataSource({
      vault: options.vault,
      ...(options.authorizations ? { authorize: mpcAuthorizationCheck(options.authorizations) } : {}),
    }),
    nonces: options.vault.nonceStore({ windowMs: DEFAULT_REQUEST_WINDOW_MS }),
    windowMs: DEFAULT_REQUEST_WINDOW_MS,
    inspect: options.inspect,
    log: (event) => options.log(mpcLogEvent(event)),
  });
}

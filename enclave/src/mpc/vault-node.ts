/**
 * The enclave's MPC node as main.ts runs it (and the test enclave, the same way): the node reads
 * its own vault for its local aggregates (vault-data-source.ts: the query planner, the budget
 * ledger), claims every message nonce in the vault's nonce store (so a replayed message is
 * refused across restarts too), and logs its events into the enclave's log through the
 * allow-list of log.ts.
 */
import { DEFAULT_REQUEST_WINDOW_MS } from "@pdx/common/signed-request";
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
}

export function createVaultMpcNode(options: TVaultMpcNodeOptions): MpcNode {
  return new MpcNode({
    config: options.config,
    dataSource: createVaultDataSource({ vault: options.vault }),
    nonces: options.vault.nonceStore({ windowMs: DEFAULT_REQUEST_WINDOW_MS }),
    windowMs: DEFAULT_REQUEST_WINDOW_MS,
    inspect: options.inspect,
    log: (event) => options.log(mpcLogEvent(event)),
  });
}

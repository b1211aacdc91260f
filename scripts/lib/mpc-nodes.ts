/**
 * The demo's MPC nodes, as the launcher starts them: one enclave process per party of the
 * joint-statistics product (products/dept-monthly-coverage: tax, social, health), each with its own
 * PGlite vault, ed25519 key, X25519 key, data directory and port, each generating its department's
 * dataset on first start (ENCLAVE_GENERATED_DATASETS). Ports: MPC_PORT + i and
 * MPC_VAULT_PG_PORT + i, in the product's party order.
 */
import { deptMonthlyCoverageManifest } from "../../products/dept-monthly-coverage/manifest";

/** Generated rows of each node's dataset (tests recompute the plaintext from the same rows). */
export const MPC_DEMO_ROWS = 4000;

export interface TDemoMpcNode {
  nodeId: string;
  dataset: { code: string; version: string; rows: number };
}

export const DEMO_MPC_NODES: readonly TDemoMpcNode[] =
  deptMonthlyCoverageManifest.deliveryForm === "joint_statistics"
    ? deptMonthlyCoverageManifest.logic.parties.map((p) => ({
        nodeId: p.node,
        dataset: { code: p.datasetCode, version: p.version, rows: MPC_DEMO_ROWS },
      }))
    : [];

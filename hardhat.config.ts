/**
 * Hardhat 3 configuration: contracts in contracts/, Mocha tests in test/contracts/.
 *
 * Works offline: solc comes from the npm `solc` package (solcjs WASM, same version as below)
 * instead of Hardhat's compiler download.
 */
import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** Must equal the version of the npm `solc` package (root package.json). */
const SOLC_VERSION = "0.8.37";

/**
 * EVM target, pinned. The production target is a permissioned Hyperledger Besu QBFT network,
 * whose EVM rules are whatever milestones its genesis enables (Besu ≥ 24.1 supports
 * `cancunTime` on QBFT networks). "cancun" is the newest target that is safe there:
 * - OpenZeppelin 5.7 needs at least Cancun for parts of the library (MCOPY in Bytes/Memory,
 *   TLOAD/TSTORE in TransientSlot/ReentrancyGuardTransient), so anything older would rule those out;
 * - "prague" gives solc no new opcode (Pectra only adds precompiles and EIP-7702), so its
 *   bytecode is the same as Cancun's but would be refused by tooling on Cancun-only networks;
 * - "osaka" (solc's default) may emit CLZ, which a QBFT network only runs once its genesis
 *   enables `osakaTime` — not something to assume of a consortium chain.
 * Cancun bytecode also runs unchanged on Prague/Osaka chains. The local dev chains below run
 * the same hardfork so tests execute exactly the EVM rules production will.
 */
const EVM_VERSION = "cancun";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test/contracts" },
  },
  networks: {
    // In-process chain used by `hardhat test mocha`.
    default: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION },
    // Chain served by `hardhat node` (scripts/lib/dev-chain.ts).
    node: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION },
    // Like a Besu network with `zeroBaseFee`: lets tests send zero-priced transactions from an
    // account without any native coin (`hardhat --network zeroFee node`, startDevChain's `network`).
    zeroFee: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION, initialBaseFeePerGas: 0 },
  },
});

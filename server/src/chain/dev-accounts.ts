/**
 * Hardhat's well-known default account #0 (address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266),
 * derived from the public test mnemonic "test test … junk" and funded on every local Hardhat
 * chain. Public knowledge: use it ONLY against the local dev chain, never on a real network.
 */
export const DEV_CHAIN_ACCOUNT0_PRIVATE_KEY =
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

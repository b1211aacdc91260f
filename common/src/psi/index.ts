/**
 * Private set intersection, the parts both sides and browsers share (no node: imports here):
 * normalization, the group, tags, the wire contract, the libsodium engine and the buyer client.
 * Node engines: import "@pdx/common/psi/node-curve" or "@pdx/common/psi/node-curve-pool".
 */
export * from "./buyer";
export * from "./curve";
export * from "./group";
export * from "./normalize";
export * from "./sodium-curve";
export * from "./tags";
export * from "./wire";

export * from "./canonical-json";
export * from "./ed25519";
export * from "./enclave-api";
export * from "./hash";
export * from "./merkle";
export * from "./receipt";
export * from "./signed-request";
export * from "./uscc";

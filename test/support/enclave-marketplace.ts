/**
 * The marketplace wired to a real enclave, for end-to-end integration tests: a dev chain with the
 * AuthorizationRegistry, a test enclave that checks jobs against it, and the server test kit whose
 * enclave client signs with a key that enclave trusts. The seeded demo authorizations are written
 * to the chain before the tests start (the chain-write outbox must drain without a failure).
 */
import { startTestEnclave, type TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { processChainWrites } from "../../server/src/domain/chain-writes/outbox";
import { createEnclaveClient } from "../../server/src/enclave-client";
import { createServerTestKit, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import { startAuthorizationChain, type TAuthorizationChain } from "./authorization-chain";

export interface TEnclaveMarketplace {
  authChain: TAuthorizationChain;
  enclave: TTestEnclave;
  kit: TServerTestKit;
  stop(): Promise<void>;
}

/** Starts the three parts (see the module comment); `seedCount` LE-BASE rows in the vault. */
export async function startEnclaveMarketplace(
  options: { seedCount?: number } = {},
): Promise<TEnclaveMarketplace> {
  const authChain = await startAuthorizationChain();
  const enclave = await startTestEnclave({
    authorizationRegistry: authChain.readerOptions,
    ...(options.seedCount ? { seedCount: options.seedCount } : {}),
  });
  const kit = await createServerTestKit({
    registries: authChain.registries,
    enclavePublicKey: enclave.enclaveKeys.publicKey,
    enclave: createEnclaveClient({
      baseUrl: enclave.url,
      serverSigningKey: enclave.clientKeys.secretKey,
      enclavePublicKey: enclave.enclaveKeys.publicKey,
    }),
  });
  const written = await processChainWrites(kit.db, authChain.registries, { limit: 1000 });
  if (written.failed !== null || written.pending !== 0)
    throw new Error(`the demo authorizations could not be written to the chain: ${JSON.stringify(written)}`);
  return {
    authChain,
    enclave,
    kit,
    async stop() {
      await kit.close();
      await Promise.all([enclave.stop(), authChain.stop()]);
    },
  };
}

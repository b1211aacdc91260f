/**
 * The registries client: the server's one way to write and read CatalogRegistry and
 * AuthorizationRegistry (contracts/), over ethers v6 with the same connection rules as the
 * UsageAnchor client (chain-client.ts: chain id probed once then static, no response cache, no
 * batching, writes serialized on one nonce sequence, fees from fee-policy.ts).
 *
 * Every write reads first so it is idempotent: recording a record that is already on chain with
 * the same content, or setting the status it already has, sends nothing and returns the receipt
 * of the transaction that wrote it (found through the contract's events). Writes resolve after 1
 * confirmation. Ids and hashes follow common/src/authorization-scope.ts. Errors are ChainError.
 */
import {
  authorizationChainId,
  datasetCodeChainHash,
  orgChainId,
  registrationChainId,
} from "@pdx/common/authorization-scope";
import { Contract, type EventLog, getAddress, Interface, type InterfaceAbi, isError, type Log } from "ethers";
import {
  CANNOT_PAY,
  CannotPay,
  checkHex32,
  feeOverridesFor,
  isInsufficientFunds,
  notConfirmed,
  openConnection,
  parseAddress,
  parsePrivateKey,
  parseRpcUrl,
  type TConnection,
} from "./chain-client";
import { ChainError, errorLabel, isUnreachable, unreachable } from "./chain-error";
import { isRegistryCode, loadRegistryArtifact, type TRegistryContractName } from "./registries-artifacts";
import type { THex32 } from "./types";

const CONFIRM_TIMEOUT_MS = 60_000;
const UINT64_MAX = (1n << 64n) - 1n;
const ZERO32 = `0x${"00".repeat(32)}`;
/** Longest term both contracts accept: 5 × 365 days + 2 leap days (their MAX_TERM). */
export const REGISTRY_MAX_TERM_SECONDS = (5 * 365 + 2) * 86_400;

/** On-chain status of a registration (CatalogRegistry.RegistrationStatus; index = enum value). */
export const REGISTRATION_CHAIN_STATUSES = [
  "none",
  "coded",
  "superseded",
  "deregistered",
  "expired",
] as const;
export type TRegistrationChainStatus = Exclude<(typeof REGISTRATION_CHAIN_STATUSES)[number], "none">;

/** On-chain status of an authorization (AuthorizationRegistry.AuthorizationStatus; index = enum value). */
export const AUTHORIZATION_CHAIN_STATUSES = ["none", "active", "suspended", "revoked"] as const;
export type TAuthorizationChainStatus = Exclude<(typeof AUTHORIZATION_CHAIN_STATUSES)[number], "none">;

export interface TRegistriesClientOptions {
  /** JSON-RPC endpoint (http/https). */
  rpcUrl: string;
  /** 0x-prefixed 32-byte hex key of an account with REGISTRAR_ROLE on both registries. */
  privateKey: string;
  catalogRegistryAddress: string;
  authorizationRegistryAddress: string;
}

export interface TRegistryAddresses {
  catalogRegistry: string;
  authorizationRegistry: string;
}

/** Where a record or status change is on chain. */
export interface TRegistryWriteReceipt {
  txHash: string;
  blockNumber: number;
  contractAddress: string;
  /** Decimal chain id, e.g. "31337". */
  chainId: string;
  /** True when nothing was sent: the chain already held it (the receipt is of the transaction that wrote it). */
  alreadyOnChain: boolean;
}

export interface TRegistrationRecordInput {
  /** Registration uuid (its chain id is keccak256("registration:" + uuid)). */
  registrationId: string;
  datasetCode: string;
  /** The source department's organization id. */
  sourceOrgId: string;
  /** 32-byte hash of the registered entry (the registration's entry_hash), 0x-hex. */
  entryHash: THex32;
  validFrom: Date;
  validUntil: Date;
}

export interface TAuthorizationRecordInput {
  /** Authorization uuid (its chain id is keccak256("authorization:" + uuid)). */
  authorizationId: string;
  operatorOrgId: string;
  scenarioHash: THex32;
  scopeHash: THex32;
  validFrom: Date;
  validUntil: Date;
}

interface TOnChainRecordBase {
  /** bytes32 id on chain. */
  id: THex32;
  validFrom: Date;
  validUntil: Date;
  recordedAt: Date;
  statusChangedAt: Date;
  recordedBy: string;
}

export interface TOnChainRegistration extends TOnChainRecordBase {
  datasetCodeHash: THex32;
  sourceId: THex32;
  entryHash: THex32;
  status: TRegistrationChainStatus;
}

export interface TOnChainAuthorization extends TOnChainRecordBase {
  operatorId: THex32;
  scenarioHash: THex32;
  scopeHash: THex32;
  status: TAuthorizationChainStatus;
}

export interface TRegistriesClient {
  /** Decimal chain id of the connected chain. */
  chainId(): Promise<string>;
  /** The registry addresses this client writes to. */
  readonly addresses: TRegistryAddresses;
  recordRegistration(input: TRegistrationRecordInput): Promise<TRegistryWriteReceipt>;
  setRegistrationStatus(
    registrationId: string,
    status: Exclude<TRegistrationChainStatus, "coded">,
  ): Promise<TRegistryWriteReceipt>;
  recordAuthorization(input: TAuthorizationRecordInput): Promise<TRegistryWriteReceipt>;
  setAuthorizationStatus(
    authorizationId: string,
    status: TAuthorizationChainStatus,
  ): Promise<TRegistryWriteReceipt>;
  /** The registration as recorded on chain, or null when its id is not recorded. */
  getRegistration(registrationId: string): Promise<TOnChainRegistration | null>;
  /** The authorization as recorded on chain, or null when its id is not recorded. */
  getAuthorization(authorizationId: string): Promise<TOnChainAuthorization | null>;
  /** Releases the connection. The client must not be used afterwards. */
  close(): Promise<void>;
}

/** What differs between the two registries; everything else is shared. */
interface TRegistrySpec {
  name: TRegistryContractName;
  address: string;
  recordFn: string;
  statusFn: string;
  getFn: string;
  recordedEvent: string;
  statusEvent: string;
  statuses: readonly string[];
  /** The status a record has right after recording. */
  initialStatus: string;
  /** Noun for messages. */
  noun: string;
}

/** Creates a registries client. Nothing is contacted until the first call. */
export function createRegistriesClient(opts: TRegistriesClientOptions): TRegistriesClient {
  const rpcUrl = parseRpcUrl(opts.rpcUrl);
  const signingKey = parsePrivateKey(opts.privateKey);
  const catalog: TRegistrySpec = {
    name: "CatalogRegistry",
    address: parseAddress(opts.catalogRegistryAddress, "catalogRegistryAddress"),
    recordFn: "recordRegistration",
    statusFn: "setRegistrationStatus",
    getFn: "getRegistration",
    recordedEvent: "RegistrationRecorded",
    statusEvent: "RegistrationStatusChanged",
    statuses: REGISTRATION_CHAIN_STATUSES,
    initialStatus: "coded",
    noun: "registration",
  };
  const authorizations: TRegistrySpec = {
    name: "AuthorizationRegistry",
    address: parseAddress(opts.authorizationRegistryAddress, "authorizationRegistryAddress"),
    recordFn: "recordAuthorization",
    statusFn: "setAuthorizationStatus",
    getFn: "getAuthorization",
    recordedEvent: "AuthorizationRecorded",
    statusEvent: "AuthorizationStatusChanged",
    statuses: AUTHORIZATION_CHAIN_STATUSES,
    initialStatus: "active",
    noun: "authorization",
  };
  const interfaces = {
    CatalogRegistry: new Interface(loadRegistryArtifact("CatalogRegistry").abi as InterfaceAbi),
    AuthorizationRegistry: new Interface(loadRegistryArtifact("AuthorizationRegistry").abi as InterfaceAbi),
  } satisfies Record<TRegistryContractName, Interface>;
  /** Addresses already confirmed to hold the expected code. */
  const verified = new Set<string>();
  let connecting: Promise<TConnection> | undefined;
  let closed = false;
  let writeQueue: Promise<unknown> = Promise.resolve();

  function connect(): Promise<TConnection> {
    if (closed) return Promise.reject(new ChainError("CLIENT_CLOSED", "the registries client is closed"));
    if (connecting) return connecting;
    const attempt = openConnection(rpcUrl, signingKey);
    connecting = attempt;
    // A failed attempt is forgotten so the next call tries again (the chain may come up later).
    attempt.catch(() => {
      if (connecting === attempt) connecting = undefined;
    });
    return attempt;
  }

  /** Runs writes one after another (one nonce sequence per client). */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = writeQueue.then(work, work);
    writeQueue = run.catch(() => undefined);
    return run;
  }

  async function contractOf(conn: TConnection, spec: TRegistrySpec): Promise<Contract> {
    if (!verified.has(spec.address)) {
      const code = await conn.provider.getCode(spec.address);
      if (!isRegistryCode(spec.name, code)) throw contractMissing(spec);
      verified.add(spec.address);
    }
    return new Contract(spec.address, interfaces[spec.name], conn.wallet);
  }

  async function readRaw(conn: TConnection, spec: TRegistrySpec, id: string): Promise<TRawRecord | null> {
    const contract = await contractOf(conn, spec);
    const raw = toRawRecord(await contract.getFunction(spec.getFn).staticCall(id));
    return raw.status === 0 ? null : raw;
  }

  /** The latest event of `eventName` for `id` accepted by `matches`, as a receipt. */
  async function receiptFromEvents(
    conn: TConnection,
    spec: TRegistrySpec,
    id: string,
    eventName: string,
    matches: (log: EventLog) => boolean = () => true,
  ): Promise<TRegistryWriteReceipt | null> {
    const contract = await contractOf(conn, spec);
    const logs = (await contract.queryFilter(contract.filters[eventName]!(id), 0, "latest")).filter(
      (l): l is EventLog => "args" in l && matches(l),
    );
    const last = logs.at(-1);
    if (!last) return null;
    return {
      txHash: last.transactionHash.toLowerCase(),
      blockNumber: last.blockNumber,
      contractAddress: spec.address,
      chainId: conn.chainId,
      alreadyOnChain: true,
    };
  }

  /** Sends `fn(args)` and waits for 1 confirmation; insists on `expectedEvent` in the receipt. */
  async function send(
    conn: TConnection,
    spec: TRegistrySpec,
    fn: string,
    args: readonly unknown[],
    expectedEvent: string,
    doing: string,
  ): Promise<TRegistryWriteReceipt> {
    const contract = await contractOf(conn, spec);
    let txHash: string | undefined;
    try {
      const tx = await contract.getFunction(fn).send(...args, await feeOverridesFor(conn));
      txHash = tx.hash;
      const receipt = await tx.wait(1, CONFIRM_TIMEOUT_MS);
      if (receipt?.status !== 1) {
        throw new ChainError("TX_FAILED", `${doing} failed: the transaction reverted`, { txHash });
      }
      // A transaction to an address without code "succeeds" doing nothing: insist on the event.
      const evented = receipt.logs.some((log: Log) => {
        if (getAddress(log.address) !== spec.address) return false;
        return contract.interface.parseLog(log)?.name === expectedEvent;
      });
      if (!evented) {
        verified.delete(spec.address);
        throw contractMissing(spec);
      }
      return {
        txHash: receipt.hash.toLowerCase(),
        blockNumber: receipt.blockNumber,
        contractAddress: spec.address,
        chainId: conn.chainId,
        alreadyOnChain: false,
      };
    } catch (err) {
      throw (
        revertToChainError(err, interfaces[spec.name], doing, txHash) ??
        notConfirmed(err, doing, txHash) ??
        asChainError(err, spec, doing, "write")
      );
    }
  }

  function asChainError(
    err: unknown,
    spec: TRegistrySpec,
    doing: string,
    kind: "read" | "write",
  ): ChainError {
    if (err instanceof ChainError) return err;
    if (isUnreachable(err)) return unreachable(rpcUrl, err);
    // An empty answer where the contract should reply: its code is gone (the chain was reset).
    if (isError(err, "BAD_DATA")) {
      verified.delete(spec.address);
      return contractMissing(spec);
    }
    if (kind === "read") {
      return new ChainError("CALL_FAILED", `${doing} failed on chain`, { detail: errorLabel(err) });
    }
    if (isError(err, "INSUFFICIENT_FUNDS") || isInsufficientFunds(err) || err instanceof CannotPay) {
      return new ChainError("TX_FAILED", `${doing} was refused: ${CANNOT_PAY}`, {
        detail: err instanceof CannotPay ? "ZERO_BALANCE" : "INSUFFICIENT_FUNDS",
      });
    }
    return new ChainError("TX_FAILED", `${doing} failed: the transaction was refused or reverted`, {
      detail: errorLabel(err),
    });
  }

  /**
   * Records unless the same record is there already. `same` compares the stored record with
   * what would be written; a different stored record is a RECORD_CONFLICT.
   */
  function recordOnce(
    spec: TRegistrySpec,
    id: string,
    args: readonly unknown[],
    same: (stored: TRawRecord) => boolean,
    doing: string,
  ): Promise<TRegistryWriteReceipt> {
    return serialized(async () => {
      try {
        const conn = await connect();
        const stored = await readRaw(conn, spec, id);
        if (stored) {
          if (!same(stored)) {
            throw new ChainError(
              "RECORD_CONFLICT",
              `${doing}: the ${spec.name} already holds this ${spec.noun} with different content`,
            );
          }
          const found = await receiptFromEvents(conn, spec, id, spec.recordedEvent);
          if (!found) throw eventsMissing(spec, doing);
          return found;
        }
        return await send(conn, spec, spec.recordFn, [id, ...args], spec.recordedEvent, doing);
      } catch (err) {
        throw asChainError(err, spec, doing, "write");
      }
    });
  }

  /** Sets the status unless it is already set; the contract decides which changes are allowed. */
  function setStatusOnce(spec: TRegistrySpec, id: string, status: string, doing: string) {
    const value = spec.statuses.indexOf(status);
    if (value < 1) throw new ChainError("INVALID_ARGUMENT", `${status} is not a ${spec.noun} status`);
    return serialized(async () => {
      try {
        const conn = await connect();
        const stored = await readRaw(conn, spec, id);
        if (!stored) {
          throw new ChainError(
            "RECORD_MISSING",
            `${doing}: the ${spec.name} holds no such ${spec.noun}; it must be recorded first`,
          );
        }
        if (stored.status === value) {
          const changed = await receiptFromEvents(
            conn,
            spec,
            id,
            spec.statusEvent,
            (l) => Number(l.args[2]) === value,
          );
          const found =
            changed ??
            (status === spec.initialStatus
              ? await receiptFromEvents(conn, spec, id, spec.recordedEvent)
              : null);
          if (!found) throw eventsMissing(spec, doing);
          return found;
        }
        return await send(conn, spec, spec.statusFn, [id, value], spec.statusEvent, doing);
      } catch (err) {
        throw asChainError(err, spec, doing, "write");
      }
    });
  }

  async function read<T>(spec: TRegistrySpec, id: string, doing: string, map: (raw: TRawRecord) => T) {
    try {
      const conn = await connect();
      const raw = await readRaw(conn, spec, id);
      return raw ? map(raw) : null;
    } catch (err) {
      throw asChainError(err, spec, doing, "read");
    }
  }

  return {
    addresses: { catalogRegistry: catalog.address, authorizationRegistry: authorizations.address },

    async chainId() {
      try {
        return (await connect()).chainId;
      } catch (err) {
        throw asChainError(err, catalog, "reading the chain id", "read");
      }
    },

    async recordRegistration(input) {
      const id = registrationChainId(checkUuid(input.registrationId, "registrationId"));
      const datasetCodeHash = chainHash(() => datasetCodeChainHash(input.datasetCode), "datasetCode");
      const sourceId = orgChainId(checkOrgId(input.sourceOrgId, "sourceOrgId"));
      const entryHash = checkNonZeroHex32(input.entryHash, "entryHash");
      const [validFrom, validUntil] = checkTerm(input.validFrom, input.validUntil);
      return recordOnce(
        catalog,
        id,
        [datasetCodeHash, sourceId, entryHash, validFrom, validUntil],
        (s) =>
          s.hashes[0] === datasetCodeHash &&
          s.hashes[1] === sourceId &&
          s.hashes[2] === entryHash &&
          s.validFrom === validFrom &&
          s.validUntil === validUntil,
        `recording registration ${input.registrationId}`,
      );
    },

    async setRegistrationStatus(registrationId, status) {
      const id = registrationChainId(checkUuid(registrationId, "registrationId"));
      if (!["superseded", "deregistered", "expired"].includes(status)) {
        throw new ChainError(
          "INVALID_ARGUMENT",
          "a registration's status can only become superseded, deregistered or expired",
        );
      }
      return setStatusOnce(catalog, id, status, `setting registration ${registrationId} to ${status}`);
    },

    async recordAuthorization(input) {
      const id = authorizationChainId(checkUuid(input.authorizationId, "authorizationId"));
      const operatorId = orgChainId(checkOrgId(input.operatorOrgId, "operatorOrgId"));
      const scenarioHash = checkNonZeroHex32(input.scenarioHash, "scenarioHash");
      const scopeHash = checkNonZeroHex32(input.scopeHash, "scopeHash");
      const [validFrom, validUntil] = checkTerm(input.validFrom, input.validUntil);
      return recordOnce(
        authorizations,
        id,
        [operatorId, scenarioHash, scopeHash, validFrom, validUntil],
        (s) =>
          s.hashes[0] === operatorId &&
          s.hashes[1] === scenarioHash &&
          s.hashes[2] === scopeHash &&
          s.validFrom === validFrom &&
          s.validUntil === validUntil,
        `recording authorization ${input.authorizationId}`,
      );
    },

    async setAuthorizationStatus(authorizationId, status) {
      const id = authorizationChainId(checkUuid(authorizationId, "authorizationId"));
      return setStatusOnce(
        authorizations,
        id,
        status,
        `setting authorization ${authorizationId} to ${status}`,
      );
    },

    async getRegistration(registrationId) {
      const id = registrationChainId(checkUuid(registrationId, "registrationId"));
      return read(catalog, id, `reading registration ${registrationId}`, (raw) => ({
        ...baseOf(id, raw),
        datasetCodeHash: raw.hashes[0],
        sourceId: raw.hashes[1],
        entryHash: raw.hashes[2],
        status: statusName(REGISTRATION_CHAIN_STATUSES, raw.status) as TRegistrationChainStatus,
      }));
    },

    async getAuthorization(authorizationId) {
      const id = authorizationChainId(checkUuid(authorizationId, "authorizationId"));
      return read(authorizations, id, `reading authorization ${authorizationId}`, (raw) => ({
        ...baseOf(id, raw),
        operatorId: raw.hashes[0],
        scenarioHash: raw.hashes[1],
        scopeHash: raw.hashes[2],
        status: statusName(AUTHORIZATION_CHAIN_STATUSES, raw.status) as TAuthorizationChainStatus,
      }));
    },

    async close() {
      closed = true;
      const pending = connecting;
      connecting = undefined;
      if (!pending) return;
      try {
        (await pending).provider.destroy();
      } catch {
        // Never connected: nothing to release.
      }
    },
  };
}

/** Both structs share one layout: three bytes32, the term, status, times and recorder. */
interface TRawRecord {
  hashes: [THex32, THex32, THex32];
  validFrom: bigint;
  validUntil: bigint;
  status: number;
  recordedAt: bigint;
  statusChangedAt: bigint;
  recordedBy: string;
}

function toRawRecord(result: unknown): TRawRecord {
  const r = result as readonly unknown[];
  const hex = (v: unknown) => {
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v)) {
      throw new ChainError("CALL_FAILED", "the registry returned a malformed record");
    }
    return v.toLowerCase() as THex32;
  };
  const big = (v: unknown) => {
    if (typeof v !== "bigint")
      throw new ChainError("CALL_FAILED", "the registry returned a malformed record");
    return v;
  };
  return {
    hashes: [hex(r[0]), hex(r[1]), hex(r[2])],
    validFrom: big(r[3]),
    validUntil: big(r[4]),
    status: Number(big(r[5])),
    recordedAt: big(r[6]),
    statusChangedAt: big(r[7]),
    recordedBy: getAddress(String(r[8])),
  };
}

function baseOf(id: THex32, raw: TRawRecord): TOnChainRecordBase {
  const date = (s: bigint) => new Date(Number(s) * 1000);
  return {
    id,
    validFrom: date(raw.validFrom),
    validUntil: date(raw.validUntil),
    recordedAt: date(raw.recordedAt),
    statusChangedAt: date(raw.statusChangedAt),
    recordedBy: raw.recordedBy,
  };
}

function statusName(statuses: readonly string[], value: number): string {
  const name = statuses[value];
  if (!name || value === 0)
    throw new ChainError("CALL_FAILED", `the registry returned an unknown status ${value}`);
  return name;
}

/** Maps the registries' own reverts to specific ChainErrors (undefined for anything else). */
function revertToChainError(
  err: unknown,
  contractInterface: Interface,
  doing: string,
  txHash?: string,
): ChainError | undefined {
  if (!isError(err, "CALL_EXCEPTION")) return undefined;
  let revert: { name: string; args: readonly unknown[] } | null = err.revert ?? null;
  if (!revert && err.data) {
    try {
      revert = contractInterface.parseError(err.data);
    } catch {
      revert = null;
    }
  }
  if (!revert) return undefined;
  const extra = { detail: revert.name, txHash };
  const what = revert.name.replace(/^(CatalogRegistry|AuthorizationRegistry)/, "");
  switch (what) {
    case "AlreadyRecorded":
      return new ChainError("RECORD_CONFLICT", `${doing}: the id is already recorded on chain`, extra);
    case "UnknownId":
      return new ChainError("RECORD_MISSING", `${doing}: the id is not recorded on chain`, extra);
    case "InvalidStatusTransition":
      return new ChainError(
        "INVALID_STATUS_TRANSITION",
        `${doing}: the registry does not allow this status change from the current status`,
        extra,
      );
    case "ZeroId":
    case "ZeroValue":
    case "InvalidTerm":
    case "TermTooLong":
      return new ChainError("INVALID_ARGUMENT", `${doing}: the registry refused the values (${what})`, extra);
    case "AccessControlUnauthorizedAccount":
      return new ChainError(
        "NOT_AUTHORIZED",
        `${doing}: the signing account ${String(revert.args[0])} lacks REGISTRAR_ROLE on the registry`,
        extra,
      );
    default:
      return new ChainError("TX_FAILED", `${doing} was rejected by the contract`, extra);
  }
}

function contractMissing(spec: TRegistrySpec): ChainError {
  return new ChainError(
    "CONTRACT_MISSING",
    `no ${spec.name} contract at ${spec.address} on this chain (was the chain reset?); deploy the registries again`,
  );
}

function eventsMissing(spec: TRegistrySpec, doing: string): ChainError {
  return new ChainError(
    "CALL_FAILED",
    `${doing}: the ${spec.name} holds it but the event that wrote it was not found`,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkUuid(value: string, what: string): string {
  if (typeof value !== "string" || !UUID.test(value)) {
    throw new ChainError("INVALID_ARGUMENT", `${what} must be a uuid`);
  }
  return value;
}

function checkOrgId(value: string, what: string): string {
  if (typeof value !== "string" || value.length < 1 || value.length > 100) {
    throw new ChainError("INVALID_ARGUMENT", `${what} must be an organization id`);
  }
  return value;
}

function chainHash(compute: () => THex32, what: string): THex32 {
  try {
    return compute();
  } catch {
    throw new ChainError("INVALID_ARGUMENT", `${what} is malformed`);
  }
}

function checkNonZeroHex32(value: string, what: string): THex32 {
  checkHex32(value, what);
  const lower = value.toLowerCase() as THex32;
  if (lower === ZERO32) throw new ChainError("INVALID_ARGUMENT", `${what} must not be zero`);
  return lower;
}

/** Unix seconds of the term; refuses an empty, reversed or longer-than-MAX_TERM term. */
function checkTerm(validFrom: Date, validUntil: Date): [bigint, bigint] {
  const seconds = (d: Date, what: string) => {
    if (!(d instanceof Date) || Number.isNaN(d.getTime()) || d.getTime() < 0) {
      throw new ChainError("INVALID_ARGUMENT", `${what} must be a valid date`);
    }
    const s = BigInt(Math.floor(d.getTime() / 1000));
    if (s > UINT64_MAX) throw new ChainError("INVALID_ARGUMENT", `${what} is out of range`);
    return s;
  };
  const from = seconds(validFrom, "validFrom");
  const until = seconds(validUntil, "validUntil");
  if (until <= from) throw new ChainError("INVALID_ARGUMENT", "validUntil must be after validFrom");
  if (until - from > BigInt(REGISTRY_MAX_TERM_SECONDS)) {
    throw new ChainError("INVALID_ARGUMENT", "the term must not exceed 5 years (1827 days)");
  }
  return [from, until];
}

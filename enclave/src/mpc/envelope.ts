/**
 * The envelope of every node-to-node message of a joint job: encrypted to the recipient, signed by
 * the sender. Pure crypto over bytes (node:crypto for X25519, HKDF, AES-GCM and bulk SHA-256; the
 * project's ed25519 module for signatures); no transport.
 *
 * Frame (common/src/mpc-api.ts): u32 BE header length ‖ header JSON ‖ sealed payload.
 * Sealed payload: ephemeral X25519 public key (32) ‖ IV (12) ‖ AES-256-GCM ciphertext ‖ tag (16).
 *   key = HKDF-SHA256(X25519(ephemeral secret, recipient's static public key),
 *                     salt = ephemeral public ‖ recipient public, info = "PDX-MPC-1 payload key")
 *   AAD = "PDX-MPC-1\n<job>\n<round>\n<sender>\n<recipient>", so a payload cannot be replayed
 *   into another job, round or pair. Only the recipient's static X25519 secret opens it (ECIES with
 *   a fresh ephemeral key per message: a later leak of the sender's keys does not open old shares).
 * Header: job, round, sender, recipient, time, nonce and the SHA-256 of the sealed payload, signed
 * with the sender's ed25519 key. The receiver checks, in order: frame shape, recipient is itself,
 * sender is a configured peer, time inside the window, payload hash, signature — and then (the
 * node, with its nonce store) that the nonce is new — before it decrypts.
 *
 * Why both: the signature authenticates the sender to the recipient (ECIES alone does not: anyone
 * can encrypt to a public key); the encryption keeps shares unreadable by anyone else on the path,
 * TLS or not, including proxies that terminate TLS.
 *
 * Signatures use node:crypto's ed25519 (RFC 8032, the same keys and signatures as
 * common/src/ed25519.ts, which uses @noble/curves for the browser): a job sends about n² messages,
 * and noble's verify (~1.7 ms) made signing the largest fixed cost of a small job.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { generateKeyPair, publicKeyOf } from "@pdx/common/ed25519";
import {
  MPC_PROTOCOL,
  mpcSignedText,
  type TMpcEnvelopeHeader,
  type TMpcRound,
  ZMpcEnvelopeHeader,
} from "@pdx/common/mpc-api";
import { SignedRequestError } from "@pdx/common/signed-request";
import { EnclaveError } from "../errors";

const MAX_HEADER_BYTES = 4096;
const EPHEMERAL_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");
const HEX32 = /^[0-9a-f]{64}$/;

type TKeyKind = "ed25519-secret" | "ed25519-public" | "x25519-secret" | "x25519-public";
const DER: Readonly<Record<TKeyKind, { prefix: Buffer; type: "pkcs8" | "spki" }>> = {
  "ed25519-secret": { prefix: PKCS8_ED25519, type: "pkcs8" },
  "ed25519-public": { prefix: SPKI_ED25519, type: "spki" },
  "x25519-secret": { prefix: PKCS8_X25519, type: "pkcs8" },
  "x25519-public": { prefix: SPKI_X25519, type: "spki" },
};

/**
 * KeyObjects by hex key: a node uses its own two keys and its peers' public keys for every
 * message. Only keys this process was configured with land here (bounded, never logged).
 */
const keyCache = new Map<string, KeyObject>();
function cachedKey(kind: TKeyKind, hex: string): KeyObject {
  const id = `${kind}:${hex}`;
  let key = keyCache.get(id);
  if (!key) {
    if (!HEX32.test(hex)) throw new TypeError(`an ${kind.split("-")[0]} key is 64 lowercase hex characters`);
    const { prefix, type } = DER[kind];
    const der = Buffer.concat([prefix, Buffer.from(hex, "hex")]);
    key =
      type === "pkcs8"
        ? createPrivateKey({ key: der, format: "der", type })
        : createPublicKey({ key: der, format: "der", type });
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** An ed25519 signature (hex) of a UTF-8 text. */
export function signText(text: string, secretKeyHex: string): string {
  return sign(null, Buffer.from(text, "utf8"), cachedKey("ed25519-secret", secretKeyHex)).toString("hex");
}

/** Whether `signatureHex` is a valid ed25519 signature of the text by the key; never throws. */
export function verifyText(text: string, signatureHex: string, publicKeyHex: string): boolean {
  try {
    if (!/^[0-9a-f]{128}$/.test(signatureHex)) return false;
    return verify(
      null,
      Buffer.from(text, "utf8"),
      cachedKey("ed25519-public", publicKeyHex),
      Buffer.from(signatureHex, "hex"),
    );
  } catch {
    return false;
  }
}

/** A node's key material: ed25519 to sign, X25519 to receive encrypted payloads (hex, 32 bytes each). */
export interface TMpcKeys {
  signingKey: string;
  signingPublicKey: string;
  encryptionKey: string;
  encryptionPublicKey: string;
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" }).subarray(SPKI_X25519.length);
}

const publicOfSecret = new Map<string, string>();

/** The X25519 public key (hex) of a secret key (hex). */
export function x25519PublicKeyOf(secretHex: string): string {
  let pub = publicOfSecret.get(secretHex);
  if (!pub) {
    pub = rawPublic(createPublicKey(cachedKey("x25519-secret", secretHex))).toString("hex");
    if (publicOfSecret.size > 100) publicOfSecret.clear();
    publicOfSecret.set(secretHex, pub);
  }
  return pub;
}

/** Fresh keys for a node. */
export function generateMpcKeys(): TMpcKeys {
  const signing = generateKeyPair();
  const { privateKey } = generateKeyPairSync("x25519");
  const encryptionKey = privateKey
    .export({ format: "der", type: "pkcs8" })
    .subarray(PKCS8_X25519.length)
    .toString("hex");
  return {
    signingKey: signing.secretKey,
    signingPublicKey: signing.publicKey,
    encryptionKey,
    encryptionPublicKey: x25519PublicKeyOf(encryptionKey),
  };
}

/** Keys from the two secrets (public halves derived). */
export function mpcKeysOf(signingKey: string, encryptionKey: string): TMpcKeys {
  return {
    signingKey,
    signingPublicKey: publicKeyOf(signingKey),
    encryptionKey,
    encryptionPublicKey: x25519PublicKeyOf(encryptionKey),
  };
}

function payloadAad(jobId: string, round: TMpcRound, sender: string, recipient: string): Buffer {
  return Buffer.from([MPC_PROTOCOL, jobId, round, sender, recipient].join("\n"), "utf8");
}

function payloadKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  return Buffer.from(
    hkdfSync(
      "sha256",
      shared,
      Buffer.concat([ephemeralPublic, recipientPublic]),
      `${MPC_PROTOCOL} payload key`,
      32,
    ),
  );
}

export function sha256HexOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface TSealInput {
  jobId: string;
  round: TMpcRound;
  sender: string;
  recipient: string;
  payload: Uint8Array;
  /** Sender's ed25519 secret key (hex). */
  signingKey: string;
  /** Recipient's X25519 public key (hex). */
  recipientEncryptionKey: string;
  now?: number;
  nonce?: string;
}

/** Encrypts the payload to the recipient, signs the header, and returns the frame to send. */
export function sealMessage(input: TSealInput): Uint8Array {
  const recipientPublic = Buffer.from(input.recipientEncryptionKey, "hex");
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralPublic = rawPublic(ephemeral.publicKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: cachedKey("x25519-public", input.recipientEncryptionKey),
  });
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", payloadKey(shared, ephemeralPublic, recipientPublic), iv);
  cipher.setAAD(payloadAad(input.jobId, input.round, input.sender, input.recipient));
  const ciphertext = cipher.update(input.payload);
  cipher.final();
  const sealedParts = [ephemeralPublic, iv, ciphertext, cipher.getAuthTag()];
  const hash = createHash("sha256");
  for (const part of sealedParts) hash.update(part);
  const unsigned = {
    jobId: input.jobId,
    round: input.round,
    sender: input.sender,
    recipient: input.recipient,
    sentAt: input.now ?? Date.now(),
    nonce: input.nonce ?? randomBytes(16).toString("hex"),
    payloadSha256: hash.digest("hex"),
  };
  const header: TMpcEnvelopeHeader = {
    v: 1,
    ...unsigned,
    signature: signText(mpcSignedText(unsigned), input.signingKey),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  return Buffer.concat([length, headerBytes, ...sealedParts]);
}

export interface TParsedFrame {
  header: TMpcEnvelopeHeader;
  sealed: Uint8Array;
}

/** Splits and validates a frame's shape; throws EnclaveError INVALID_REQUEST. */
export function parseFrame(frame: Uint8Array): TParsedFrame {
  const invalid = (what: string) => new EnclaveError("INVALID_REQUEST", `mpc message: ${what}`);
  if (frame.length < 4) throw invalid("too short");
  const headerLength = Buffer.from(frame.buffer, frame.byteOffset, 4).readUInt32BE(0);
  if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.length)
    throw invalid("bad header length");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset + 4, headerLength).toString("utf8"));
  } catch {
    throw invalid("the header is not JSON");
  }
  const parsed = ZMpcEnvelopeHeader.safeParse(json);
  if (!parsed.success)
    throw invalid(
      `bad header (${parsed.error.issues
        .map((i) => i.path.join(".") || "(header)")
        .slice(0, 3)
        .join(", ")})`,
    );
  const sealed = frame.subarray(4 + headerLength);
  if (sealed.length < EPHEMERAL_BYTES + IV_BYTES + TAG_BYTES) throw invalid("the payload is too short");
  return { header: parsed.data, sealed };
}

export interface TVerifyHeaderInput {
  /** This node's id: the only recipient accepted. */
  self: string;
  /** ed25519 public key (hex) of each configured peer, by node id. */
  peerSigningKeys: ReadonlyMap<string, string>;
  now: number;
  windowMs: number;
}

/**
 * Checks recipient, sender, time window, payload hash and signature (not the nonce: the node
 * claims it in its store). Throws SignedRequestError (401) or EnclaveError INVALID_REQUEST.
 */
export function verifyHeader(parsed: TParsedFrame, input: TVerifyHeaderInput): void {
  const { header } = parsed;
  if (header.recipient !== input.self)
    throw new EnclaveError(
      "INVALID_REQUEST",
      `mpc message: addressed to ${header.recipient}, not to ${input.self}`,
    );
  const senderKey = input.peerSigningKeys.get(header.sender);
  if (!senderKey)
    throw new SignedRequestError("KEY_UNKNOWN", `mpc message: ${header.sender} is not a configured peer`);
  if (Math.abs(input.now - header.sentAt) > input.windowMs)
    throw new SignedRequestError(
      "TIMESTAMP_OUT_OF_WINDOW",
      `mpc message: sent ${Math.round((input.now - header.sentAt) / 1000)} s from this node's clock (window ±${input.windowMs / 1000} s)`,
    );
  if (sha256HexOf(parsed.sealed) !== header.payloadSha256)
    throw new SignedRequestError(
      "SIGNATURE_INVALID",
      "mpc message: the payload does not match its signed hash",
    );
  if (!verifyText(mpcSignedText(header), header.signature, senderKey))
    throw new SignedRequestError(
      "SIGNATURE_INVALID",
      `mpc message: the signature of ${header.sender} does not verify`,
    );
}

/** Decrypts a verified frame's payload with this node's X25519 secret; throws EnclaveError INVALID_REQUEST. */
export function openPayload(parsed: TParsedFrame, encryptionKey: string): Uint8Array {
  const { header, sealed } = parsed;
  const ephemeralPublic = Buffer.from(sealed.subarray(0, EPHEMERAL_BYTES));
  const iv = sealed.subarray(EPHEMERAL_BYTES, EPHEMERAL_BYTES + IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const ciphertext = sealed.subarray(EPHEMERAL_BYTES + IV_BYTES, sealed.length - TAG_BYTES);
  try {
    const ephemeralKey = createPublicKey({
      key: Buffer.concat([SPKI_X25519, ephemeralPublic]),
      format: "der",
      type: "spki",
    });
    const shared = diffieHellman({
      privateKey: cachedKey("x25519-secret", encryptionKey),
      publicKey: ephemeralKey,
    });
    const ownPublic = Buffer.from(x25519PublicKeyOf(encryptionKey), "hex");
    const decipher = createDecipheriv("aes-256-gcm", payloadKey(shared, ephemeralPublic, ownPublic), iv);
    decipher.setAAD(payloadAad(header.jobId, header.round, header.sender, header.recipient));
    decipher.setAuthTag(tag);
    const plain = decipher.update(ciphertext);
    decipher.final();
    return plain;
  } catch {
    throw new EnclaveError(
      "INVALID_REQUEST",
      `mpc message from ${header.sender}: the payload does not decrypt for this node`,
    );
  }
}

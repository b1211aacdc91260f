/**
 * The message envelope on its own (real X25519, AES-GCM and ed25519): a sealed frame opens only
 * for its recipient, carries no plaintext, and every check of the receiver refuses what it should —
 * wrong recipient, unknown sender, stale time, edited payload, a signature by another key.
 */
import { randomUUID } from "node:crypto";
import { signMessage, verifyMessage } from "@pdx/common/ed25519";
import { SignedRequestError } from "@pdx/common/signed-request";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import {
  generateMpcKeys,
  mpcKeysOf,
  openPayload,
  parseFrame,
  sealMessage,
  signText,
  verifyHeader,
  verifyText,
} from "./envelope";

const tax = generateMpcKeys();
const social = generateMpcKeys();
const health = generateMpcKeys();
const peersOfSocial = new Map([
  ["tax", tax.signingPublicKey],
  ["health", health.signingPublicKey],
]);
const PLAINTEXT = new TextEncoder().encode("secret share: 1234567890 district totals");

function seal(overrides: Partial<Parameters<typeof sealMessage>[0]> = {}) {
  return sealMessage({
    jobId: randomUUID(),
    round: "share",
    sender: "tax",
    recipient: "social",
    payload: PLAINTEXT,
    signingKey: tax.signingKey,
    recipientEncryptionKey: social.encryptionPublicKey,
    ...overrides,
  });
}

const verifyAtSocial = (frame: Uint8Array, now = Date.now()) =>
  verifyHeader(parseFrame(frame), { self: "social", peerSigningKeys: peersOfSocial, now, windowMs: 30_000 });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignedRequestError || err instanceof EnclaveError) return err.code;
    throw err;
  }
  return "accepted";
}

describe("sealMessage / openPayload", () => {
  it("opens for the recipient only, and the frame holds no plaintext", () => {
    const frame = seal();
    verifyAtSocial(frame);
    expect(openPayload(parseFrame(frame), social.encryptionKey)).toEqual(Buffer.from(PLAINTEXT));
    expect(Buffer.from(frame).includes(Buffer.from("1234567890"))).toBe(false);
    expect(() => openPayload(parseFrame(frame), health.encryptionKey)).toThrow(
      /does not decrypt for this node/,
    );
  });

  it("binds the payload to its job, round and pair (a payload moved into another header does not open)", () => {
    const a = parseFrame(seal({ round: "share" }));
    const b = parseFrame(seal({ round: "sum" }));
    expect(() => openPayload({ header: b.header, sealed: a.sealed }, social.encryptionKey)).toThrow(
      /does not decrypt/,
    );
  });

  it("derives the public halves from the secrets", () => {
    expect(mpcKeysOf(tax.signingKey, tax.encryptionKey)).toEqual(tax);
  });

  it("signs exactly like the project's ed25519 module (RFC 8032, same keys and signatures)", () => {
    const text = "PDX-MPC-1\nhello";
    const ours = signText(text, tax.signingKey);
    expect(ours).toBe(signMessage(text, tax.signingKey));
    expect(verifyMessage(text, ours, tax.signingPublicKey)).toBe(true);
    expect(verifyText(text, ours, tax.signingPublicKey)).toBe(true);
    expect(verifyText(`${text}!`, ours, tax.signingPublicKey)).toBe(false);
    expect(verifyText(text, ours, social.signingPublicKey)).toBe(false);
    expect(verifyText(text, "zz", tax.signingPublicKey)).toBe(false);
  });
});

describe("verifyHeader", () => {
  it("accepts a well-formed frame from a listed peer", () => {
    expect(codeOf(() => verifyAtSocial(seal()))).toBe("accepted");
  });

  it("refuses a frame addressed to another node", () => {
    expect(codeOf(() => verifyAtSocial(seal({ recipient: "health" })))).toBe("INVALID_REQUEST");
  });

  it("refuses a sender that is not a configured peer", () => {
    const mallory = generateMpcKeys();
    expect(codeOf(() => verifyAtSocial(seal({ sender: "mallory", signingKey: mallory.signingKey })))).toBe(
      "KEY_UNKNOWN",
    );
  });

  it("refuses a listed sender's name signed with another key (forgery)", () => {
    expect(codeOf(() => verifyAtSocial(seal({ sender: "tax", signingKey: health.signingKey })))).toBe(
      "SIGNATURE_INVALID",
    );
  });

  it("refuses an edited payload byte and an edited header field", () => {
    const frame = Buffer.from(seal());
    frame[frame.length - 20]! ^= 1;
    expect(codeOf(() => verifyAtSocial(frame))).toBe("SIGNATURE_INVALID");

    const parsed = parseFrame(seal());
    const edited = { ...parsed, header: { ...parsed.header, round: "sum" as const } };
    expect(() =>
      verifyHeader(edited, {
        self: "social",
        peerSigningKeys: peersOfSocial,
        now: Date.now(),
        windowMs: 30_000,
      }),
    ).toThrow(/signature of tax does not verify/);
  });

  it("refuses a frame outside the time window", () => {
    expect(codeOf(() => verifyAtSocial(seal({ now: Date.now() - 60_000 })))).toBe("TIMESTAMP_OUT_OF_WINDOW");
  });

  it("refuses malformed frames", () => {
    expect(codeOf(() => parseFrame(new Uint8Array(3)))).toBe("INVALID_REQUEST");
    expect(codeOf(() => parseFrame(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from("{}")])))).toBe(
      "INVALID_REQUEST",
    );
    const frame = Buffer.from(seal());
    const headerOnly = frame.subarray(0, 4 + frame.readUInt32BE(0));
    expect(() => parseFrame(headerOnly)).toThrow(/payload is too short/);
    expect(() => parseFrame(frame.subarray(0, 10))).toThrow(/bad header length/);
  });
});

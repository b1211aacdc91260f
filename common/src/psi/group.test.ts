/**
 * Known-answer tests of the PSI group operations, on both engines, against published vectors:
 *   X25519      RFC 7748 §5.2 (the two single vectors; 1 and 1,000 iterations) and §6.1 (the
 *               Diffie–Hellman example) — https://www.rfc-editor.org/rfc/rfc7748
 *   hash        RFC 9380 Appendix J.4.2 (curve25519_XMD:SHA-512_ELL2_NU_: P.x is our u) and J.5.2
 *               (edwards25519_XMD:SHA-512_ELL2_NU_: P.y is the y of libsodium's from_hash
 *               output) — https://www.rfc-editor.org/rfc/rfc9380; the J.5.2 vectors are
 *               also those of libsodium's test/default/core_ed25519_h2c.c
 *   u from y    RFC 7748 §4.1: the Ed25519 base point (y = 4/5) maps to u = 9
 * plus the small-order points and the peer-point checks.
 */
import sodium from "libsodium-wrappers-sumo";
import { beforeAll, describe, expect, it } from "vitest";
import {
  blindedPointsProblem,
  edwardsToMontgomery,
  PSI_POINT_BYTES,
  psiHashDomain,
  SMALL_ORDER_U_HEX,
} from "./group";
import { nodeExponentiate, nodeHashToEdwards, x25519PrivateKey } from "./node-curve";
import { sodiumHashToEdwards } from "./sodium-curve";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
/** A big-endian field element (as RFC 9380 prints them) as our little-endian bytes. */
const leFromBe = (text: string) => bytes(text).reverse();

const Q128 = `q128_${"q".repeat(128)}`;
const A512 = `a512_${"a".repeat(512)}`;

/** RFC 9380 J.4.2, suite curve25519_XMD:SHA-512_ELL2_NU_: msg → P.x. */
const J42_DST = "QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_NU_";
const J42: [string, string][] = [
  ["", "1bb913f0c9daefa0b3375378ffa534bda5526c97391952a7789eb976edfe4d08"],
  ["abc", "7c22950b7d900fa866334262fcaea47a441a578df43b894b4625c9b450f9a026"],
  ["abcdef0123456789", "31ad08a8b0deeb2a4d8b0206ca25f567ab4e042746f792f4b7973f3ae2096c52"],
  [Q128, "027877759d155b1997d0d84683a313eb78bdb493271d935b622900459d52ceaa"],
  [A512, "5fd892c0958d1a75f54c3182a18d286efab784e774d1e017ba2fb252998b5dc1"],
];

/** RFC 9380 J.5.2, suite edwards25519_XMD:SHA-512_ELL2_NU_: msg → P.x, P.y (big-endian). */
const J52_DST = "QUUX-V01-CS02-with-edwards25519_XMD:SHA-512_ELL2_NU_";
const J52: [string, string, string][] = [
  [
    "",
    "1ff2b70ecf862799e11b7ae744e3489aa058ce805dd323a936375a84695e76da",
    "222e314d04a4d5725e9f2aff9fb2a6b69ef375a1214eb19021ceab2d687f0f9b",
  ],
  [
    "abc",
    "5f13cc69c891d86927eb37bd4afc6672360007c63f68a33ab423a3aa040fd2a8",
    "67732d50f9a26f73111dd1ed5dba225614e538599db58ba30aaea1f5c827fa42",
  ],
  [
    "abcdef0123456789",
    "1dd2fefce934ecfd7aae6ec998de088d7dd03316aa1847198aecf699ba6613f1",
    "2f8a6c24dd1adde73909cada6a4a137577b0f179d336685c4a955a0a8e1a86fb",
  ],
  [
    Q128,
    "35fbdc5143e8a97afd3096f2b843e07df72e15bfca2eaf6879bf97c5d3362f73",
    "2af6ff6ef5ebba128b0774f4296cb4c2279a074658b083b8dcca91f57a603450",
  ],
  [
    A512,
    "6e5e1f37e99345887fc12111575fc1c3e36df4b289b8759d23af14d774b66bff",
    "2c90c3d39eb18ff291d33441b35f3262cdd307162cc97c31bfcc7a4245891a37",
  ],
];

/** RFC 7748 §5.2: scalar, u, X25519(scalar, u). */
const RFC7748_SINGLE: [string, string, string][] = [
  [
    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
  ],
  [
    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
  ],
];

type TX25519 = (scalar: Uint8Array, u: Uint8Array) => Uint8Array;
const ENGINES: [string, TX25519][] = [
  ["libsodium", (k, u) => sodium.crypto_scalarmult(k, u)],
  ["node:crypto", (k, u) => nodeExponentiate(x25519PrivateKey(k), u, PSI_POINT_BYTES)],
];

beforeAll(async () => {
  await sodium.ready;
});

describe("hash to group: RFC 9380 known answers", () => {
  it.each([
    ["libsodium", sodiumHashToEdwards],
    ["node:crypto", nodeHashToEdwards],
  ] as const)("%s: J.4.2 curve25519 NU vectors give P.x as the u-coordinate", (_, hashToEdwards) => {
    const u = edwardsToMontgomery(
      hashToEdwards(
        psiHashDomain(J42_DST),
        J42.map(([msg]) => msg),
      ),
    );
    for (const [i, [, px]] of J42.entries()) {
      expect(hex(u.subarray(i * 32, i * 32 + 32))).toBe(hex(leFromBe(px)));
    }
  });

  it.each([
    ["libsodium", sodiumHashToEdwards],
    ["node:crypto", nodeHashToEdwards],
  ] as const)("%s: J.5.2 edwards25519 NU vectors give P.y", (_, hashToEdwards) => {
    // Only y is compared: the x sign bit may differ (±P, a choice of square root in the map to
    // Edwards form), and u = (1 + y) / (1 − y) does not depend on it.
    const points = hashToEdwards(
      psiHashDomain(J52_DST),
      J52.map(([msg]) => msg),
    );
    for (const [i, [, , py]] of J52.entries()) {
      const point = points.slice(i * 32, i * 32 + 32);
      point[31]! &= 0x7f;
      expect(hex(point)).toBe(hex(leFromBe(py)));
    }
  });
});

describe("Edwards y → Montgomery u", () => {
  it("maps the Ed25519 base point (y = 4/5) to u = 9 (RFC 7748 §4.1)", () => {
    const base = bytes("5866666666666666666666666666666666666666666666666666666666666666");
    const nine = new Uint8Array(32);
    nine[0] = 9;
    expect(hex(edwardsToMontgomery(base))).toBe(hex(nine));
  });

  it("agrees with libsodium's crypto_sign_ed25519_pk_to_curve25519 on 300 random subgroup points", () => {
    const points = new Uint8Array(300 * 32);
    for (let i = 0; i < 300; i++) {
      points.set(sodium.crypto_core_ed25519_from_hash(sodium.randombytes_buf(64)), i * 32);
    }
    const batch = edwardsToMontgomery(points);
    for (let i = 0; i < 300; i++) {
      const expected = sodium.crypto_sign_ed25519_pk_to_curve25519(points.subarray(i * 32, i * 32 + 32));
      expect(hex(batch.subarray(i * 32, i * 32 + 32))).toBe(hex(expected));
    }
  });

  it("refuses the identity (y = 1) and lengths that are not whole points", () => {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    expect(() => edwardsToMontgomery(identity)).toThrow(/point 0 is the identity/);
    expect(() => edwardsToMontgomery(new Uint8Array(33))).toThrow(/not a multiple of 32/);
  });
});

describe.each(ENGINES)("X25519 on %s: RFC 7748 known answers", (_, x25519) => {
  it("§5.2 single vectors", () => {
    for (const [scalar, u, out] of RFC7748_SINGLE) expect(hex(x25519(bytes(scalar), bytes(u)))).toBe(out);
  });

  it("§5.2 iterated: 1 and 1,000 iterations from k = u = 9", () => {
    let k: Uint8Array = new Uint8Array(32);
    k[0] = 9;
    let u: Uint8Array = k.slice();
    const seen: Record<number, string> = {};
    for (let i = 1; i <= 1000; i++) {
      const next = x25519(k, u);
      u = k;
      k = next;
      if (i === 1 || i === 1000) seen[i] = hex(k);
    }
    expect(seen[1]).toBe("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    expect(seen[1000]).toBe("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  });

  it("§6.1 Diffie–Hellman: both sides reach the shared secret", () => {
    const nine = new Uint8Array(32);
    nine[0] = 9;
    const alice = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const bob = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const alicePublic = x25519(alice, nine);
    const bobPublic = x25519(bob, nine);
    expect(hex(alicePublic)).toBe("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    expect(hex(bobPublic)).toBe("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(hex(x25519(alice, bobPublic))).toBe(shared);
    expect(hex(x25519(bob, alicePublic))).toBe(shared);
  });

  it("maps every listed small-order u to zero, which the engine refuses", () => {
    for (const u of SMALL_ORDER_U_HEX) {
      for (let round = 0; round < 3; round++)
        expect(() => x25519(sodium.randombytes_buf(32), bytes(u))).toThrow();
    }
  });
});

describe("checks on points from a peer", () => {
  it("accepts hashed points and refuses small-order, non-canonical and mis-sized input by position", () => {
    const good = edwardsToMontgomery(sodiumHashToEdwards(psiHashDomain("test"), ["a", "b", "c"]));
    expect(blindedPointsProblem(good, 3)).toBeNull();
    expect(blindedPointsProblem(good, 2)).toBe("expected 2 points, got 3");
    expect(blindedPointsProblem(good.subarray(0, 95), 3)).toMatch(/not a whole number of 32-byte points/);
    for (const small of SMALL_ORDER_U_HEX) {
      const points = good.slice();
      points.set(bytes(small), 32);
      expect(blindedPointsProblem(points, 3)).toBe(
        "point 1 is a small-order point (its product would be zero)",
      );
    }
    const p = bytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    const highBit = good.slice(64, 96);
    highBit[31]! |= 0x80;
    for (const bad of [p, highBit]) {
      const points = good.slice();
      points.set(bad, 64);
      expect(blindedPointsProblem(points, 3)).toMatch(/^point 2 is not a canonical u-coordinate/);
    }
    const pMinus2 = bytes("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    expect(blindedPointsProblem(pMinus2, 1)).toBeNull();
  });
});

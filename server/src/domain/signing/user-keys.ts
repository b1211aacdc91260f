/**
 * Per-user ed25519 signing keys. Each user gets one when created (or, for users that predate
 * keys, the first time they sign); the public key is readable by everyone who verifies, the
 * secret key is stored only sealed by the keyring.
 */
import { generateKeyPair, keyIdOf } from "@pdx/common/ed25519";
import type { TQueryable } from "../../db";
import type { TKeyring } from "./keyring";

export interface TUserSigningKey {
  keyId: string;
  userId: string;
  publicKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** The user's current key, creating one when the user has none. */
export async function ensureUserSigningKey(
  tx: TQueryable,
  keyring: TKeyring,
  userId: string,
): Promise<TUserSigningKey & { sealedSecretKey: string }> {
  const { rows } = await tx.query<{
    key_id: string;
    public_key: string;
    encrypted_secret_key: string;
    created_at: Date;
  }>(
    `SELECT key_id, public_key, encrypted_secret_key, created_at FROM user_signing_keys
      WHERE user_id = $1 AND retired_at IS NULL`,
    [userId],
  );
  const row = rows[0];
  if (row) {
    return {
      keyId: row.key_id,
      userId,
      publicKey: row.public_key,
      createdAt: row.created_at,
      retiredAt: null,
      sealedSecretKey: row.encrypted_secret_key,
    };
  }
  const pair = generateKeyPair();
  const keyId = keyIdOf(pair.publicKey);
  const sealedSecretKey = keyring.sealUserKey(userId, pair.secretKey);
  const { rows: created } = await tx.query<{ created_at: Date }>(
    `INSERT INTO user_signing_keys (key_id, user_id, public_key, encrypted_secret_key)
     VALUES ($1, $2, $3, $4) RETURNING created_at`,
    [keyId, userId, pair.publicKey, sealedSecretKey],
  );
  return {
    keyId,
    userId,
    publicKey: pair.publicKey,
    createdAt: created[0]!.created_at,
    retiredAt: null,
    sealedSecretKey,
  };
}

/** A key by id (current or retired), or null. */
export async function findSigningKey(db: TQueryable, keyId: string): Promise<TUserSigningKey | null> {
  const { rows } = await db.query<{
    key_id: string;
    user_id: string;
    public_key: string;
    created_at: Date;
    retired_at: Date | null;
  }>("SELECT key_id, user_id, public_key, created_at, retired_at FROM user_signing_keys WHERE key_id = $1", [
    keyId,
  ]);
  const r = rows[0];
  return r
    ? {
        keyId: r.key_id,
        userId: r.user_id,
        publicKey: r.public_key,
        createdAt: r.created_at,
        retiredAt: r.retired_at,
      }
    : null;
}

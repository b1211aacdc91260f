/**
 * Frees SEAL objects. Every node-seal object lives on the WebAssembly heap and is freed only by
 * `.delete()`; a scope collects the objects of one piece of work and deletes them all (in reverse
 * order) in a `finally`, whether the work succeeded or threw:
 *
 *   const scope = new SealScope();
 *   try { const ct = scope.track(new seal.Ciphertext()); … } finally { scope.free(); }
 *
 * Note: embind's `.clone()` is NOT a copy — it is a second handle to the same C++ object (and
 * must be deleted too). Use `.copy()` for a deep copy.
 */

export interface TDeletable {
  delete(): void;
  isDeleted(): boolean;
}

export class SealScope {
  private objects: TDeletable[] = [];

  /** Registers an object to delete when the scope is freed; returns it. */
  track<T extends TDeletable>(object: T): T {
    this.objects.push(object);
    return object;
  }

  /** Deletes every tracked object that is still alive (newest first). */
  free(): void {
    const objects = this.objects;
    this.objects = [];
    for (let i = objects.length - 1; i >= 0; i--) {
      const object = objects[i]!;
      if (!object.isDeleted()) object.delete();
    }
  }

  get size(): number {
    return this.objects.length;
  }
}

/** Runs `work` with a fresh scope and frees it afterwards. */
export function withSealScope<T>(work: (scope: SealScope) => T): T {
  const scope = new SealScope();
  try {
    return work(scope);
  } finally {
    scope.free();
  }
}

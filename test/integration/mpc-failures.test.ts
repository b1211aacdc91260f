/**
 * A node that drops out fails the joint job cleanly: three real MPC nodes on 127.0.0.1 (real HTTP,
 * signatures, sealing), one of them down, silent, answering garbage, sending a malformed (but
 * authentic) message, or refusing the job. Every node that knows the job ends it `failed` with the
 * same {node, step, reason} naming the node at fault and the step, and nothing is released: no
 * result on the coordinator, and the totals were never reconstructed.
 */
import { randomUUID } from "node:crypto";
import type { TMpcJobSpecInput, TMpcJobStatus } from "@pdx/common/mpc-api";
import {
  createMemoryDataSource,
  type TLocalAggregate,
  type TMpcDataSource,
} from "@pdx/enclave/src/mpc/data-source";
import { parseFrame, sealMessage } from "@pdx/enclave/src/mpc/envelope";
import {
  startTestMpcNetwork,
  submitJob,
  type TTestMpcNetwork,
  waitForJobEverywhere,
} from "@pdx/enclave/src/mpc/testing/test-nodes";
import express, { type RequestHandler } from "express";
import { afterEach, describe, expect, it } from "vitest";

const NODES = ["tax", "social", "health"] as const;

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ district: i % 2 ? "north" : "south", value: (i % 50) + 0.25 }));

function memorySource(): TMpcDataSource {
  return createMemoryDataSource({ datasets: { "D@1": { minGroupSize: 5, rows: rows(200) } } });
}

function spec(overrides: Partial<TMpcJobSpecInput> = {}): TMpcJobSpecInput {
  return {
    jobId: randomUUID(),
    coordinator: "tax",
    buyer: { orgId: "buyer" },
    parties: NODES.map((node) => ({
      node,
      dataset: "D",
      version: "1",
      groupField: "district",
      valueField: "value",
      rowsPerUnit: 1,
    })),
    groups: { kind: "categories", values: ["north", "south"] },
    statistics: ["count", "mean"],
    bounds: [0, 100],
    epsilon: 1,
    minGroupSize: 5,
    timeoutMs: 1500,
    ...overrides,
  };
}

let network: TTestMpcNetwork | null = null;
let reconstructed = 0;

async function start(options: {
  dataSource?: (id: string) => TMpcDataSource;
  middleware?: (id: string) => RequestHandler | undefined;
}): Promise<TTestMpcNetwork> {
  network = await startTestMpcNetwork(NODES, {
    dataSource: options.dataSource ?? (() => memorySource()),
    middleware: options.middleware,
    inspect: () => ({ totals: () => reconstructed++ }),
  });
  return network;
}

afterEach(async () => {
  await network?.stop();
  network = null;
  reconstructed = 0;
});

/** Every listed node ended failed with the same failure; the coordinator released nothing. */
function expectFailedEverywhere(
  statuses: Map<string, TMpcJobStatus>,
  failure: { node: string; step: string; reason: RegExp },
) {
  for (const [node, status] of statuses) {
    expect(status.state, node).toBe("failed");
    expect(status.result, node).toBeNull();
    expect(status.outputSha256, node).toBeNull();
    expect(status.failure, node).toMatchObject({ node: failure.node, step: failure.step });
    expect(status.failure!.reason, node).toMatch(failure.reason);
    expect(status.endedAt, node).not.toBeNull();
  }
  expect(reconstructed).toBe(0);
}

/** A data source that never answers until released (a node that hangs while computing). */
function hangingSource(): { source: TMpcDataSource; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const inner = memorySource();
  return {
    source: {
      async localAggregate(request): Promise<TLocalAggregate> {
        await gate;
        return inner.localAggregate(request);
      },
    },
    release,
  };
}

describe("a node that drops out", () => {
  it("down before the job: every other node fails naming it at propose", async () => {
    const net = await start({});
    await net.stopServer("health");
    const job = spec();
    expect((await submitJob(net, "tax", job)).status).toBe(202);
    const statuses = await waitForJobEverywhere(net, job.jobId, ["tax", "social"]);
    expectFailedEverywhere(statuses, {
      node: "health",
      step: "propose",
      reason: /could not deliver the propose message to health: unreachable/,
    });
    expect(net.node("health").node.status(job.jobId)).toBeNull();
  });

  it("silent after accepting (hangs while computing): every node fails naming it at share", async () => {
    const hanging = hangingSource();
    const net = await start({ dataSource: (id) => (id === "health" ? hanging.source : memorySource()) });
    const job = spec();
    await submitJob(net, "tax", job);
    const statuses = await waitForJobEverywhere(net, job.jobId, ["tax", "social"]);
    expectFailedEverywhere(statuses, {
      node: "health",
      step: "share",
      reason: /no share message from health within the job's time limit of 1500 ms/,
    });
    // The silent node ends the job too, by its own deadline, once it gets going again.
    const atHealth = await net.node("health").node.whenEnded(job.jobId);
    hanging.release();
    expect(atHealth.state).toBe("failed");
  });

  it("answering garbage: every node fails naming it at the step its answer broke", async () => {
    const garbage: RequestHandler = (req, res, next) => {
      if (req.method !== "POST" || req.path !== "/v1/mpc/messages") return next();
      express.raw({ type: () => true, limit: "64mb" })(req, res, () => {
        // Garbage only for shares: the propose goes through, so health is mid-protocol.
        if (parseFrame(req.body as Buffer).header.round !== "share") return next();
        res.status(500).type("text/html").send("<html>bad gateway</html>");
      });
    };
    const net = await start({ middleware: (id) => (id === "health" ? garbage : undefined) });
    const job = spec();
    await submitJob(net, "tax", job);
    const statuses = await waitForJobEverywhere(net, job.jobId);
    expectFailedEverywhere(statuses, {
      node: "health",
      step: "share",
      reason: /could not deliver the share message to health: answered HTTP 500/,
    });
  });

  it("sending a malformed message, signed with its real key: every node fails naming it", async () => {
    const hanging = hangingSource();
    const net = await start({ dataSource: (id) => (id === "tax" ? hanging.source : memorySource()) });
    const job = spec({ timeoutMs: 20_000 });
    await submitJob(net, "tax", job);
    const frame = sealMessage({
      jobId: job.jobId,
      round: "sum",
      sender: "social",
      recipient: "tax",
      payload: new Uint8Array(10),
      signingKey: net.node("social").keys.signingKey,
      recipientEncryptionKey: net.node("tax").keys.encryptionPublicKey,
    });
    const res = await fetch(`${net.node("tax").url}/v1/mpc/messages`, {
      method: "POST",
      body: frame as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBe(400);
    hanging.release();
    const statuses = await waitForJobEverywhere(net, job.jobId);
    expectFailedEverywhere(statuses, {
      node: "social",
      step: "sum",
      reason: /social sent a malformed sum message \(a sum-share has 4 entries\)/,
    });
  });

  it("refusing the job (no such dataset): every node fails naming it at local-aggregate", async () => {
    const net = await start({
      dataSource: (id) => (id === "social" ? createMemoryDataSource({ datasets: {} }) : memorySource()),
    });
    const job = spec();
    await submitJob(net, "tax", job);
    const statuses = await waitForJobEverywhere(net, job.jobId);
    expectFailedEverywhere(statuses, {
      node: "social",
      step: "local-aggregate",
      reason: /social refused: DATASET_UNKNOWN: dataset D@1 is not held here/,
    });
  });

  it("a k below a party's own minimum: that party refuses, every node fails", async () => {
    const net = await start({});
    const job = spec({ minGroupSize: 2 });
    await submitJob(net, "tax", job);
    const statuses = await waitForJobEverywhere(net, job.jobId);
    expect(statuses.get("tax")!.failure!.reason).toMatch(
      /PRIVACY_BLOCKED: the job's minimum group size 2 is below 5/,
    );
    for (const status of statuses.values()) expect(status.state).toBe("failed");
    expect(reconstructed).toBe(0);
  });
});

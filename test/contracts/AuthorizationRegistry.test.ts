/**
 * AuthorizationRegistry on Hardhat's in-process EDR chain: recording, reading, isActive over the
 * term, every allowed and forbidden status transition, every revert by error name and
 * arguments, the 5-year term limit, roles, events, and the absence of any way to transfer or
 * re-assign an authorization.
 */
import { expect } from "chai";
import type { BaseContract, ContractRunner, ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

// mocha ships no type declarations (and @types/mocha is not installed): type the globals used here.
declare global {
  function describe(title: string, body: () => void): void;
  function it(title: string, body: () => Promise<void>): void;
}

const { ethers, networkHelpers } = await network.create();

interface TStoredAuthorization {
  operatorId: string;
  scenarioHash: string;
  scopeHash: string;
  validFrom: bigint;
  validUntil: bigint;
  status: bigint;
  recordedAt: bigint;
  statusChangedAt: bigint;
  recordedBy: string;
}

/** The contract's surface as used here (typechain types are not available to the type check). */
interface TAuthorizationRegistry extends BaseContract {
  REGISTRAR_ROLE(): Promise<string>;
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  MAX_TERM(): Promise<bigint>;
  hasRole(role: string, account: string): Promise<boolean>;
  getRoleAdmin(role: string): Promise<string>;
  grantRole(role: string, account: string): Promise<ContractTransactionResponse>;
  revokeRole(role: string, account: string): Promise<ContractTransactionResponse>;
  recordAuthorization(
    id: string,
    operatorId: string,
    scenarioHash: string,
    scopeHash: string,
    validFrom: bigint,
    validUntil: bigint,
  ): Promise<ContractTransactionResponse>;
  setAuthorizationStatus(id: string, status: number): Promise<ContractTransactionResponse>;
  getAuthorization(id: string): Promise<TStoredAuthorization>;
  isActive(id: string, timestamp: bigint): Promise<boolean>;
  connect(runner: ContractRunner | null): TAuthorizationRegistry;
}

const NONE = 0;
const ACTIVE = 1;
const SUSPENDED = 2;
const REVOKED = 3;
const STATUS_NAMES = ["None", "Active", "Suspended", "Revoked"] as const;

const DAY = 86_400n;
/** 5 × 365 days + 2 leap days. */
const MAX_TERM = (5n * 365n + 2n) * DAY;
const ZERO = ethers.ZeroHash;

const ID = ethers.id("authorization:3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c");
const OPERATOR = ethers.id("org:city-data-operator");
const SCENARIO_HASH = ethers.id("scenario content");
const SCOPE_HASH = ethers.id('[{"datasetCode":"LE-BASE","fields":["district","industry"]}]');
const VALID_FROM = 1_780_000_000n;
const VALID_UNTIL = VALID_FROM + 3n * 365n * DAY;

async function deployFixture() {
  const [admin, registrar, outsider] = await ethers.getSigners();
  const registry = (await ethers.deployContract(
    "AuthorizationRegistry",
    [],
    admin,
  )) as unknown as TAuthorizationRegistry;
  await registry.waitForDeployment();
  return {
    registry,
    admin: admin!,
    registrar: registrar!,
    outsider: outsider!,
    REGISTRAR_ROLE: await registry.REGISTRAR_ROLE(),
    DEFAULT_ADMIN_ROLE: await registry.DEFAULT_ADMIN_ROLE(),
  };
}

async function recordedFixture() {
  const f = await deployFixture();
  await f.registry.recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL);
  return f;
}

/** A recorded authorization moved into `status` by allowed transitions. */
async function registryWith(status: number) {
  const f = await networkHelpers.loadFixture(recordedFixture);
  if (status === SUSPENDED || status === REVOKED) await f.registry.setAuthorizationStatus(ID, status);
  return f;
}

const ALLOWED: ReadonlySet<string> = new Set(["1->2", "1->3", "2->1", "2->3"]);

describe("AuthorizationRegistry", () => {
  describe("deployment", () => {
    it("makes the deployer admin and registrar, and nobody else; MAX_TERM is 1827 days", async () => {
      const { registry, admin, outsider, REGISTRAR_ROLE, DEFAULT_ADMIN_ROLE } =
        await networkHelpers.loadFixture(deployFixture);
      expect(REGISTRAR_ROLE).to.equal(ethers.id("REGISTRAR_ROLE"));
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await registry.hasRole(REGISTRAR_ROLE, admin.address)).to.equal(true);
      expect(await registry.hasRole(REGISTRAR_ROLE, outsider.address)).to.equal(false);
      expect(await registry.getRoleAdmin(REGISTRAR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
      expect(await registry.MAX_TERM()).to.equal(MAX_TERM);
      expect(MAX_TERM).to.equal(157_852_800n);
    });

    it("has no transfer, owner-change or operator-change function (non-transferable)", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      const mutating: string[] = [];
      registry.interface.forEachFunction((fn) => {
        if (!fn.constant) mutating.push(fn.name);
      });
      expect(mutating.sort()).to.deep.equal([
        "grantRole",
        "recordAuthorization",
        "renounceRole",
        "revokeRole",
        "setAuthorizationStatus",
      ]);
    });
  });

  describe("recordAuthorization", () => {
    it("stores every field with status Active, block time and sender; getAuthorization reads it", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(deployFixture);
      const tx = await registry.recordAuthorization(
        ID,
        OPERATOR,
        SCENARIO_HASH,
        SCOPE_HASH,
        VALID_FROM,
        VALID_UNTIL,
      );
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      const stored = await registry.getAuthorization(ID);
      expect(stored.operatorId).to.equal(OPERATOR);
      expect(stored.scenarioHash).to.equal(SCENARIO_HASH);
      expect(stored.scopeHash).to.equal(SCOPE_HASH);
      expect(stored.validFrom).to.equal(VALID_FROM);
      expect(stored.validUntil).to.equal(VALID_UNTIL);
      expect(stored.status).to.equal(BigInt(ACTIVE));
      expect(stored.recordedAt).to.equal(BigInt(block!.timestamp));
      expect(stored.statusChangedAt).to.equal(BigInt(block!.timestamp));
      expect(stored.recordedBy).to.equal(admin.address);
    });

    it("emits AuthorizationRecorded with id, operator, hashes and term", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(
        registry.recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL),
      )
        .to.emit(registry, "AuthorizationRecorded")
        .withArgs(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL);
    });

    it("returns a zeroed record (status None) for an id never recorded", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const other = await registry.getAuthorization(ethers.id("authorization:other"));
      expect(other.status).to.equal(BigInt(NONE));
      expect(other.operatorId).to.equal(ZERO);
      expect(other.validUntil).to.equal(0n);
      expect(other.recordedBy).to.equal(ethers.ZeroAddress);
    });

    it("reverts AuthorizationRegistryAlreadyRecorded(id) on a second record of the same id, keeping the first", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const otherOperator = ethers.id("org:someone-else");
      await expect(
        registry.recordAuthorization(ID, otherOperator, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL),
      )
        .to.be.revertedWithCustomError(registry, "AuthorizationRegistryAlreadyRecorded")
        .withArgs(ID);
      expect((await registry.getAuthorization(ID)).operatorId).to.equal(OPERATOR);
    });

    it("reverts AlreadyRecorded even after revocation: an id is never reused", async () => {
      const { registry } = await registryWith(REVOKED);
      await expect(
        registry.recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL),
      )
        .to.be.revertedWithCustomError(registry, "AuthorizationRegistryAlreadyRecorded")
        .withArgs(ID);
    });

    it("reverts AuthorizationRegistryZeroId() for a zero id", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(
        registry.recordAuthorization(ZERO, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL),
      ).to.be.revertedWithCustomError(registry, "AuthorizationRegistryZeroId");
    });

    for (const field of ["operatorId", "scenarioHash", "scopeHash"] as const) {
      it(`reverts AuthorizationRegistryZeroValue(id, "${field}") for a zero ${field}`, async () => {
        const { registry } = await networkHelpers.loadFixture(deployFixture);
        const args = {
          operatorId: OPERATOR,
          scenarioHash: SCENARIO_HASH,
          scopeHash: SCOPE_HASH,
          [field]: ZERO,
        };
        await expect(
          registry.recordAuthorization(
            ID,
            args.operatorId,
            args.scenarioHash,
            args.scopeHash,
            VALID_FROM,
            VALID_UNTIL,
          ),
        )
          .to.be.revertedWithCustomError(registry, "AuthorizationRegistryZeroValue")
          .withArgs(ID, field);
      });
    }

    it("reverts AuthorizationRegistryInvalidTerm when validUntil equals or precedes validFrom", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      for (const until of [VALID_FROM, VALID_FROM - 1n]) {
        await expect(registry.recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, until))
          .to.be.revertedWithCustomError(registry, "AuthorizationRegistryInvalidTerm")
          .withArgs(ID, VALID_FROM, until);
      }
    });

    it("accepts a term of exactly MAX_TERM and refuses one second more with AuthorizationRegistryTermTooLong", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      const longest = ethers.id("authorization:longest");
      await expect(
        registry.recordAuthorization(
          longest,
          OPERATOR,
          SCENARIO_HASH,
          SCOPE_HASH,
          VALID_FROM,
          VALID_FROM + MAX_TERM,
        ),
      ).to.emit(registry, "AuthorizationRecorded");
      await expect(
        registry.recordAuthorization(
          ID,
          OPERATOR,
          SCENARIO_HASH,
          SCOPE_HASH,
          VALID_FROM,
          VALID_FROM + MAX_TERM + 1n,
        ),
      )
        .to.be.revertedWithCustomError(registry, "AuthorizationRegistryTermTooLong")
        .withArgs(ID, MAX_TERM + 1n, MAX_TERM);
    });

    it("accepts a term entirely in the past (records are replayed after a dev-chain reset)", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await registry.recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, 1_000n, 2_000n);
      expect((await registry.getAuthorization(ID)).status).to.equal(BigInt(ACTIVE));
      expect(await registry.isActive(ID, 1_500n)).to.equal(true);
    });
  });

  describe("setAuthorizationStatus: every transition", () => {
    for (const from of [ACTIVE, SUSPENDED, REVOKED]) {
      for (const to of [NONE, ACTIVE, SUSPENDED, REVOKED]) {
        const allowed = ALLOWED.has(`${from}->${to}`);
        const title = `${STATUS_NAMES[from]} → ${STATUS_NAMES[to]} is ${allowed ? "allowed" : "refused"}`;
        it(title, async () => {
          const { registry } = await registryWith(from);
          if (allowed) {
            const tx = registry.setAuthorizationStatus(ID, to);
            await expect(tx).to.emit(registry, "AuthorizationStatusChanged").withArgs(ID, from, to);
            const receipt = await (await tx).wait();
            const block = await ethers.provider.getBlock(receipt!.blockNumber);
            const stored = await registry.getAuthorization(ID);
            expect(stored.status).to.equal(BigInt(to));
            expect(stored.statusChangedAt).to.equal(BigInt(block!.timestamp));
            expect(stored.operatorId).to.equal(OPERATOR);
          } else {
            await expect(registry.setAuthorizationStatus(ID, to))
              .to.be.revertedWithCustomError(registry, "AuthorizationRegistryInvalidStatusTransition")
              .withArgs(ID, from, to);
            expect((await registry.getAuthorization(ID)).status).to.equal(BigInt(from));
          }
        });
      }
    }

    it("suspend → resume → revoke: the full path, each step evented", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      await expect(registry.setAuthorizationStatus(ID, SUSPENDED))
        .to.emit(registry, "AuthorizationStatusChanged")
        .withArgs(ID, ACTIVE, SUSPENDED);
      await expect(registry.setAuthorizationStatus(ID, ACTIVE))
        .to.emit(registry, "AuthorizationStatusChanged")
        .withArgs(ID, SUSPENDED, ACTIVE);
      await expect(registry.setAuthorizationStatus(ID, REVOKED))
        .to.emit(registry, "AuthorizationStatusChanged")
        .withArgs(ID, ACTIVE, REVOKED);
      await expect(registry.setAuthorizationStatus(ID, ACTIVE))
        .to.be.revertedWithCustomError(registry, "AuthorizationRegistryInvalidStatusTransition")
        .withArgs(ID, REVOKED, ACTIVE);
    });

    it("reverts AuthorizationRegistryUnknownId(id) for an id never recorded", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const unknown = ethers.id("authorization:unknown");
      for (const to of [NONE, ACTIVE, SUSPENDED, REVOKED]) {
        await expect(registry.setAuthorizationStatus(unknown, to))
          .to.be.revertedWithCustomError(registry, "AuthorizationRegistryUnknownId")
          .withArgs(unknown);
      }
    });

    it("reverts AuthorizationRegistryZeroId() for a zero id", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      await expect(registry.setAuthorizationStatus(ZERO, SUSPENDED)).to.be.revertedWithCustomError(
        registry,
        "AuthorizationRegistryZeroId",
      );
    });

    it("reverts without reason (ABI decoding) for a status value outside the enum", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      await expect(registry.setAuthorizationStatus(ID, 4)).to.be.revertedWithoutReason(ethers);
      expect((await registry.getAuthorization(ID)).status).to.equal(BigInt(ACTIVE));
    });
  });

  describe("isActive", () => {
    it("is true only while Active and within [validFrom, validUntil], both ends inclusive", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      expect(await registry.isActive(ID, VALID_FROM - 1n)).to.equal(false);
      expect(await registry.isActive(ID, VALID_FROM)).to.equal(true);
      expect(await registry.isActive(ID, VALID_UNTIL)).to.equal(true);
      expect(await registry.isActive(ID, VALID_UNTIL + 1n)).to.equal(false);
    });

    it("is false while Suspended, true again after resuming, false for good once Revoked", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const inTerm = VALID_FROM + DAY;
      await registry.setAuthorizationStatus(ID, SUSPENDED);
      expect(await registry.isActive(ID, inTerm)).to.equal(false);
      await registry.setAuthorizationStatus(ID, ACTIVE);
      expect(await registry.isActive(ID, inTerm)).to.equal(true);
      await registry.setAuthorizationStatus(ID, REVOKED);
      expect(await registry.isActive(ID, inTerm)).to.equal(false);
    });

    it("is false for an unknown id", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      expect(await registry.isActive(ethers.id("authorization:unknown"), VALID_FROM)).to.equal(false);
    });
  });

  describe("roles", () => {
    it("refuses recording and status changes without REGISTRAR_ROLE (AccessControlUnauthorizedAccount)", async () => {
      const { registry, outsider, REGISTRAR_ROLE } = await networkHelpers.loadFixture(recordedFixture);
      const asOutsider = registry.connect(outsider);
      await expect(
        asOutsider.recordAuthorization(
          ethers.id("authorization:x"),
          OPERATOR,
          SCENARIO_HASH,
          SCOPE_HASH,
          VALID_FROM,
          VALID_UNTIL,
        ),
      )
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, REGISTRAR_ROLE);
      await expect(asOutsider.setAuthorizationStatus(ID, REVOKED))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, REGISTRAR_ROLE);
      expect((await registry.getAuthorization(ID)).status).to.equal(BigInt(ACTIVE));
    });

    it("lets the admin grant REGISTRAR_ROLE; the grantee records as itself; revoking the role stops it", async () => {
      const { registry, admin, registrar, REGISTRAR_ROLE } = await networkHelpers.loadFixture(deployFixture);
      await expect(registry.grantRole(REGISTRAR_ROLE, registrar.address))
        .to.emit(registry, "RoleGranted")
        .withArgs(REGISTRAR_ROLE, registrar.address, admin.address);
      await registry
        .connect(registrar)
        .recordAuthorization(ID, OPERATOR, SCENARIO_HASH, SCOPE_HASH, VALID_FROM, VALID_UNTIL);
      expect((await registry.getAuthorization(ID)).recordedBy).to.equal(registrar.address);
      await registry.revokeRole(REGISTRAR_ROLE, registrar.address);
      await expect(registry.connect(registrar).setAuthorizationStatus(ID, SUSPENDED))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(registrar.address, REGISTRAR_ROLE);
    });

    it("refuses role grants from a non-admin", async () => {
      const { registry, outsider, REGISTRAR_ROLE, DEFAULT_ADMIN_ROLE } =
        await networkHelpers.loadFixture(deployFixture);
      await expect(registry.connect(outsider).grantRole(REGISTRAR_ROLE, outsider.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, DEFAULT_ADMIN_ROLE);
    });
  });
});

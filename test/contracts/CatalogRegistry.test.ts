/**
 * CatalogRegistry on Hardhat's in-process EDR chain: recording, reading, isActive over the
 * term, every allowed and forbidden status transition (Coded → Superseded | Deregistered |
 * Expired, all final), every revert by error name and arguments, the 5-year term limit, roles,
 * events, and the absence of any way to transfer or re-assign a registration.
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

interface TStoredRegistration {
  datasetCodeHash: string;
  sourceId: string;
  entryHash: string;
  validFrom: bigint;
  validUntil: bigint;
  status: bigint;
  recordedAt: bigint;
  statusChangedAt: bigint;
  recordedBy: string;
}

/** The contract's surface as used here (typechain types are not available to the type check). */
interface TCatalogRegistry extends BaseContract {
  REGISTRAR_ROLE(): Promise<string>;
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  MAX_TERM(): Promise<bigint>;
  hasRole(role: string, account: string): Promise<boolean>;
  getRoleAdmin(role: string): Promise<string>;
  grantRole(role: string, account: string): Promise<ContractTransactionResponse>;
  revokeRole(role: string, account: string): Promise<ContractTransactionResponse>;
  recordRegistration(
    id: string,
    datasetCodeHash: string,
    sourceId: string,
    entryHash: string,
    validFrom: bigint,
    validUntil: bigint,
  ): Promise<ContractTransactionResponse>;
  setRegistrationStatus(id: string, status: number): Promise<ContractTransactionResponse>;
  getRegistration(id: string): Promise<TStoredRegistration>;
  isActive(id: string, timestamp: bigint): Promise<boolean>;
  connect(runner: ContractRunner | null): TCatalogRegistry;
}

const NONE = 0;
const CODED = 1;
const SUPERSEDED = 2;
const DEREGISTERED = 3;
const EXPIRED = 4;
const STATUSES = [NONE, CODED, SUPERSEDED, DEREGISTERED, EXPIRED];
const STATUS_NAMES = ["None", "Coded", "Superseded", "Deregistered", "Expired"] as const;

const DAY = 86_400n;
/** 5 × 365 days + 2 leap days. */
const MAX_TERM = (5n * 365n + 2n) * DAY;
const ZERO = ethers.ZeroHash;

const ID = ethers.id("registration:0b6f3c1e-2a4d-4e8f-9b7a-1c2d3e4f5a6b");
const DATASET = ethers.id("LE-BASE");
const SOURCE = ethers.id("org:market-regulation");
const ENTRY_HASH = ethers.id('{"code":"LE-BASE"}');
const VALID_FROM = 1_780_000_000n;
const VALID_UNTIL = VALID_FROM + 3n * 365n * DAY;

async function deployFixture() {
  const [admin, registrar, outsider] = await ethers.getSigners();
  const registry = (await ethers.deployContract("CatalogRegistry", [], admin)) as unknown as TCatalogRegistry;
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
  await f.registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL);
  return f;
}

/** A recorded registration moved into `status` by an allowed transition. */
async function registryWith(status: number) {
  const f = await networkHelpers.loadFixture(recordedFixture);
  if (status !== CODED) await f.registry.setRegistrationStatus(ID, status);
  return f;
}

const ALLOWED: ReadonlySet<string> = new Set(["1->2", "1->3", "1->4"]);

describe("CatalogRegistry", () => {
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
    });

    it("has no transfer or re-assignment function: only record, status change and roles mutate", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      const mutating: string[] = [];
      registry.interface.forEachFunction((fn) => {
        if (!fn.constant) mutating.push(fn.name);
      });
      expect(mutating.sort()).to.deep.equal([
        "grantRole",
        "recordRegistration",
        "renounceRole",
        "revokeRole",
        "setRegistrationStatus",
      ]);
    });
  });

  describe("recordRegistration", () => {
    it("stores every field with status Coded, block time and sender; getRegistration reads it", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(deployFixture);
      const tx = await registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      const stored = await registry.getRegistration(ID);
      expect(stored.datasetCodeHash).to.equal(DATASET);
      expect(stored.sourceId).to.equal(SOURCE);
      expect(stored.entryHash).to.equal(ENTRY_HASH);
      expect(stored.validFrom).to.equal(VALID_FROM);
      expect(stored.validUntil).to.equal(VALID_UNTIL);
      expect(stored.status).to.equal(BigInt(CODED));
      expect(stored.recordedAt).to.equal(BigInt(block!.timestamp));
      expect(stored.statusChangedAt).to.equal(BigInt(block!.timestamp));
      expect(stored.recordedBy).to.equal(admin.address);
    });

    it("emits RegistrationRecorded with id, dataset, source, entry hash and term", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL))
        .to.emit(registry, "RegistrationRecorded")
        .withArgs(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL);
    });

    it("returns a zeroed record (status None) for an id never recorded", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const other = await registry.getRegistration(ethers.id("registration:other"));
      expect(other.status).to.equal(BigInt(NONE));
      expect(other.entryHash).to.equal(ZERO);
      expect(other.recordedBy).to.equal(ethers.ZeroAddress);
    });

    it("reverts CatalogRegistryAlreadyRecorded(id) on a second record of the same id, keeping the first", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const otherEntry = ethers.id("another entry");
      await expect(registry.recordRegistration(ID, DATASET, SOURCE, otherEntry, VALID_FROM, VALID_UNTIL))
        .to.be.revertedWithCustomError(registry, "CatalogRegistryAlreadyRecorded")
        .withArgs(ID);
      expect((await registry.getRegistration(ID)).entryHash).to.equal(ENTRY_HASH);
    });

    it("reverts AlreadyRecorded for a superseded id too: an id is never reused", async () => {
      const { registry } = await registryWith(SUPERSEDED);
      await expect(registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL))
        .to.be.revertedWithCustomError(registry, "CatalogRegistryAlreadyRecorded")
        .withArgs(ID);
    });

    it("reverts CatalogRegistryZeroId() for a zero id", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(
        registry.recordRegistration(ZERO, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL),
      ).to.be.revertedWithCustomError(registry, "CatalogRegistryZeroId");
    });

    for (const field of ["datasetCodeHash", "sourceId", "entryHash"] as const) {
      it(`reverts CatalogRegistryZeroValue(id, "${field}") for a zero ${field}`, async () => {
        const { registry } = await networkHelpers.loadFixture(deployFixture);
        const args = { datasetCodeHash: DATASET, sourceId: SOURCE, entryHash: ENTRY_HASH, [field]: ZERO };
        await expect(
          registry.recordRegistration(
            ID,
            args.datasetCodeHash,
            args.sourceId,
            args.entryHash,
            VALID_FROM,
            VALID_UNTIL,
          ),
        )
          .to.be.revertedWithCustomError(registry, "CatalogRegistryZeroValue")
          .withArgs(ID, field);
      });
    }

    it("reverts CatalogRegistryInvalidTerm when validUntil equals or precedes validFrom", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      for (const until of [VALID_FROM, VALID_FROM - 1n]) {
        await expect(registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, until))
          .to.be.revertedWithCustomError(registry, "CatalogRegistryInvalidTerm")
          .withArgs(ID, VALID_FROM, until);
      }
    });

    it("accepts a term of exactly MAX_TERM and refuses one second more with CatalogRegistryTermTooLong", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(
        registry.recordRegistration(
          ethers.id("registration:longest"),
          DATASET,
          SOURCE,
          ENTRY_HASH,
          VALID_FROM,
          VALID_FROM + MAX_TERM,
        ),
      ).to.emit(registry, "RegistrationRecorded");
      await expect(
        registry.recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_FROM + MAX_TERM + 1n),
      )
        .to.be.revertedWithCustomError(registry, "CatalogRegistryTermTooLong")
        .withArgs(ID, MAX_TERM + 1n, MAX_TERM);
    });
  });

  describe("setRegistrationStatus: every transition", () => {
    for (const from of [CODED, SUPERSEDED, DEREGISTERED, EXPIRED]) {
      for (const to of STATUSES) {
        const allowed = ALLOWED.has(`${from}->${to}`);
        const title = `${STATUS_NAMES[from]} → ${STATUS_NAMES[to]} is ${allowed ? "allowed" : "refused"}`;
        it(title, async () => {
          const { registry } = await registryWith(from);
          if (allowed) {
            const tx = registry.setRegistrationStatus(ID, to);
            await expect(tx).to.emit(registry, "RegistrationStatusChanged").withArgs(ID, from, to);
            const receipt = await (await tx).wait();
            const block = await ethers.provider.getBlock(receipt!.blockNumber);
            const stored = await registry.getRegistration(ID);
            expect(stored.status).to.equal(BigInt(to));
            expect(stored.statusChangedAt).to.equal(BigInt(block!.timestamp));
            expect(stored.sourceId).to.equal(SOURCE);
          } else {
            await expect(registry.setRegistrationStatus(ID, to))
              .to.be.revertedWithCustomError(registry, "CatalogRegistryInvalidStatusTransition")
              .withArgs(ID, from, to);
            expect((await registry.getRegistration(ID)).status).to.equal(BigInt(from));
          }
        });
      }
    }

    it("reverts CatalogRegistryUnknownId(id) for an id never recorded", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      const unknown = ethers.id("registration:unknown");
      for (const to of STATUSES) {
        await expect(registry.setRegistrationStatus(unknown, to))
          .to.be.revertedWithCustomError(registry, "CatalogRegistryUnknownId")
          .withArgs(unknown);
      }
    });

    it("reverts CatalogRegistryZeroId() for a zero id", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      await expect(registry.setRegistrationStatus(ZERO, EXPIRED)).to.be.revertedWithCustomError(
        registry,
        "CatalogRegistryZeroId",
      );
    });

    it("reverts without reason (ABI decoding) for a status value outside the enum", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      await expect(registry.setRegistrationStatus(ID, 5)).to.be.revertedWithoutReason(ethers);
      expect((await registry.getRegistration(ID)).status).to.equal(BigInt(CODED));
    });
  });

  describe("isActive", () => {
    it("is true only while Coded and within [validFrom, validUntil], both ends inclusive", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      expect(await registry.isActive(ID, VALID_FROM - 1n)).to.equal(false);
      expect(await registry.isActive(ID, VALID_FROM)).to.equal(true);
      expect(await registry.isActive(ID, VALID_UNTIL)).to.equal(true);
      expect(await registry.isActive(ID, VALID_UNTIL + 1n)).to.equal(false);
    });

    for (const status of [SUPERSEDED, DEREGISTERED, EXPIRED]) {
      it(`is false once ${STATUS_NAMES[status]}, even within the term`, async () => {
        const { registry } = await registryWith(status);
        expect(await registry.isActive(ID, VALID_FROM + DAY)).to.equal(false);
      });
    }

    it("is false for an unknown id", async () => {
      const { registry } = await networkHelpers.loadFixture(recordedFixture);
      expect(await registry.isActive(ethers.id("registration:unknown"), VALID_FROM)).to.equal(false);
    });
  });

  describe("roles", () => {
    it("refuses recording and status changes without REGISTRAR_ROLE (AccessControlUnauthorizedAccount)", async () => {
      const { registry, outsider, REGISTRAR_ROLE } = await networkHelpers.loadFixture(recordedFixture);
      const asOutsider = registry.connect(outsider);
      await expect(
        asOutsider.recordRegistration(
          ethers.id("registration:x"),
          DATASET,
          SOURCE,
          ENTRY_HASH,
          VALID_FROM,
          VALID_UNTIL,
        ),
      )
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, REGISTRAR_ROLE);
      await expect(asOutsider.setRegistrationStatus(ID, DEREGISTERED))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, REGISTRAR_ROLE);
      expect((await registry.getRegistration(ID)).status).to.equal(BigInt(CODED));
    });

    it("lets the admin grant REGISTRAR_ROLE; the grantee records as itself; revoking the role stops it", async () => {
      const { registry, admin, registrar, REGISTRAR_ROLE } = await networkHelpers.loadFixture(deployFixture);
      await expect(registry.grantRole(REGISTRAR_ROLE, registrar.address))
        .to.emit(registry, "RoleGranted")
        .withArgs(REGISTRAR_ROLE, registrar.address, admin.address);
      await registry
        .connect(registrar)
        .recordRegistration(ID, DATASET, SOURCE, ENTRY_HASH, VALID_FROM, VALID_UNTIL);
      expect((await registry.getRegistration(ID)).recordedBy).to.equal(registrar.address);
      await registry.revokeRole(REGISTRAR_ROLE, registrar.address);
      await expect(registry.connect(registrar).setRegistrationStatus(ID, EXPIRED))
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

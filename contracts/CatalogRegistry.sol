// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title CatalogRegistry
 * @notice The public record of coded dataset registrations (目录登记): which source department
 * registered which dataset entry, with what content hash and term, and the registration's
 * status. A registration is written once; afterwards only its status may move forward
 * (Coded → Superseded | Deregistered | Expired, all final).
 * @dev Ids and hashes are computed off-chain (common/src/authorization-scope.ts):
 * id = keccak256("registration:" + uuid), sourceId = keccak256("org:" + orgId).
 * Nothing here can be transferred: there is no owner of a record, only the registrar that wrote it.
 */
contract CatalogRegistry is AccessControl {
    /// @notice Role allowed to record registrations and change their status. Admin: DEFAULT_ADMIN_ROLE.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Longest term of a registration: 5 years of 365 days plus the 2 leap days a 5-year span may hold (1827 days).
    uint64 public constant MAX_TERM = (5 * 365 + 2) * 1 days;

    /// @notice Status of a registration. `None` means the id was never recorded.
    enum RegistrationStatus {
        None,
        Coded,
        Superseded,
        Deregistered,
        Expired
    }

    /// @notice A recorded registration; `status == None` means the id is not recorded.
    struct Registration {
        bytes32 datasetCodeHash;
        bytes32 sourceId;
        bytes32 entryHash;
        uint64 validFrom;
        uint64 validUntil;
        RegistrationStatus status;
        uint64 recordedAt;
        uint64 statusChangedAt;
        address recordedBy;
    }

    mapping(bytes32 id => Registration) private _registrations;

    /// @notice The registration id must not be zero.
    error CatalogRegistryZeroId();
    /// @notice A hash or id field of the registration must not be zero; `field` names it.
    error CatalogRegistryZeroValue(bytes32 id, string field);
    /// @notice The id is already recorded; registrations are written once.
    error CatalogRegistryAlreadyRecorded(bytes32 id);
    /// @notice No registration with this id is recorded.
    error CatalogRegistryUnknownId(bytes32 id);
    /// @notice The status change is not allowed (only Coded may change, and only to a final status).
    error CatalogRegistryInvalidStatusTransition(bytes32 id, RegistrationStatus from, RegistrationStatus to);
    /// @notice `validUntil` must be after `validFrom`.
    error CatalogRegistryInvalidTerm(bytes32 id, uint64 validFrom, uint64 validUntil);
    /// @notice `validUntil - validFrom` exceeds MAX_TERM.
    error CatalogRegistryTermTooLong(bytes32 id, uint64 term, uint64 maxTerm);

    /// @notice Emitted once per registration, when it is recorded (status Coded).
    event RegistrationRecorded(
        bytes32 indexed id,
        bytes32 indexed datasetCodeHash,
        bytes32 indexed sourceId,
        bytes32 entryHash,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Emitted on every status change after recording.
    event RegistrationStatusChanged(bytes32 indexed id, RegistrationStatus from, RegistrationStatus to);

    /// @notice Makes the deployer the admin and the first registrar.
    constructor() {
        _grantRole(DEFAULT_ADMIN_ROLE, _msgSender());
        _grantRole(REGISTRAR_ROLE, _msgSender());
    }

    /**
     * @notice Records a coded registration (status Coded).
     * @param id keccak256("registration:" + uuid); non-zero, recorded at most once.
     * @param datasetCodeHash keccak256 of the dataset code (UTF-8); non-zero.
     * @param sourceId keccak256("org:" + orgId) of the source department; non-zero.
     * @param entryHash keccak256 of the canonical JSON of the registered catalog entry; non-zero.
     * @param validFrom Start of the term (unix seconds).
     * @param validUntil End of the term (unix seconds, inclusive); after validFrom, at most MAX_TERM later.
     */
    function recordRegistration(
        bytes32 id,
        bytes32 datasetCodeHash,
        bytes32 sourceId,
        bytes32 entryHash,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyRole(REGISTRAR_ROLE) {
        if (id == bytes32(0)) revert CatalogRegistryZeroId();
        if (_registrations[id].status != RegistrationStatus.None) revert CatalogRegistryAlreadyRecorded(id);
        if (datasetCodeHash == bytes32(0)) revert CatalogRegistryZeroValue(id, "datasetCodeHash");
        if (sourceId == bytes32(0)) revert CatalogRegistryZeroValue(id, "sourceId");
        if (entryHash == bytes32(0)) revert CatalogRegistryZeroValue(id, "entryHash");
        if (validUntil <= validFrom) revert CatalogRegistryInvalidTerm(id, validFrom, validUntil);
        if (validUntil - validFrom > MAX_TERM) revert CatalogRegistryTermTooLong(id, validUntil - validFrom, MAX_TERM);

        _registrations[id] = Registration({
            datasetCodeHash: datasetCodeHash,
            sourceId: sourceId,
            entryHash: entryHash,
            validFrom: validFrom,
            validUntil: validUntil,
            status: RegistrationStatus.Coded,
            recordedAt: uint64(block.timestamp),
            statusChangedAt: uint64(block.timestamp),
            recordedBy: _msgSender()
        });
        emit RegistrationRecorded(id, datasetCodeHash, sourceId, entryHash, validFrom, validUntil);
    }

    /**
     * @notice Moves a Coded registration to a final status (Superseded, Deregistered or Expired).
     * @dev Every other change reverts CatalogRegistryInvalidStatusTransition, including setting
     * the current status again (callers read first to stay idempotent).
     * @param id The registration id.
     * @param status The new status.
     */
    function setRegistrationStatus(bytes32 id, RegistrationStatus status) external onlyRole(REGISTRAR_ROLE) {
        if (id == bytes32(0)) revert CatalogRegistryZeroId();
        Registration storage registration = _registrations[id];
        RegistrationStatus from = registration.status;
        if (from == RegistrationStatus.None) revert CatalogRegistryUnknownId(id);
        bool allowed = from == RegistrationStatus.Coded &&
            (status == RegistrationStatus.Superseded ||
                status == RegistrationStatus.Deregistered ||
                status == RegistrationStatus.Expired);
        if (!allowed) revert CatalogRegistryInvalidStatusTransition(id, from, status);

        registration.status = status;
        registration.statusChangedAt = uint64(block.timestamp);
        emit RegistrationStatusChanged(id, from, status);
    }

    /**
     * @notice Returns the registration, or a zeroed one (status None) if the id is not recorded.
     * @param id The registration id.
     * @return The stored registration.
     */
    function getRegistration(bytes32 id) external view returns (Registration memory) {
        return _registrations[id];
    }

    /**
     * @notice True when the registration is Coded and `timestamp` lies within [validFrom, validUntil].
     * @param id The registration id.
     * @param timestamp Unix seconds.
     * @return Whether the registration is in force at `timestamp`.
     */
    function isActive(bytes32 id, uint64 timestamp) external view returns (bool) {
        Registration storage registration = _registrations[id];
        return
            registration.status == RegistrationStatus.Coded &&
            timestamp >= registration.validFrom &&
            timestamp <= registration.validUntil;
    }
}

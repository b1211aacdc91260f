// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title AuthorizationRegistry
 * @notice The public record of operation authorizations (授权运营): which operator may run which
 * filed scenario over which data scope, for what term, and whether the authorization is in force.
 * The enclave reads it at job time and refuses unless the authorization is Active and in term.
 * @dev Authorizations are non-transferable: there is no transfer function and the operator of
 * a record can never change. Only the status moves: Active ⇄ Suspended, Active | Suspended →
 * Revoked (final). Expiry needs no status: isActive checks the term.
 * Ids and hashes are computed off-chain (common/src/authorization-scope.ts):
 * id = keccak256("authorization:" + uuid), operatorId = keccak256("org:" + orgId),
 * scopeHash = keccak256(canonical JSON of the scope).
 */
contract AuthorizationRegistry is AccessControl {
    /// @notice Role allowed to record authorizations and change their status. Admin: DEFAULT_ADMIN_ROLE.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Longest term of an authorization: 5 years of 365 days plus the 2 leap days a 5-year span may hold (1827 days).
    uint64 public constant MAX_TERM = (5 * 365 + 2) * 1 days;

    /// @notice Status of an authorization. `None` means the id was never recorded.
    enum AuthorizationStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice A recorded authorization; `status == None` means the id is not recorded.
    struct Authorization {
        bytes32 operatorId;
        bytes32 scenarioHash;
        bytes32 scopeHash;
        uint64 validFrom;
        uint64 validUntil;
        AuthorizationStatus status;
        uint64 recordedAt;
        uint64 statusChangedAt;
        address recordedBy;
    }

    mapping(bytes32 id => Authorization) private _authorizations;

    /// @notice The authorization id must not be zero.
    error AuthorizationRegistryZeroId();
    /// @notice A hash or id field of the authorization must not be zero; `field` names it.
    error AuthorizationRegistryZeroValue(bytes32 id, string field);
    /// @notice The id is already recorded; authorizations are written once.
    error AuthorizationRegistryAlreadyRecorded(bytes32 id);
    /// @notice No authorization with this id is recorded.
    error AuthorizationRegistryUnknownId(bytes32 id);
    /// @notice The status change is not allowed (Revoked is final; a status cannot be set to itself or None).
    error AuthorizationRegistryInvalidStatusTransition(bytes32 id, AuthorizationStatus from, AuthorizationStatus to);
    /// @notice `validUntil` must be after `validFrom`.
    error AuthorizationRegistryInvalidTerm(bytes32 id, uint64 validFrom, uint64 validUntil);
    /// @notice `validUntil - validFrom` exceeds MAX_TERM.
    error AuthorizationRegistryTermTooLong(bytes32 id, uint64 term, uint64 maxTerm);

    /// @notice Emitted once per authorization, when it is recorded (status Active).
    event AuthorizationRecorded(
        bytes32 indexed id,
        bytes32 indexed operatorId,
        bytes32 scenarioHash,
        bytes32 scopeHash,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Emitted on every status change after recording.
    event AuthorizationStatusChanged(bytes32 indexed id, AuthorizationStatus from, AuthorizationStatus to);

    /// @notice Makes the deployer the admin and the first registrar.
    constructor() {
        _grantRole(DEFAULT_ADMIN_ROLE, _msgSender());
        _grantRole(REGISTRAR_ROLE, _msgSender());
    }

    /**
     * @notice Records an approved authorization (status Active).
     * @param id keccak256("authorization:" + uuid); non-zero, recorded at most once.
     * @param operatorId keccak256("org:" + orgId) of the operator; non-zero; never changes.
     * @param scenarioHash keccak256 of the canonical JSON of the filed scenario; non-zero.
     * @param scopeHash keccak256 of the canonical JSON of the authorized scope; non-zero.
     * @param validFrom Start of the term (unix seconds).
     * @param validUntil End of the term (unix seconds, inclusive); after validFrom, at most MAX_TERM later.
     */
    function recordAuthorization(
        bytes32 id,
        bytes32 operatorId,
        bytes32 scenarioHash,
        bytes32 scopeHash,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyRole(REGISTRAR_ROLE) {
        if (id == bytes32(0)) revert AuthorizationRegistryZeroId();
        if (_authorizations[id].status != AuthorizationStatus.None) revert AuthorizationRegistryAlreadyRecorded(id);
        if (operatorId == bytes32(0)) revert AuthorizationRegistryZeroValue(id, "operatorId");
        if (scenarioHash == bytes32(0)) revert AuthorizationRegistryZeroValue(id, "scenarioHash");
        if (scopeHash == bytes32(0)) revert AuthorizationRegistryZeroValue(id, "scopeHash");
        if (validUntil <= validFrom) revert AuthorizationRegistryInvalidTerm(id, validFrom, validUntil);
        if (validUntil - validFrom > MAX_TERM) {
            revert AuthorizationRegistryTermTooLong(id, validUntil - validFrom, MAX_TERM);
        }

        _authorizations[id] = Authorization({
            operatorId: operatorId,
            scenarioHash: scenarioHash,
            scopeHash: scopeHash,
            validFrom: validFrom,
            validUntil: validUntil,
            status: AuthorizationStatus.Active,
            recordedAt: uint64(block.timestamp),
            statusChangedAt: uint64(block.timestamp),
            recordedBy: _msgSender()
        });
        emit AuthorizationRecorded(id, operatorId, scenarioHash, scopeHash, validFrom, validUntil);
    }

    /**
     * @notice Changes the status: Active → Suspended | Revoked, Suspended → Active | Revoked.
     * @dev Every other change reverts AuthorizationRegistryInvalidStatusTransition, including
     * setting the current status again (callers read first to stay idempotent).
     * @param id The authorization id.
     * @param status The new status.
     */
    function setAuthorizationStatus(bytes32 id, AuthorizationStatus status) external onlyRole(REGISTRAR_ROLE) {
        if (id == bytes32(0)) revert AuthorizationRegistryZeroId();
        Authorization storage authorization = _authorizations[id];
        AuthorizationStatus from = authorization.status;
        if (from == AuthorizationStatus.None) revert AuthorizationRegistryUnknownId(id);
        bool allowed = (from == AuthorizationStatus.Active &&
            (status == AuthorizationStatus.Suspended || status == AuthorizationStatus.Revoked)) ||
            (from == AuthorizationStatus.Suspended &&
                (status == AuthorizationStatus.Active || status == AuthorizationStatus.Revoked));
        if (!allowed) revert AuthorizationRegistryInvalidStatusTransition(id, from, status);

        authorization.status = status;
        authorization.statusChangedAt = uint64(block.timestamp);
        emit AuthorizationStatusChanged(id, from, status);
    }

    /**
     * @notice Returns the authorization, or a zeroed one (status None) if the id is not recorded.
     * @param id The authorization id.
     * @return The stored authorization.
     */
    function getAuthorization(bytes32 id) external view returns (Authorization memory) {
        return _authorizations[id];
    }

    /**
     * @notice True when the authorization is Active and `timestamp` lies within [validFrom, validUntil].
     * @param id The authorization id.
     * @param timestamp Unix seconds.
     * @return Whether the authorization is in force at `timestamp`.
     */
    function isActive(bytes32 id, uint64 timestamp) external view returns (bool) {
        Authorization storage authorization = _authorizations[id];
        return
            authorization.status == AuthorizationStatus.Active &&
            timestamp >= authorization.validFrom &&
            timestamp <= authorization.validUntil;
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title UsageAnchor
 * @notice Anchors the Merkle roots of usage-record batches so anyone holding a record and its
 * proof can check it against the chain. A batch is written once and never changes.
 * @dev Leaves are keccak256(keccak256(recordHash)) and inner nodes use commutative keccak256
 * pair hashing (OpenZeppelin MerkleProof), matching common/src/merkle.ts off-chain.
 */
contract UsageAnchor is AccessControl {
    /// @notice Role allowed to anchor batches. Its admin is DEFAULT_ADMIN_ROLE (the deployer).
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @notice An anchored batch; `anchoredAt == 0` means the batch id is not anchored.
    struct Batch {
        bytes32 root;
        uint32 recordCount;
        uint64 anchoredAt;
        address anchoredBy;
    }

    mapping(uint64 batchId => Batch) private _batches;

    /// @notice The batch id already has a root; roots are immutable once anchored.
    error UsageAnchorBatchAlreadyAnchored(uint64 batchId, bytes32 existingRoot);
    /// @notice The root of a batch must not be zero.
    error UsageAnchorZeroRoot(uint64 batchId);
    /// @notice A batch must hold at least one record.
    error UsageAnchorZeroRecordCount(uint64 batchId);

    /// @notice Emitted once per batch, when its root is anchored.
    event BatchAnchored(uint64 indexed batchId, bytes32 root, uint32 recordCount, address indexed anchoredBy);

    /// @notice Makes the deployer the admin and the first anchorer.
    constructor() {
        _grantRole(DEFAULT_ADMIN_ROLE, _msgSender());
        _grantRole(ANCHORER_ROLE, _msgSender());
    }

    /**
     * @notice Anchors the Merkle root of a batch of usage records.
     * @dev Reverts with AccessControlUnauthorizedAccount unless the caller has ANCHORER_ROLE.
     * @param batchId Identifier of the batch (the marketplace's batch id); anchored at most once.
     * @param root Merkle root over the batch's record leaves; non-zero.
     * @param recordCount Number of records (leaves) in the batch; non-zero.
     */
    function anchorBatch(uint64 batchId, bytes32 root, uint32 recordCount) external onlyRole(ANCHORER_ROLE) {
        Batch storage existing = _batches[batchId];
        if (existing.anchoredAt != 0) revert UsageAnchorBatchAlreadyAnchored(batchId, existing.root);
        if (root == bytes32(0)) revert UsageAnchorZeroRoot(batchId);
        if (recordCount == 0) revert UsageAnchorZeroRecordCount(batchId);

        _batches[batchId] = Batch({
            root: root,
            recordCount: recordCount,
            anchoredAt: uint64(block.timestamp),
            anchoredBy: _msgSender()
        });

        emit BatchAnchored(batchId, root, recordCount, _msgSender());
    }

    /**
     * @notice Returns the anchored batch, or a zeroed Batch (anchoredAt == 0) if none.
     * @param batchId Identifier of the batch.
     * @return The stored batch.
     */
    function batchOf(uint64 batchId) external view returns (Batch memory) {
        return _batches[batchId];
    }

    /**
     * @notice Checks that `leaf` belongs to the anchored batch `batchId`.
     * @param batchId Identifier of the batch.
     * @param leaf keccak256(keccak256(recordHash)) of the record.
     * @param proof Sibling hashes from the leaf up to the root.
     * @return True when the batch is anchored and the proof leads from `leaf` to its root.
     */
    function verifyRecord(uint64 batchId, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        Batch storage batch = _batches[batchId];
        if (batch.anchoredAt == 0) return false;
        return MerkleProof.verifyCalldata(proof, batch.root, leaf);
    }
}

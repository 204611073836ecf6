// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ITAO
/// @notice The TAO token: ERC-20 with EIP-2612 permit, 9 decimals (1 TAO = 1e9 rao), hard-capped at
/// 21,000,000 TAO, minted only by the emission contract. Issuance is the total supply: burning (subtensor's
/// "recycling") lowers it, which delays the next halving exactly as on subtensor.
interface ITAO {
    /// @notice A caller other than the emission contract tried to mint.
    error UnauthorizedMinter(address caller, address minter);
    /// @notice A mint or burn of zero rao.
    error ZeroAmount();
    /// @notice A mint would take the supply past 21,000,000 TAO: `requested` rao asked, `available` left.
    error CapExceeded(uint256 requested, uint256 available);
    /// @notice The minter address given at deployment is zero.
    error ZeroMinter();

    /// @notice `amount` rao was minted to `to` by the emission contract.
    event Minted(address indexed to, uint256 amount);
    /// @notice `amount` rao held by `from` was recycled (burned), lowering issuance.
    event Recycled(address indexed from, uint256 amount);

    /// @notice The only address allowed to mint: the emission contract.
    function minter() external view returns (address);

    /// @notice TAO minted minus TAO recycled, in rao (equals `totalSupply()`).
    function issuance() external view returns (uint256);

    /// @notice Mints `amount` rao to `to`. Only the minter; reverts past the cap.
    function mint(address to, uint256 amount) external;

    /// @notice Recycles `amount` rao of the caller's TAO.
    function burn(uint256 amount) external;

    /// @notice Recycles `amount` rao of `from`'s TAO, spending the caller's allowance.
    function burnFrom(address from, uint256 amount) external;
}

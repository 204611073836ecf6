import { z } from "zod";
import { getAddress, isAddress, type Address } from "viem";

/**
 * A hotkey file, `<wallet>/hotkeys/<hotkey>.json`. Like btcli's hotkeys it is NOT encrypted, so miners and
 * validators can sign without a password; it is written with mode 0600 in a 0700 directory and the loader
 * refuses files that other users can read. Only the coldkey (which holds funds and owns stake) is encrypted.
 */
export const hotkeyFileSchema = z.object({
  version: z.literal(1),
  address: z
    .string()
    .refine((v) => isAddress(v, { strict: false }), "not a 0x address")
    .transform((v): Address => getAddress(v)),
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "not a 0x-prefixed 32-byte hex key")
    .transform((v) => v as `0x${string}`),
  mnemonic: z.string().nullable(),
  derivationPath: z.string().nullable(),
  createdAt: z.string(),
});

export type HotkeyFile = z.infer<typeof hotkeyFileSchema>;

/** Vocabulary for templates: pseudo-words built from random letters, names, items. */
import type { Rng } from "./prng.js";

const CONSONANTS = "bcdfghjklmnprstvwxz";
const VOWELS = "aeiouy";
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * A lowercase pseudo-word of `min`..`max` letters: mostly consonant-vowel syllables (pronounceable, so models
 * tokenise it like a word), sometimes fully random letters. Drawn from 26^len possibilities: not a fixed list.
 */
export function pseudoWord(rng: Rng, min = 5, max = 12): string {
  const len = rng.int(min, max);
  if (rng.chance(1, 4)) {
    let w = "";
    for (let i = 0; i < len; i++) w += LETTERS[rng.int(0, 25)];
    return w;
  }
  let w = "";
  let vowel = rng.chance(1, 3);
  while (w.length < len) {
    const set = vowel ? VOWELS : CONSONANTS;
    w += set[rng.int(0, set.length - 1)];
    // Occasionally two consonants or two vowels in a row.
    if (!rng.chance(1, 5)) vowel = !vowel;
  }
  return w;
}

export const NAMES = [
  "Ada",
  "Bola",
  "Chen",
  "Dario",
  "Elif",
  "Farah",
  "Goran",
  "Hana",
  "Ivo",
  "Jun",
  "Kiri",
  "Lena",
  "Mateo",
  "Nadia",
  "Omar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sven",
  "Tariq",
  "Uma",
  "Vera",
  "Wen",
  "Ximena",
  "Yusuf",
  "Zara",
] as const;

export const ITEMS = [
  "apples",
  "bolts",
  "books",
  "bottles",
  "bricks",
  "candles",
  "cards",
  "coins",
  "cups",
  "eggs",
  "files",
  "jars",
  "keys",
  "lamps",
  "marbles",
  "nails",
  "oranges",
  "pencils",
  "plates",
  "seeds",
  "shells",
  "stamps",
  "tiles",
  "tokens",
  "toys",
  "washers",
] as const;

export const CONTAINERS = ["boxes", "crates", "bags", "baskets", "trays", "cartons", "drawers", "bins"] as const;

export const VEHICLES = ["train", "truck", "bus", "ship", "cyclist", "drone", "car", "barge"] as const;

export function ordinal(n: number): string {
  const mod100 = n % 100;
  const suffix =
    mod100 >= 11 && mod100 <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}

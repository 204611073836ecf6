/**
 * Open prompts: seeded combinations of an instruction form, a subject, an audience and a length constraint
 * (9 forms × 90 subjects × 8 audiences × 6 lengths × 7 styles, with subject pairs for comparisons). No exact
 * answer: the round scores a reply by embedding similarity to the validator's own reference answer
 * (scoring/similarity.ts).
 */
import { hash128, type Rng } from "./prng.js";
import type { OpenTask } from "./task.js";

// prettier-ignore
const SUBJECTS = [
  "photosynthesis", "plate tectonics", "the water cycle", "compound interest", "public-key cryptography",
  "vaccination", "the greenhouse effect", "supply and demand", "binary search", "hash tables", "recursion",
  "the immune system", "black holes", "the printing press", "inflation", "natural selection", "DNA replication",
  "the Pythagorean theorem", "electric circuits", "ocean tides", "the scientific method", "opportunity cost",
  "garbage collection in programming languages", "version control with git", "the TCP handshake", "caching",
  "the French Revolution", "the Silk Road", "volcanoes", "earthquakes", "rainbows", "the seasons", "magnetism",
  "sound waves", "the Doppler effect", "antibiotics", "sleep", "memory in the human brain", "composting",
  "solar panels", "wind turbines", "nuclear fission", "batteries", "bread fermentation", "coffee roasting",
  "bridges", "arches in architecture", "the stock market", "central banks", "taxes", "democracy",
  "the Roman aqueducts", "maps and map projections", "GPS", "radio", "the internet", "databases", "encryption",
  "sorting algorithms", "machine learning", "neural networks", "probability", "statistics and sampling",
  "the number zero", "prime numbers", "fractions", "the metric system", "time zones", "leap years", "glaciers",
  "coral reefs", "bees and pollination", "bird migration", "the moon's phases", "eclipses", "gravity",
  "friction", "buoyancy", "the speed of light", "lasers", "microscopes", "telescopes", "recycling plastics",
  "water treatment", "the human heart", "muscles and exercise", "nutrition labels", "budgeting", "negotiation",
  "public speaking",
] as const;

const AUDIENCES = [
  "a ten-year-old",
  "a high-school student",
  "a busy manager",
  "a curious grandparent",
  "a new university student",
  "someone who speaks English as a second language",
  "an engineer from another field",
  "a journalist",
] as const;

const LENGTHS = [
  "in two sentences",
  "in three sentences",
  "in about fifty words",
  "in under eighty words",
  "in one short paragraph",
  "in four bullet points",
] as const;

const FORMS: readonly ((rng: Rng) => string)[] = [
  (rng) => `Explain ${rng.pick(SUBJECTS)} to ${rng.pick(AUDIENCES)} ${rng.pick(LENGTHS)}.`,
  (rng) => `Describe how ${rng.pick(SUBJECTS)} works, ${rng.pick(LENGTHS)}.`,
  (rng) => {
    const a = rng.pick(SUBJECTS);
    let b = rng.pick(SUBJECTS);
    while (b === a) b = rng.pick(SUBJECTS);
    return `Compare ${a} and ${b}: one similarity and one difference, ${rng.pick(LENGTHS)}.`;
  },
  (rng) => `Give three practical facts about ${rng.pick(SUBJECTS)} that ${rng.pick(AUDIENCES)} would find useful.`,
  (rng) =>
    `What is a common misconception about ${rng.pick(SUBJECTS)}, and what is actually true? Answer ${rng.pick(LENGTHS)}.`,
  (rng) => `Summarise the role of ${rng.pick(SUBJECTS)} in everyday life, ${rng.pick(LENGTHS)}.`,
  (rng) => `Write a short analogy that helps ${rng.pick(AUDIENCES)} understand ${rng.pick(SUBJECTS)}.`,
  (rng) => `List the key steps or parts of ${rng.pick(SUBJECTS)}, ${rng.pick(LENGTHS)}.`,
  (rng) =>
    `Answer as a teacher would: what question about ${rng.pick(SUBJECTS)} do students ask most, and how would you answer it ${rng.pick(LENGTHS)}?`,
];

const STYLES = [
  "",
  " Avoid jargon.",
  " Use one concrete example.",
  " Do not use lists.",
  " Mention one number or date that matters.",
  " Keep a neutral, factual tone.",
  " End with a one-line takeaway.",
] as const;

export function openTask(rng: Rng, id: string): OpenTask {
  const i = rng.int(0, FORMS.length - 1);
  const prompt = (FORMS[i] as (rng: Rng) => string)(rng) + rng.pick(STYLES);
  return { id, kind: "open", template: `open.${i}`, prompt };
}

/**
 * The sampling seed of the validator's reference answer to `prompt` (31 bits, as Ollama's `seed` option takes
 * it). A function of the prompt alone, which the round seed draws: validators running the same model on the
 * same prompt generate the same reference.
 */
export function referenceSeed(prompt: string): number {
  return (hash128(`reference:${prompt}`)[0] as number) >>> 1;
}

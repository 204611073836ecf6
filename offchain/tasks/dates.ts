/**
 * Calendar tasks in the proleptic Gregorian calendar, computed with integer day numbers (calendar.ts): weekday of
 * a date, days between two dates, a date plus or minus N days. Dates are written as ISO (YYYY-MM-DD) or in
 * English ("29 February 2000", "February 29, 2000"); answers are a weekday name, an integer, or an ISO date.
 */
import { exactNumberCheck, isoDateCheck, weekdayCheck } from "./answerCheck.js";
import {
  MONTHS,
  addDays,
  civilFromDays,
  daysBetween,
  daysFromCivil,
  daysInMonth,
  formatIso,
  weekday,
  type CivilDate,
} from "./calendar.js";
import { datesIn } from "./extract.js";
import type { Rng } from "./prng.js";
import type { VerifiableTask } from "./task.js";

const MIN_DAY = daysFromCivil({ year: 1600, month: 1, day: 1 });
const MAX_DAY = daysFromCivil({ year: 2399, month: 12, day: 31 });

function randomDate(rng: Rng, lo = MIN_DAY, hi = MAX_DAY): CivilDate {
  // A quarter of the dates fall on month edges (first day, last day, leap days), where mistakes happen.
  if (rng.chance(1, 4)) {
    const { year } = civilFromDays(rng.int(lo, hi));
    const month = rng.int(1, 12);
    const d = { year, month, day: rng.chance(1, 3) ? 1 : daysInMonth(year, month) };
    const n = daysFromCivil(d);
    if (n >= lo && n <= hi) return d;
  }
  return civilFromDays(rng.int(lo, hi));
}

function writeDate(rng: Rng, d: CivilDate): string {
  switch (rng.int(0, 2)) {
    case 0:
      return formatIso(d);
    case 1:
      return `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
    default:
      return `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`;
  }
}

/** The dates a prompt contains, in order (as `datesIn` reads them). */
const promptDates = (p: string): CivilDate[] => datesIn(p).map((x) => x.date);

interface Form {
  name: string;
  make: (rng: Rng) => { prompt: string; answer: string; check: (t: string) => import("./task.js").CheckResult };
  parse: RegExp;
  solve: (m: RegExpExecArray, dates: CivilDate[]) => string | undefined;
}

const DATE = "(\\d{4}-\\d{2}-\\d{2}|\\d{1,2} [A-Z][a-z]+ \\d{4}|[A-Z][a-z]+ \\d{1,2}, \\d{4})";

const FORMS: readonly Form[] = [
  {
    name: "weekday",
    make: (rng) => {
      const d = randomDate(rng);
      const answer = weekday(d);
      const text = writeDate(rng, d);
      return {
        prompt: rng.pick([
          `What day of the week is ${text} in the Gregorian calendar?`,
          `On which weekday does ${text} fall (Gregorian calendar)?`,
        ]),
        answer,
        check: weekdayCheck(answer),
      };
    },
    parse: new RegExp(`(?:What day of the week is ${DATE} in the Gregorian|On which weekday does ${DATE} fall)`),
    solve: (_m, dates) => (dates.length === 1 ? weekday(dates[0] as CivilDate) : undefined),
  },
  {
    name: "between",
    make: (rng) => {
      const a = randomDate(rng);
      const span = rng.chance(1, 2) ? rng.int(1, 400) : rng.int(401, 40_000);
      const b = addDays(a, span);
      const answer = String(daysBetween(a, b));
      const ta = writeDate(rng, a),
        tb = writeDate(rng, b);
      return {
        prompt: rng.pick([
          `How many days are there from ${ta} to ${tb}? Count the difference between the dates.`,
          `${tb} is how many days after ${ta}?`,
          `Compute the number of days between ${ta} and ${tb} (the later date minus the earlier one).`,
        ]),
        answer,
        check: exactNumberCheck(answer, { ignoreDates: true }),
      };
    },
    parse: new RegExp(
      `(?:How many days are there from ${DATE} to ${DATE}\\?|${DATE} is how many days after ${DATE}\\?|Compute the number of days between ${DATE} and ${DATE})`,
    ),
    solve: (m, dates) => {
      if (dates.length !== 2) return undefined;
      const [x, y] = dates as [CivilDate, CivilDate];
      // "B is how many days after A": the later date comes first.
      return String(m[3] !== undefined ? daysBetween(y, x) : daysBetween(x, y));
    },
  },
  {
    name: "shift",
    make: (rng) => {
      const n = rng.chance(1, 2) ? rng.int(1, 400) : rng.int(401, 50_000);
      const before = rng.chance(1, 3);
      const a = randomDate(rng, MIN_DAY + 50_000, MAX_DAY - 50_000);
      const answer = formatIso(addDays(a, before ? -n : n));
      const ta = writeDate(rng, a);
      const dir = before ? "before" : "after";
      return {
        prompt: rng.pick([
          `What date is ${n} days ${dir} ${ta}? Answer in YYYY-MM-DD format.`,
          `Give the date that falls ${n} days ${dir} ${ta}, written as YYYY-MM-DD.`,
        ]),
        answer,
        check: isoDateCheck(answer),
      };
    },
    parse: new RegExp(`(?:What date is|Give the date that falls) (\\d+) days (before|after) ${DATE}`),
    solve: (m, dates) => {
      if (dates.length !== 1) return undefined;
      const n = Number(m[1]);
      return formatIso(addDays(dates[0] as CivilDate, m[2] === "before" ? -n : n));
    },
  },
];

export function dateTask(rng: Rng, id: string): VerifiableTask {
  const form = rng.pick(FORMS);
  const made = form.make(rng);
  return {
    id,
    kind: "date",
    template: `date.${form.name}`,
    prompt: made.prompt,
    answer: made.answer,
    check: made.check,
  };
}

/** The answer to any prompt `dateTask` makes, else undefined. */
export function solveDate(prompt: string): string | undefined {
  for (const form of FORMS) {
    const m = form.parse.exec(prompt);
    if (m) return form.solve(m, promptDates(m[0]));
  }
  return undefined;
}

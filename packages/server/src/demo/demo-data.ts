import type BetterSqlite3 from 'better-sqlite3';
import {
  CATEGORIES,
  CITIES,
  CO_A,
  CO_B,
  CO_C,
  DEPTS,
  FIRST,
  ITEM_NOUN,
  ITEM_SIZE,
  JOBS,
  LAST,
  STREETS,
  TERMS,
  WAREHOUSES,
} from './demo-words.js';

/** Row counts of the generated demo, for tests and docs. */
export const DEMO_COUNTS = {
  EMPMST: 80,
  CUSTMST: 600,
  VNDMST: 60,
  ITMMST: 400,
  WHSLOC: 60,
  ORDHDR: 2000,
  X_TMP_BAK_CUSTMST_0311: 120,
} as const;

/** A seeded PRNG (mulberry32): the demo must hold the same rows on every machine and every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills an empty demo schema with deterministic rows; runs in one transaction. */
export function fillDemoData(db: BetterSqlite3.Database, seed = 19_970_401): void {
  const rnd = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const day = (start: string, maxDays: number) => addDays(start, int(0, maxDays));

  db.transaction(() => {
    const emp = db.prepare('INSERT INTO EMPMST VALUES (?,?,?,?,?,?,?,?)');
    const salesReps: number[] = [];
    for (let i = 0; i < DEMO_COUNTS.EMPMST; i++) {
      const empno = 1001 + i * 3;
      const dept = i < 4 ? 'ADM' : pick(DEPTS);
      const terminated = i > 10 && chance(0.2);
      if (dept === 'SLS' && !terminated) salesReps.push(empno);
      emp.run(
        empno,
        `${pick(LAST)}, ${pick(FIRST)}${chance(0.3) ? ` ${String.fromCharCode(65 + int(0, 25))}` : ''}`,
        dept,
        chance(0.1) ? null : JOBS[dept],
        i < 4 ? (i === 0 ? null : 1001) : 1001 + int(0, 3) * 3,
        day('19850101', 9000),
        terminated ? day('20050101', 2500) : '00000000',
        terminated ? 'I' : 'A',
      );
    }

    const cust = db.prepare('INSERT INTO CUSTMST VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
    const customers: number[] = [];
    for (let i = 0; i < DEMO_COUNTS.CUSTMST; i++) {
      const custno = 100_000 + i * 7 + int(0, 6);
      customers.push(custno);
      const [city, state, zip] = pick(CITIES);
      const name = `${pick(CO_A)} ${pick(CO_B)} ${pick(CO_C)}`.trim();
      cust.run(
        custno,
        // Legacy data entry: some names padded, some lower case.
        chance(0.05) ? name.toLowerCase() : chance(0.1) ? `${name}   ` : name,
        `${int(10, 9999)} ${pick(STREETS)}`,
        chance(0.2) ? `SUITE ${int(1, 400)}` : chance(0.1) ? '' : null,
        city,
        state,
        `${zip}${String(int(0, 99)).padStart(2, '0')}${chance(0.3) ? `-${String(int(0, 9999)).padStart(4, '0')}` : ''}`,
        chance(0.1) ? null : `${int(200, 989)}-${int(200, 999)}-${String(int(0, 9999)).padStart(4, '0')}`,
        pick([0, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000]),
        pick(TERMS),
        chance(0.05) ? 9999 : pick(salesReps),
        day('19890101', 7000),
        chance(0.15) ? 'I' : 'A',
      );
    }

    const vnd = db.prepare('INSERT INTO VNDMST VALUES (?,?,?,?,?,?,?)');
    for (let i = 0; i < DEMO_COUNTS.VNDMST; i++) {
      const [city, state] = pick(CITIES);
      vnd.run(
        500 + i,
        `${pick(CO_A)} ${pick(CO_B)} MFG`,
        `${int(10, 9999)} ${pick(STREETS)}`,
        city,
        state,
        pick(TERMS),
        chance(0.1) ? 'I' : 'A',
      );
    }

    const itm = db.prepare('INSERT INTO ITMMST VALUES (?,?,?,?,?,?,?,?)');
    const items: { no: string; price: number }[] = [];
    for (let i = 0; i < DEMO_COUNTS.ITMMST; i++) {
      const [cat, uom] = pick(CATEGORIES);
      const no = `${cat}${String(1000 + i * 3).padStart(5, '0')}`;
      const cost = Math.round((0.05 + rnd() * rnd() * 180) * 100) / 100;
      const price = Math.round(cost * (1.2 + rnd() * 0.8) * 100) / 100;
      items.push({ no, price });
      itm.run(
        no,
        `${pick(ITEM_NOUN)} ${pick(ITEM_SIZE)}`,
        cat,
        uom,
        price,
        cost,
        chance(0.03) ? null : 500 + int(0, DEMO_COUNTS.VNDMST - 1),
        chance(0.08) ? 'I' : 'A',
      );
    }

    const loc = db.prepare('INSERT INTO WHSLOC VALUES (?,?,?,?)');
    const locations: [string, string][] = [];
    for (const whs of WAREHOUSES) {
      for (let i = 0; i < DEMO_COUNTS.WHSLOC / WAREHOUSES.length; i++) {
        const aisle = String.fromCharCode(65 + Math.floor(i / 5));
        const code = `${aisle}${String((i % 5) + 1).padStart(2, '0')}-${int(1, 4)}`;
        locations.push([whs, code]);
        loc.run(whs, code, `AISLE ${aisle} BAY ${(i % 5) + 1}`, pick(['A', 'B', 'C', null]));
      }
    }

    const inv = db.prepare('INSERT OR IGNORE INTO INVBAL VALUES (?,?,?,?,?,?)');
    for (const item of items) {
      for (let n = int(2, 5); n > 0; n--) {
        const [whs, code] = pick(locations);
        const onHand = chance(0.07) ? -int(1, 12) : int(0, 800);
        inv.run(
          whs,
          code,
          item.no,
          onHand,
          Math.max(0, Math.min(onHand, int(0, 50))),
          chance(0.2) ? '00000000' : day('20080101', 1400),
        );
      }
    }

    const hdr = db.prepare('INSERT INTO ORDHDR VALUES (?,?,?,?,?,?,?,?,?)');
    const dtl = db.prepare('INSERT INTO ORDDTL VALUES (?,?,?,?,?,?,?)');
    const ar = db.prepare('INSERT INTO ARINV VALUES (?,?,?,?,?,?,?,?)');
    const gl = db.prepare('INSERT INTO GLJRNL VALUES (?,?,?,?,?,?,?,?)');
    let invno = 700_000;
    let jrnno = 40_000;
    for (let i = 0; i < DEMO_COUNTS.ORDHDR; i++) {
      const ordno = 300_000 + i;
      const custno = pick(customers);
      const orddt = day('20030101', 3280);
      const status = i > DEMO_COUNTS.ORDHDR - 120 ? 'O' : pick(['S', 'S', 'S', 'S', 'C', 'X', 'O']);
      const shipped = status === 'S' || status === 'C';
      const lines: [number, string, number, number, number, number][] = [];
      let total = 0;
      for (let l = int(1, 6); l > 0; l--) {
        const item = pick(items);
        const qty = int(1, 60);
        // Price overrides on the order line are common; the item master price is only a default.
        const price = chance(0.2) ? Math.round(item.price * (0.85 + rnd() * 0.1) * 100) / 100 : item.price;
        const amount = Math.round(qty * price * 100);
        total += amount;
        lines.push([(lines.length + 1) * 10, item.no, qty, shipped ? qty : 0, price, amount]);
      }
      const shpdt = shipped ? addDays(orddt, int(0, 9)) : '00000000';
      hdr.run(
        ordno,
        custno,
        orddt,
        shpdt,
        chance(0.1) ? null : pick(salesReps),
        pick(WAREHOUSES),
        chance(0.4) ? `PO${int(1000, 99999)}` : null,
        status,
        total,
      );
      for (const line of lines) dtl.run(ordno, ...line);
      if (!shipped) continue;
      invno += int(1, 2);
      const paid = status === 'C' || chance(0.7);
      ar.run(
        invno,
        chance(0.02) ? null : ordno,
        custno,
        shpdt,
        addDays(shpdt, 30),
        total,
        paid ? total : chance(0.5) ? Math.floor(total / 2) : 0,
        paid ? 'P' : 'O',
      );
      jrnno += 1;
      const dollars = total / 100;
      gl.run(jrnno, 1, '1200-00', 'D', dollars, shpdt, 'AR', String(invno));
      gl.run(jrnno, 2, '4000-00', 'C', dollars, shpdt, 'AR', String(invno));
    }

    const bak = db.prepare(
      'INSERT INTO X_TMP_BAK_CUSTMST_0311 SELECT CUSTNO, CSTNM, CRLMT, STSCD FROM CUSTMST WHERE CUSTNO = ?',
    );
    for (let i = 0; i < DEMO_COUNTS.X_TMP_BAK_CUSTMST_0311; i++) bak.run(customers[i * 3]!);
  })();
}

/** `yyyymmdd` plus `days`, as legacy 'YYYYMMDD' text; pure UTC arithmetic so it is machine-independent. */
export function addDays(yyyymmdd: string, days: number): string {
  const t = Date.UTC(
    Number(yyyymmdd.slice(0, 4)),
    Number(yyyymmdd.slice(4, 6)) - 1,
    Number(yyyymmdd.slice(6, 8)),
  );
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

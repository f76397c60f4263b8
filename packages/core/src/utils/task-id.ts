import { randomFillSync } from 'node:crypto';

/** Ids written per draw of random bytes (as `randomUUID()` draws entropy for 128 at a time). */
const IDS_PER_DRAW = 128;
const ID_LENGTH = 36;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const random = Buffer.alloc(16 * IDS_PER_DRAW);
const text = Buffer.alloc(ID_LENGTH * IDS_PER_DRAW);
let next = IDS_PER_DRAW;

/**
 * A fresh random (version 4) UUID, as `crypto.randomUUID()` gives, for task and
 * canvas ids. `randomUUID()` returns a string V8 keeps as a tree of about 20 joined
 * pieces until something flattens it; ids live on in results, records and maps, where
 * such strings cost the garbage collector many times their 36 bytes. These are read
 * from a buffer of ready-written ids, each a flat string of its own.
 */
export function newTaskId(): string {
  if (next === IDS_PER_DRAW) writeIds();
  const start = ID_LENGTH * next++;
  return text.toString('latin1', start, start + ID_LENGTH);
}

function writeIds(): void {
  randomFillSync(random);
  let at = 0;
  for (let id = 0; id < IDS_PER_DRAW; id++) {
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d; // '-'
      let byte = random[16 * id + i]!;
      if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
      else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx
      text[at++] = HEX[byte >> 4]!;
      text[at++] = HEX[byte & 0x0f]!;
    }
  }
  next = 0;
}

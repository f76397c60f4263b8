import { randomFillSync } from 'node:crypto';

/** Ids written per draw of random bytes: drawing costs mostly per call, not per byte. */
const IDS_PER_DRAW = 1024;
const ID_LENGTH = 36;
/** Where the 16 random bytes of an id go in its text (the dashes stay where they are written once). */
const BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX = '0123456789abcdef';
/** The two hex digits of each byte, as character codes. */
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  HIGH[byte] = HEX.charCodeAt(byte >> 4);
  LOW[byte] = HEX.charCodeAt(byte & 0x0f);
}
const random = Buffer.alloc(16 * IDS_PER_DRAW);
const text = Buffer.alloc(ID_LENGTH * IDS_PER_DRAW);
for (let id = 0; id < IDS_PER_DRAW; id++) for (const dash of [8, 13, 18, 23]) text[ID_LENGTH * id + dash] = 0x2d;
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
  for (let id = 0; id < IDS_PER_DRAW; id++) {
    const from = 16 * id;
    const to = ID_LENGTH * id;
    random[from + 6] = (random[from + 6]! & 0x0f) | 0x40; // version 4
    random[from + 8] = (random[from + 8]! & 0x3f) | 0x80; // variant 10xx
    for (let i = 0; i < 16; i++) {
      const byte = random[from + i]!;
      const at = to + BYTE_AT[i]!;
      text[at] = HIGH[byte]!;
      text[at + 1] = LOW[byte]!;
    }
  }
  next = 0;
}

import { styleFor, type Style } from './style';
import { table } from './table';

/** Where commands write: JSON (one document, or one line per event) with `--json`, else text for people. */
export class Printer {
  readonly style: Style;

  constructor(
    readonly json: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.style = styleFor(out);
  }

  /** Prints `value` as JSON, or `human()` as text. */
  result(value: unknown, human: () => string): void {
    this.out.write(`${this.json ? JSON.stringify(value, null, 2) : human()}\n`);
  }

  /** One line: JSON of `value`, or `human`. */
  line(value: unknown, human: string): void {
    this.out.write(`${this.json ? JSON.stringify(value) : human}\n`);
  }

  table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    return table(header, rows, this.style);
  }

  /** A message for people, on stderr (never mixed into `--json` output). */
  note(message: string): void {
    this.err.write(`${message}\n`);
  }
}

/** ANSI styles, applied only when the output is a terminal and `NO_COLOR` is not set. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const plain: Style = { bold: (t) => t, dim: (t) => t, green: (t) => t, red: (t) => t, yellow: (t) => t };

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const coloured: Style = { bold: ansi(1, 22), dim: ansi(2, 22), green: ansi(32, 39), red: ansi(31, 39), yellow: ansi(33, 39) };

/** The style for a stream: colours on a TTY only. */
export function styleFor(stream: NodeJS.WriteStream): Style {
  return stream.isTTY === true && process.env.NO_COLOR === undefined ? coloured : plain;
}

/** Length of a string as shown, without ANSI codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- ANSI escapes are what is stripped
  return text.replace(/\u001b\[\d+m/g, '').length;
}

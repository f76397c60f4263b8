import type { OrderWithTimeline } from './order.model';

const HEADER = ['#', '+ms', 'where', 'signal', 'sender', 'detail'];

/** An order and its timeline as a plain-text table, for the terminal. */
export function formatOrder(order: OrderWithTimeline): string {
  const start = order.timeline[0]?.at ?? 0;
  const rows = order.timeline.map((entry, index) => [String(index + 1), String(entry.at - start), entry.where, entry.signal, entry.sender, entry.detail]);
  return [`${order.id}  ${order.email}  ${order.total.toFixed(2)}  card ${order.card}  ->  ${outcome(order)}`, ...table([HEADER, ...rows])].join('\n');
}

function outcome(order: OrderWithTimeline): string {
  switch (order.status) {
    case 'fulfilled':
      return `fulfilled: paid (${order.chargeId}), receipt sent to ${order.receiptSentTo}, stock ${order.reservationId}`;
    case 'paid':
      return `paid (${order.chargeId}), not fulfilled yet`;
    case 'payment_failed':
      return `payment failed: ${order.failure}`;
    case 'placed':
      return 'placed, not paid yet';
  }
}

/** Pads columns to their widest cell; numbers align right. */
function table(rows: string[][]): string[] {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((cell, column) => (column < 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(rows[0]!), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)];
}

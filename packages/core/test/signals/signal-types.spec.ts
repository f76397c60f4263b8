// Type tests: each `@ts-expect-error` below must be an error, or the type-check
// step (`pnpm typecheck`) fails. The runtime assertions keep the file a real test.
import { defineSignal, taskPrerun, taskSuccess, type RemoteSignalEvent, type SignalEvent, type SignalResponse } from '../../src/signals';
import { OnSignal } from '../../src/decorators';

interface InvoiceSent {
  invoiceId: string;
  amount: number;
}
const invoiceSent = defineSignal<InvoiceSent>('invoice_sent');

declare module '../../src/signals/signal-map' {
  interface SignalMap {
    invoice_sent: InvoiceSent;
  }
}

describe('signal typing', () => {
  it('send checks the payload', async () => {
    await invoiceSent.send('billing', { invoiceId: 'i1', amount: 3 });
    // @ts-expect-error amount must be a number
    await invoiceSent.send('billing', { invoiceId: 'i1', amount: '3' });
    // @ts-expect-error invoiceId is missing
    await invoiceSent.send('billing', { amount: 3 });
    // @ts-expect-error no such field
    await invoiceSent.send('billing', { invoiceId: 'i1', amount: 3, total: 3 });
    // @ts-expect-error the sender is a string
    await invoiceSent.send(42, { invoiceId: 'i1', amount: 3 });
    const responses: readonly SignalResponse<InvoiceSent>[] = await taskSuccess.send('t', { taskId: 'x', args: [], result: 1, runtimeMs: 1 }).then(() => []);
    expect(responses).toEqual([]);
  });

  it('connect types the event the receiver gets', async () => {
    const seen: string[] = [];
    invoiceSent.connect((event) => {
      const id: string = event.invoiceId;
      const sender: string = event.sender;
      const name: string = event.signal;
      // @ts-expect-error amount is a number
      const wrong: string = event.amount;
      // @ts-expect-error no such field on the event
      void event.total;
      seen.push(`${id}/${sender}/${name}/${typeof wrong}`);
    });
    // @ts-expect-error a receiver that expects another payload
    invoiceSent.connect((event: { orderId: string }) => event.orderId);
    await invoiceSent.send('billing', { invoiceId: 'i9', amount: 1 });
    expect(seen[0]).toBe('i9/billing/invoice_sent/number');
  });

  it("connect with scope: 'cluster' types the event as it travelled between processes", () => {
    const offs = [
      taskPrerun.connect(
        (event) => {
          const origin: string = event.origin.name;
          const at: number = event.timestamp;
          const typed: Omit<RemoteSignalEvent<'task_prerun'>, 'signal'> = event;
          void typed;
          // @ts-expect-error the live TaskContext stays in the worker
          void event.context;
          return `${origin}/${at}/${event.taskId}`;
        },
        { scope: 'cluster', sender: 'billing.charge' },
      ),
      // @ts-expect-error a receiver of this process's events expects the live context, which does not travel
      taskPrerun.connect((event: SignalEvent<'task_prerun'>) => event.context.id, { scope: 'cluster' }),
      taskPrerun.connect((event) => {
        // @ts-expect-error without scope: 'cluster' the event is this process's: it has no origin
        void event.origin;
        return event.context.id;
      }),
    ];
    expect(offs.map((off) => off())).toEqual([true, true, true]);
  });

  it('SignalEvent types events by name, built-in and augmented', () => {
    const success: SignalEvent<'task_success'> = { signal: 'task_success', sender: 'a', taskId: 't', args: [], result: 1, runtimeMs: 2 };
    // @ts-expect-error runtimeMs is a number
    const badSuccess: SignalEvent<'task_success'> = { signal: 'task_success', sender: 'a', taskId: 't', args: [], result: 1, runtimeMs: '2' };
    const invoice: SignalEvent<'invoice_sent'> = { signal: 'invoice_sent', sender: 'b', invoiceId: 'i', amount: 1 };
    // @ts-expect-error amount is missing
    const badInvoice: SignalEvent<'invoice_sent'> = { signal: 'invoice_sent', sender: 'b', invoiceId: 'i' };
    // @ts-expect-error the signal field is the literal name
    const wrongName: SignalEvent<'invoice_sent'> = { signal: 'task_success', sender: 'b', invoiceId: 'i', amount: 1 };
    // @ts-expect-error unknown signal names are refused
    type Unknown = SignalEvent<'no_such_signal'>;
    expect([success.runtimeMs, invoice.amount, badSuccess, badInvoice, wrongName].length).toBe(5);
    expect(((x: Unknown | undefined) => x)(undefined)).toBeUndefined();
  });

  it('@OnSignal takes known names and signal objects only', () => {
    class Audit {
      @OnSignal('task_success')
      @OnSignal('invoice_sent')
      record(): void {}

      @OnSignal(invoiceSent)
      byObject(): void {}

      // @ts-expect-error not a known signal name
      @OnSignal('invoice_snet')
      typo(): void {}
    }
    expect(new Audit()).toBeInstanceOf(Audit);
  });
});

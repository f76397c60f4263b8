import type { AsyncResult, CanvasResult, GroupResult } from '@tasks/core';
import { TaskClient } from '@tasks/nestjs';
import { ShopTasks, type Charge } from '../fixtures/shop.tasks';

// Never called: its body is checked by `tsc` (the repo's type-check), where every
// `@ts-expect-error` must meet an error or fail the build.
function canvasTypes(tasks: TaskClient): void {
  const charge = tasks.ref(ShopTasks, 'charge');
  const receipt = tasks.ref(ShopTasks, 'receipt');
  const reserve = tasks.ref(ShopTasks, 'reserve');
  const fulfil = tasks.ref(ShopTasks, 'fulfil');
  const price = tasks.ref(ShopTasks, 'price');
  const total = tasks.ref(ShopTasks, 'total');
  const audit = tasks.ref(ShopTasks, 'audit');

  // Accepted: each step takes the previous result first.
  void (tasks.chain(charge.s('o1', 5), receipt.s('email')).delay() satisfies Promise<CanvasResult<string>>);
  void (tasks.chain(charge.s('o1', 5), tasks.group([receipt.s('email'), reserve.s()]), fulfil.s()).delay() satisfies Promise<CanvasResult<string>>);
  void (tasks.group([price.s(1), audit.s('x')]).delay() satisfies Promise<GroupResult<[number, string]>>);
  void (tasks.chord([price.s(1), price.s(2)], total.s()).delay() satisfies Promise<CanvasResult<number>>);
  void tasks.chain(price.s(1), audit.si('ignores the price'));
  void tasks.chord([price.s(1)], tasks.chain(total.s(), price.s()));
  void tasks.chain(charge.s('o1', 5), tasks.signature<number>('other.app.task'), price.s());
  void charge.applyAsync(['o1', 5], { link: receipt.s('email'), linkError: audit.si('failed') });
  void (charge.s('o1', 5).delay() satisfies Promise<AsyncResult<Charge>>);

  // @ts-expect-error -- receipt's first parameter is a Charge, not a number
  void tasks.chain(price.s(1), receipt.s('email'));
  // @ts-expect-error -- a complete signature can not take the previous result
  void tasks.chain(charge.s('o1', 5), price.s(3));
  // @ts-expect-error -- the first step has nothing before it to take a result from
  void tasks.chain(receipt.s('email'), audit.s()).delay();
  // @ts-expect-error -- a partial signature can not be published by itself
  void reserve.s().delay();
  // @ts-expect-error -- a group of partial signatures neither
  void tasks.group([reserve.s()]).delay();
  // @ts-expect-error -- fulfil takes [string, number], the group gives [string, string]
  void tasks.chain(charge.s('o1', 5), tasks.group([receipt.s('email'), receipt.s('sms')]), fulfil.s());
  // @ts-expect-error -- the chord callback takes number[], the header gives strings
  void tasks.chord([audit.s('a'), audit.s('b')], total.s());
  // @ts-expect-error -- si() takes every argument
  void charge.si('o1');
  // @ts-expect-error -- si() arguments must match
  void charge.si('o1', 'five');
  // @ts-expect-error -- s() arguments must match
  void charge.s(1, 5);
  // @ts-expect-error -- an untyped signature's unknown result does not fit a typed step
  void tasks.chain(tasks.signature('other.app.task'), price.s());
}

describe('canvas typing', () => {
  it('is checked by tsc (see canvasTypes above)', () => {
    expect(typeof canvasTypes).toBe('function');
  });
});

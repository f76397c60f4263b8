/**
 * Compile-time types of the canvas: what each step accepts from the step before it
 * and what it gives the next. They exist only for tsc; nothing here is at runtime.
 */

/** Key of the phantom property that carries a canvas node's types. */
export declare const canvasTypes: unique symbol;

declare const noInput: unique symbol;

/**
 * The input of a signature whose arguments are complete: it can start a chain or be a
 * chord member, but no previous result can be prepended to it.
 */
export interface NoInput {
  readonly [noInput]: true;
}

/** What a canvas node accepts (`Input`) and what it produces (`Result`). */
export interface CanvasTypes<Input, Result> {
  /** A function type, so that a node taking more (`unknown`) fits where one taking less is expected. */
  readonly input: (input: Input) => void;
  readonly result: Result;
}

/** Anything that carries canvas types: a signature, chain, group or chord. */
export interface Typed<Input, Result> {
  readonly [canvasTypes]?: CanvasTypes<Input, Result>;
}

/** What node `Node` accepts as the previous step's result. */
export type InputOf<Node> = Node extends Typed<infer Input, unknown> ? Input : never;

/** What node `Node` produces. */
export type ResultOf<Node> = Node extends Typed<never, infer Result> ? Result : never;

/**
 * Shown by tsc in place of a step that can not take the previous step's result:
 * the step's first parameter (`accepts`) does not admit `previous`.
 */
export interface StepDoesNotAccept<Previous, Accepts> {
  readonly error: 'this step can not take the previous step result as its first argument';
  readonly previous: Previous;
  readonly accepts: Accepts;
}

/** Checks each step of a chain after the first against the result of the one before it. */
export type ChainSteps<Steps extends readonly unknown[]> = Steps extends readonly [infer Head, ...infer Tail] ? [Head, ...NextSteps<Tail, ResultOf<Head>>] : [];

// A spread array of steps (a length tsc does not know) is taken as it is: only tuples are checked.
type NextSteps<Steps extends readonly unknown[], Previous> = number extends Steps['length']
  ? Steps
  : Steps extends readonly [infer Head, ...infer Tail]
    ? [[Previous] extends [InputOf<Head>] ? Head : StepDoesNotAccept<Previous, InputOf<Head>>, ...NextSteps<Tail, ResultOf<Head>>]
    : [];

/** Shown by tsc when `delay()` is called on a canvas whose first step waits for a previous result. */
export interface NeedsPreviousResult {
  readonly error: 'the first step is partial (made with s() without its first argument); give it every argument, or use this canvas inside another';
}

/**
 * What `delay()` takes: nothing when the canvas can start by itself (its first steps take
 * no previous result); otherwise tsc asks for a {@link NeedsPreviousResult} no caller has.
 */
export type StartsAlone<Input> = NoInput extends Input ? [] : [NeedsPreviousResult];

/** The last element of a tuple. */
export type LastOf<Steps extends readonly unknown[]> = Steps extends readonly [...unknown[], infer Last] ? Last : never;

/** What every member of a group accepts: each gets the previous result. */
export type GroupInput<Members extends readonly unknown[]> = number extends Members['length']
  ? InputOf<Members[number]>
  : Members extends readonly [infer Head, ...infer Tail]
    ? InputOf<Head> & GroupInput<Tail>
    : unknown;

/** The results of a group's members, in order. */
export type GroupResults<Members extends readonly unknown[]> = { -readonly [Index in keyof Members]: ResultOf<Members[Index]> };

/** Checks a chord's callback against the array of its header's results. */
export type ChordCallback<Members extends readonly unknown[], Callback> = [GroupResults<Members>] extends [InputOf<Callback>]
  ? Callback
  : StepDoesNotAccept<GroupResults<Members>, InputOf<Callback>>;

/** Arguments after the first: what `.s()` takes when the previous result comes first. */
export type ArgsAfterFirst<Args extends readonly unknown[]> = Args extends readonly [unknown, ...infer Rest] ? Rest : never;

/** The first argument: what a partial signature takes from the previous step. */
export type FirstArg<Args extends readonly unknown[]> = Args extends readonly [infer First, ...unknown[]] ? First : never;

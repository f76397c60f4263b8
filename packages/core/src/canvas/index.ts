export { Canvas, DEFAULT_MAX_GROUP_SIZE } from './canvas';
export type { CanvasOptions } from './canvas';
export { Signature } from './signature';
export { Chain } from './chain';
export { Group } from './group';
export { Chord } from './chord';
export { GroupResult } from './group-result';
export type { GetGroupOptions } from './group-result';
export type { CanvasResult } from './canvas-result';
export type { CanvasNode } from './canvas-node';
export type { CanvasExecutor } from './canvas-executor';
export type {
  NoInput,
  InputOf,
  ResultOf,
  StepDoesNotAccept,
  NeedsPreviousResult,
  StartsAlone,
  ChainSteps,
  GroupInput,
  GroupResults,
  ChordCallback,
  ArgsAfterFirst,
  FirstArg,
  LastOf,
} from './canvas-types';
export type { CanvasRunner } from './canvas-node';

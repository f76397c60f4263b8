import { InvalidCanvasError } from '../errors';
import { checkPublishOptions, copyArgs } from '../publish/prepare-publish';
import { assertJson } from '../serialization/json-guard';
import type { JsonValue } from '../serialization/json-value';
import type { LinkedTask, PublishOptions, TaskHeaders } from '../tasks/task-message';
import type { TaskRegistry } from '../tasks/task-registry';
import type { CanvasNode } from './canvas-node';
import { newTaskId } from '../utils/task-id';

/** A task's publish options in a plan: JSON, so a plan can travel in a job's data. */
export interface PlannedOptions {
  queue: string;
  headers: TaskHeaders;
  delayMs?: number;
  /** Epoch ms. */
  eta?: number;
  expiresMs?: number;
  /** Epoch ms. */
  expires?: number;
  priority?: number;
  timeLimitMs?: number;
}

/** One task of a plan, its id assigned. */
export interface PlannedTask {
  kind: 'task';
  id: string;
  name: string;
  args: JsonValue[];
  /** Takes nothing from the step before it (`.si()`). */
  immutable: boolean;
  options: PlannedOptions;
  link?: PlannedTask[];
  linkError?: PlannedTask[];
}

export interface PlannedChain {
  kind: 'chain';
  steps: PlannedNode[];
}

export interface PlannedGroup {
  kind: 'group';
  id: string;
  members: PlannedNode[];
}

/** A header whose members are tasks or chains of tasks, and a body that starts with a task. */
export interface PlannedChord {
  kind: 'chord';
  header: PlannedGroup;
  body: PlannedNode;
}

export type PlannedNode = PlannedTask | PlannedChain | PlannedGroup | PlannedChord;

/** A canvas checked, normalised (a group followed by steps is a chord) and given its ids. */
export interface CanvasPlan {
  root: PlannedNode;
}

/** What planning checks against. */
export interface CanvasLimits {
  /** Tasks known here: for their queue, and to refuse unknown names when `knownTasksOnly`. */
  registry?: TaskRegistry;
  /** Most members one group (or chord header) may have. */
  maxGroupSize: number;
  /** Refuse a signature whose task is not in `registry`. */
  knownTasksOnly: boolean;
}

/**
 * Checks a canvas and turns it into a plan: every task gets its id (so results can be
 * read before anything ran) and its `rootId` / `parentId` / `groupId` headers. Throws
 * `InvalidCanvasError` or `SerializationError` (naming the path, e.g. `chain[2].args[0]`)
 * before anything is published.
 */
export function planCanvas(node: CanvasNode, limits: CanvasLimits): CanvasPlan {
  const planner = new Planner(limits);
  const root = planner.build(node, node.kind === 'signature' ? 'signature' : node.kind);
  annotate(root, { rootId: firstTaskId(root) });
  return { root };
}

/** Every task of a node, in plan order (links excluded). */
export function planTasks(node: PlannedNode): PlannedTask[] {
  switch (node.kind) {
    case 'task':
      return [node];
    case 'chain':
      return node.steps.flatMap(planTasks);
    case 'group':
      return node.members.flatMap(planTasks);
    case 'chord':
      return [...planTasks(node.header), ...planTasks(node.body)];
  }
}

/** The task whose result a node gives the next step (none for a group). */
export function lastTaskId(node: PlannedNode): string | undefined {
  switch (node.kind) {
    case 'task':
      return node.id;
    case 'chain':
      return lastTaskId(node.steps[node.steps.length - 1]!);
    case 'group':
      return undefined;
    case 'chord':
      return lastTaskId(node.body);
  }
}

/** Publish options of a planned task, as `applyAsync` takes them. */
export function publishOptionsOf(task: PlannedTask): PublishOptions {
  // A loop rather than a rest pattern and spreads: this runs for every task of a canvas.
  const planned = task.options as unknown as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(planned)) {
    if (key !== 'eta' && key !== 'expires') options[key] = planned[key];
  }
  options.headers = Object.assign({}, task.options.headers);
  options.taskId = task.id;
  if (task.options.eta !== undefined) options.eta = new Date(task.options.eta);
  if (task.options.expires !== undefined) options.expires = new Date(task.options.expires);
  return options as PublishOptions;
}

class Planner {
  private readonly givenIds = new Set<string>();

  constructor(private readonly limits: CanvasLimits) {}

  build(node: CanvasNode, path: string): PlannedNode {
    switch (node.kind) {
      case 'signature':
        return this.task(node, path);
      case 'chain': {
        if (node.steps.length === 0) throw new InvalidCanvasError(path, 'a chain needs at least one step; pass one or more signatures');
        return this.chain(node.steps.map((step, i) => this.build(step, `${path}[${i}]`)), path);
      }
      case 'group':
        return this.group(node.members, path);
      case 'chord':
        return this.chord(this.group(node.header, `${path}.header`), this.build(node.callback, `${path}.body`), path);
    }
  }

  private task(signature: LinkedTask, path: string): PlannedTask {
    const { task: name, args, immutable } = signature;
    if (typeof name !== 'string' || name === '') throw new InvalidCanvasError(path, `a task name must be a non-empty string, got ${JSON.stringify(name)}`);
    const registered = this.limits.registry?.get(name);
    if (this.limits.knownTasksOnly && !registered) {
      throw new InvalidCanvasError(path, `no task named "${name}" is registered here; check the name, and that this app provides the class whose method carries @Task()`);
    }
    if (!Array.isArray(args)) throw new InvalidCanvasError(`${path}.args`, 'arguments must be an array');
    args.forEach((arg, i) => assertJson(arg, `${path}.args[${i}]`));
    const { taskId, link, linkError, eta, expires, headers } = signature.options;
    const queue = checkPublishOptions(name, signature.options, registered?.options.queue);
    if (headers !== undefined) assertJson(headers, `${path}.options.headers`);
    let id: string;
    if (taskId === undefined) {
      id = newTaskId();
    } else {
      // Only given ids can repeat: made ones are random UUIDs.
      if (typeof taskId !== 'string' || taskId === '') throw new InvalidCanvasError(`${path}.options.taskId`, 'a task id must be a non-empty string');
      if (this.givenIds.has(taskId)) throw new InvalidCanvasError(`${path}.options.taskId`, `the task id ${taskId} is used twice in this canvas; give each task its own id`);
      this.givenIds.add(taskId);
      id = taskId;
    }
    const planned: PlannedTask = {
      kind: 'task',
      id,
      name,
      args: copyArgs(args as JsonValue[]),
      immutable: immutable === true,
      options: plannedOptions(signature.options, queue, headers, eta, expires),
    };
    if (link !== undefined) planned.link = this.links(link, `${path}.link`);
    if (linkError !== undefined) planned.linkError = this.links(linkError, `${path}.linkError`);
    return planned;
  }

  private links(links: LinkedTask | readonly LinkedTask[], path: string): PlannedTask[] {
    const list: readonly LinkedTask[] = isLinkList(links) ? links : [links];
    return list.map((link, i) => this.task(link, `${path}[${i}]`));
  }

  /** Flattens nested chains; a group followed by more steps becomes a chord whose body is the rest. */
  private chain(steps: PlannedNode[], path: string): PlannedNode {
    const flat = steps.flatMap((step) => (step.kind === 'chain' ? step.steps : [step]));
    const at = flat.findIndex((step) => step.kind === 'group');
    if (at >= 0) {
      const group = flat[at] as PlannedGroup;
      if (at === flat.length - 1) {
        if (flat.length === 1) return group;
        throw new InvalidCanvasError(
          `${path}[${at}]`,
          'a group can not end a chain; add a step after it that takes the array of its results (that makes a chord), or publish the group by itself',
        );
      }
      const rest = flat.slice(at + 1);
      const body = rest.length === 1 ? rest[0]! : this.chain(rest, path);
      flat.splice(at, flat.length - at, this.chord(group, body, `${path}[${at}]`));
    }
    return flat.length === 1 ? flat[0]! : { kind: 'chain', steps: flat };
  }

  private group(members: readonly CanvasNode[], path: string): PlannedGroup {
    if (members.length === 0) throw new InvalidCanvasError(path, 'a group needs at least one member; pass one or more signatures');
    if (members.length > this.limits.maxGroupSize) {
      throw new InvalidCanvasError(
        path,
        `a group of ${members.length} members is more than the limit of ${this.limits.maxGroupSize}; split it, or raise canvas.maxGroupSize`,
      );
    }
    return { kind: 'group', id: newTaskId(), members: members.map((member, i) => this.build(member, `${path}[${i}]`)) };
  }

  private chord(header: PlannedGroup, body: PlannedNode, path: string): PlannedChord {
    header.members.forEach((member, i) => {
      const tasksOnly = member.kind === 'task' || (member.kind === 'chain' && member.steps.every((step) => step.kind === 'task'));
      if (!tasksOnly) {
        throw new InvalidCanvasError(
          `${path}.header[${i}]`,
          'a chord header member must be a signature or a chain of signatures; a group or chord inside a chord header is not supported',
        );
      }
    });
    const first = body.kind === 'chain' ? body.steps[0]! : body;
    if (first.kind !== 'task') {
      throw new InvalidCanvasError(`${path}.body`, 'a chord callback must start with a signature that takes the array of results; a group there is not supported');
    }
    return { kind: 'chord', header, body };
  }
}

interface Ids {
  rootId: string;
  parentId?: string;
  groupId?: string;
}

/** Sets Celery's root/parent/group ids in each task's headers. */
function annotate(node: PlannedNode, ids: Ids): void {
  switch (node.kind) {
    case 'task': {
      const headers = node.options.headers;
      headers.rootId = ids.rootId;
      if (ids.parentId !== undefined) headers.parentId = ids.parentId;
      if (ids.groupId !== undefined) headers.groupId = ids.groupId;
      if (node.link || node.linkError) {
        for (const link of [...(node.link ?? []), ...(node.linkError ?? [])]) annotate(link, { rootId: ids.rootId, parentId: node.id });
      }
      return;
    }
    case 'chain': {
      let parentId = ids.parentId;
      for (const step of node.steps) {
        annotate(step, { ...ids, parentId });
        parentId = lastTaskId(step);
      }
      return;
    }
    case 'group': {
      // One object for every member: annotating reads the ids, never changes them.
      const inGroup: Ids = { ...ids, groupId: node.id };
      for (const member of node.members) annotate(member, inGroup);
      return;
    }
    case 'chord':
      annotate(node.header, ids);
      annotate(node.body, { rootId: ids.rootId, groupId: ids.groupId });
      return;
  }
}

function firstTaskId(node: PlannedNode): string {
  switch (node.kind) {
    case 'task':
      return node.id;
    case 'chain':
      return firstTaskId(node.steps[0]!);
    case 'group':
      return firstTaskId(node.members[0]!);
    case 'chord':
      return firstTaskId(node.header);
  }
}

function isLinkList(links: LinkedTask | readonly LinkedTask[]): links is readonly LinkedTask[] {
  return Array.isArray(links);
}

/** Keys of a signature's options that a plan keeps elsewhere, or converts. */
const SET_APART: ReadonlySet<string> = new Set(['taskId', 'link', 'linkError', 'eta', 'expires', 'headers']);

/** A signature's options as a plan keeps them: defined ones only, dates as epoch ms. */
function plannedOptions(given: PublishOptions, queue: string, headers: TaskHeaders | undefined, eta: Date | undefined, expires: Date | undefined): PlannedOptions {
  const source = given as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (!SET_APART.has(key) && source[key] !== undefined) options[key] = source[key];
  }
  options.queue = queue;
  options.headers = Object.assign({}, headers);
  if (eta !== undefined) options.eta = eta.getTime();
  if (expires !== undefined) options.expires = expires.getTime();
  return options as unknown as PlannedOptions;
}

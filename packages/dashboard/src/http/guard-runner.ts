import { HttpException, type CanActivate, type ContextType, type ExecutionContext, type Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;
type RpcArgumentsHost = ReturnType<ExecutionContext['switchToRpc']>;
type WsArgumentsHost = ReturnType<ExecutionContext['switchToWs']>;

/** What a guard's decision comes to: go on, or answer with this status. */
export type GuardVerdict = { allowed: true } | { allowed: false; status: number; message: string };

/**
 * Runs the dashboard's guard for a request, as Nest runs a route's guards: with an
 * HTTP `ExecutionContext` over the adapter's request and response, whose class and
 * handler are the dashboard's (for guards that read metadata with a `Reflector`).
 */
export class GuardRunner {
  private guard: CanActivate | undefined;

  constructor(
    private readonly configured: Type<CanActivate> | CanActivate | undefined,
    private readonly owner: Type<unknown>,
  ) {}

  /**
   * Finds a guard given as a class among the app's providers (so it gets the app's
   * dependencies), or else creates it with the injector of the dashboard's module.
   */
  async init(moduleRef: ModuleRef): Promise<void> {
    const configured = this.configured;
    if (configured === undefined) return;
    if (typeof configured !== 'function') {
      this.guard = configured;
      return;
    }
    try {
      this.guard = moduleRef.get(configured, { strict: false });
    } catch {
      this.guard = await moduleRef.create(configured);
    }
  }

  async check(request: unknown, response: unknown, handler: (...args: never[]) => unknown): Promise<GuardVerdict> {
    if (!this.guard) return { allowed: true };
    try {
      const decision = this.guard.canActivate(new DashboardExecutionContext([request, response], this.owner, handler));
      const allowed = isObservable(decision) ? await lastValueFrom(decision) : await decision;
      return allowed ? { allowed: true } : { allowed: false, status: 403, message: 'Forbidden resource' };
    } catch (error) {
      if (error instanceof HttpException) return { allowed: false, status: error.getStatus(), message: error.message };
      throw error;
    }
  }
}

class DashboardExecutionContext implements ExecutionContext {
  constructor(
    private readonly args: unknown[],
    private readonly owner: Type<unknown>,
    private readonly handler: (...args: never[]) => unknown,
  ) {}

  getClass<T>(): Type<T> {
    return this.owner as Type<T>;
  }

  getHandler(): (...args: never[]) => unknown {
    return this.handler;
  }

  getArgs<T extends unknown[]>(): T {
    return this.args as T;
  }

  getArgByIndex<T>(index: number): T {
    return this.args[index] as T;
  }

  getType<TContext extends string = ContextType>(): TContext {
    return 'http' as TContext;
  }

  switchToHttp(): HttpArgumentsHost {
    const [request, response] = this.args;
    return {
      getRequest: <T>() => request as T,
      getResponse: <T>() => response as T,
      getNext: <T>() => undefined as T,
    };
  }

  switchToRpc(): RpcArgumentsHost {
    throw new Error('The tasks dashboard runs its guard in an HTTP context only.');
  }

  switchToWs(): WsArgumentsHost {
    throw new Error('The tasks dashboard runs its guard in an HTTP context only.');
  }
}
